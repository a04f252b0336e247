#[derive(telemetry_runtime::Atom)]
pub enum Source {
    Url(String),
    RefStoreDisk,
}

fn main() {}
