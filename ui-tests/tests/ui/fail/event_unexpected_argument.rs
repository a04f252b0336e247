#[telemetry_runtime::event("demo.session.create", level = "info")]
pub struct SessionCreate;

fn main() {}
