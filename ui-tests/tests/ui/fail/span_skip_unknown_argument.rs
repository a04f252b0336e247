#[telemetry_runtime::span("demo.fs.stat", skip(repo))]
fn stat(reference: &str, path: &str) {}

fn main() {}
