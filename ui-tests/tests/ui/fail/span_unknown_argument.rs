#[telemetry_runtime::span("demo.fs.stat", verbose)]
fn stat(reference: &str, path: &str) {}

fn main() {}
