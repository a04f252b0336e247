#[telemetry_runtime::span("demo.fs.grp")]
fn grep(reference: &str, pattern: &str) {}

fn main() {}
