// `demo.fs` is the start of several span names, not a span itself.
#[telemetry_runtime::span("demo.fs")]
fn grep(reference: &str, pattern: &str) {}

fn main() {}
