#[telemetry_runtime::event("demo.session.create")]
pub struct SessionCreate<'a> {
    pub session_id: &'a str,
}

fn main() {}
