#[telemetry_runtime::event("demo.session.create")]
pub struct SessionCreate<'a>(&'a str, u64);

fn main() {}
