use telemetry_runtime::stop;

#[telemetry_runtime::span("demo.fs.grep", match_count = 0u64)]
fn grep(reference: &str, pattern: &str) {
    stop!(match_count = 1u64);
}

fn main() {}
