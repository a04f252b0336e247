use telemetry_runtime::stop;

#[telemetry_runtime::span("demo.fs.grep")]
fn grep(reference: &str, needle: &str) -> u64 {
    stop!(match_count = needle.len() as u64);
    0
}

fn main() {}
