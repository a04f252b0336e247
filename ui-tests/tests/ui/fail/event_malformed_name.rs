#[telemetry_runtime::event("demo.Session..create")]
pub struct SessionCreate;

fn main() {}
