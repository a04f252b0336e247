use telemetry_runtime::stop;

fn grep() {
    stop!(match_count = 1u64);
}

fn main() {}
