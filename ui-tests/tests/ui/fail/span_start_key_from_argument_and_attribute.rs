// `reference` is both an argument and `reference = ..` in the attribute.
#[telemetry_runtime::span("demo.fs.grep", reference = "main")]
fn grep(reference: &str, pattern: &str) {}

fn main() {}
