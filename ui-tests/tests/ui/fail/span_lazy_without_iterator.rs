use telemetry_runtime::stop;

#[telemetry_runtime::span("demo.fs.walk", lazy)]
fn walk(reference: &str) -> Vec<String> {
    stop!(file_count = 0u64);
    Vec::new()
}

fn main() {}
