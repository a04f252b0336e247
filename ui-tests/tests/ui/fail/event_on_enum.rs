#[telemetry_runtime::event("demo.session.create")]
pub enum SessionCreate {
    Full,
}

fn main() {}
