#[telemetry_runtime::span("demo.fs.stat")]
fn stat(reference: Option<&str>, path: &str) {}

fn main() {}
