#[telemetry_runtime::event("demo.session.craete")]
pub struct SessionCreate<'a> {
    pub session_id: &'a str,
}

fn main() {}
