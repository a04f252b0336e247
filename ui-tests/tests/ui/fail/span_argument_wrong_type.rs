#[telemetry_runtime::span("demo.fs.stat")]
fn stat(reference: u64, path: &str) {}

fn main() {}
