#[telemetry_runtime::event("demo.session.create")]
pub struct SessionCreate<T> {
    pub session_id: T,
}

fn main() {}
