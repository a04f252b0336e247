// `token_transport` is the closed set :bearer | :cookie | :cookie_only.
#[derive(telemetry_runtime::Atom)]
pub enum Transport {
    Bearer,
    Cookie,
    Header,
}

#[telemetry_runtime::event("demo.token.valid")]
pub struct TokenValid {
    pub token_transport: Transport,
    pub session_loaded: bool,
}

fn main() {}
