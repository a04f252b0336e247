#[telemetry_runtime::span("demo.fs.stat", skip(path))]
fn stat(reference: &str, path: &str) {}

fn main() {}
