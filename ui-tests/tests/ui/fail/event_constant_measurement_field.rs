#[derive(telemetry_runtime::Atom)]
pub enum SessionType {
    Full,
}

#[telemetry_runtime::event("demo.session.create")]
pub struct SessionCreate<'a> {
    pub count: u64,
    pub session_id: &'a str,
    pub user_id: u64,
    pub session_type: SessionType,
}

fn main() {}
