#[telemetry_runtime::event("demo.token.valid")]
pub struct TokenValid {
    pub token_transport: Transport,
    pub session_loaded: bool,
}

#[derive(telemetry_runtime::Atom)]
pub enum Transport {
    Bearer,
}

fn main() {
    let event = TokenValid { token_transport: Transport::Bearer, session_loaded: true };
    telemetry_runtime::emit!(event);
}
