#[telemetry_runtime::span("demo.fs.walk")]
fn walk(reference: &str) -> Vec<String> {
    Vec::new()
}

fn main() {}
