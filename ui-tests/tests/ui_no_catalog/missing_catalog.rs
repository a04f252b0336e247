// No telemetry.toml in this folder, nor in any folder up to the crate root.
#[telemetry_runtime::event("demo.session.create")]
pub struct SessionCreate;

fn main() {}
