#[telemetry_runtime::span("demo.session.create")]
fn create(session_id: &str) {}

fn main() {}
