use telemetry_runtime::stop;

#[telemetry_runtime::span("demo.fs.walk", lazy)]
async fn walk(reference: &str) -> u64 {
    stop!(file_count = 0u64);
    0
}

fn main() {}
