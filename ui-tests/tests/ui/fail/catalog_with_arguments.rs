telemetry_runtime::catalog!("other.toml");

fn main() {}
