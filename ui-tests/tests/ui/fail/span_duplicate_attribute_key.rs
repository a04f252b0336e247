#[telemetry_runtime::span("demo.fs.stat", path = "a", path = "b")]
fn stat(reference: &str) {}

fn main() {}
