#[telemetry_runtime::event]
pub struct SessionCreate;

fn main() {}
