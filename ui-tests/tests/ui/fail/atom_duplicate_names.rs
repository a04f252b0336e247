#[derive(telemetry_runtime::Atom)]
pub enum Transport {
    Bearer,
    #[atom(rename = "bearer")]
    Header,
}

fn main() {}
