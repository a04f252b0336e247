use telemetry_runtime::stop;

#[telemetry_runtime::span("demo.fs.grep")]
fn grep(reference: &str, pattern: &str) {
    stop!(match_count = 1u64, files_scaned = 2u64);
}

fn main() {}
