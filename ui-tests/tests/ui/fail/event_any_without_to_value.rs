pub struct Opaque;

#[telemetry_runtime::event("demo.types.all")]
pub struct AllTypes {
    pub flag: bool,
    pub count: u64,
    pub delta: i64,
    pub ratio: f64,
    pub label: String,
    pub digest: Vec<u8>,
    pub anything: Opaque,
}

fn main() {}
