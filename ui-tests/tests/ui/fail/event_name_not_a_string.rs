#[telemetry_runtime::event(demo.session.create)]
pub struct SessionCreate;

fn main() {}
