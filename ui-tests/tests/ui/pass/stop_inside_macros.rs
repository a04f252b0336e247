// `stop!` inside the arguments of other macros: reached wherever those arguments are
// expressions separated by commas (or `value; count`).
use telemetry_runtime::stop;

#[telemetry_runtime::span("demo.fs.walk")]
fn walk(reference: &str) -> Vec<u64> {
    vec![reference.len() as u64, {
        stop!(file_count = reference.len());
        0
    }]
}

#[telemetry_runtime::span("demo.fs.grep")]
fn grep(reference: &str, pattern: &str) -> String {
    format!("{reference}:{pattern}:{}", {
        stop!(match_count = 1u64);
        1
    })
}

#[telemetry_runtime::span("demo.store.get")]
fn get(sha: &str) -> Vec<bool> {
    assert!(
        {
            stop!(hit = !sha.is_empty());
            true
        },
        "never fails"
    );
    vec![{ stop!(hit = true); true }; 2]
}

fn main() {
    assert_eq!(walk("abc"), vec![3, 0]);
    assert_eq!(grep("main", "fn"), "main:fn:1");
    assert_eq!(get("0123"), vec![true, true]);
}
