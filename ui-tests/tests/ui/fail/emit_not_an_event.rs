// A plain struct, without #[event("..")].
pub struct SessionCreate {
    pub session_id: String,
}

fn main() {
    telemetry_runtime::emit!(SessionCreate { session_id: String::new() });
}
