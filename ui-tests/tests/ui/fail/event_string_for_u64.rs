#[derive(telemetry_runtime::Atom)]
pub enum SessionType {
    Full,
}

#[telemetry_runtime::event("demo.session.create")]
pub struct SessionCreate<'a> {
    pub session_id: &'a str,
    pub user_id: String,
    pub session_type: SessionType,
}

fn main() {}
