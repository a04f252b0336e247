#[telemetry_runtime::span("demo.fs.stat")]
struct Stat {
    reference: String,
}

fn main() {}
