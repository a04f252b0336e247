// `digest` is declared `bytes`; every other field is right.
#[telemetry_runtime::event("demo.types.all")]
pub struct AllTypes {
    pub flag: bool,
    pub count: u64,
    pub delta: i64,
    pub ratio: f64,
    pub label: String,
    pub digest: String,
    pub anything: u64,
}

fn main() {}
