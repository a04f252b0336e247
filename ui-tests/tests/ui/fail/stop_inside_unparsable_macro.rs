macro_rules! then {
    ($first:expr => $second:expr) => {{
        $first;
        $second
    }};
}

#[telemetry_runtime::span("demo.fs.walk")]
fn walk(reference: &str) -> usize {
    then!(telemetry_runtime::stop!(file_count = 1u64) => 1)
}

fn main() {}
