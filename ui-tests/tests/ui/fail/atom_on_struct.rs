#[derive(telemetry_runtime::Atom)]
pub struct Transport {
    kind: u8,
}

fn main() {}
