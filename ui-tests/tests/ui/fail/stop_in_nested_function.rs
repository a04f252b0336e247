use telemetry_runtime::stop;

#[telemetry_runtime::span("demo.fs.grep")]
fn grep(reference: &str, pattern: &str) {
    fn helper() {
        stop!(match_count = 1u64);
    }
    helper();
    stop!(match_count = 2u64);
}

fn main() {}
