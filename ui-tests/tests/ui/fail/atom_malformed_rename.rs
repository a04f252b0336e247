#[derive(telemetry_runtime::Atom)]
pub enum Transport {
    #[atom(rename = ":Bearer")]
    Bearer,
}

fn main() {}
