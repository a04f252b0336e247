#[derive(telemetry_runtime::Atom)]
pub enum SessionType {
    Full,
}

#[telemetry_runtime::event("demo.session.create")]
pub struct SessionCreate<'a> {
    pub session_id: Option<&'a str>,
    pub user_id: u64,
    pub session_type: SessionType,
}

fn main() {}
