#[telemetry_runtime::span]
fn stat(reference: &str, path: &str) {}

fn main() {}
