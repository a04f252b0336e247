#[telemetry_runtime::span("demo.fs.stat", pth = "README")]
fn stat(reference: &str) {}

fn main() {}
