//! Nested spans keep their frames small: recursion through a `#[span]` function reaches
//! the depth the runtime documents, on a thread with 8 MiB of stack (the main thread's
//! default on Linux): 6,500 levels in a debug build, 32,000 in a release build, with a
//! handler on every event of the span.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use telemetry_runtime::{self as telemetry, attach_many, detach, stop};

mod catalogue {
    telemetry_runtime::catalog!();
}

/// The depth documented for a thread with [`STACK`] bytes of stack.
const DEPTH: u32 = if cfg!(debug_assertions) {
    6_500
} else {
    32_000
};
const STACK: usize = 8 << 20;

#[telemetry::span("behaviour.store.get")]
fn nested(sha: &str, depth: u32) -> u32 {
    if depth == 0 {
        return 0;
    }
    stop!(hit = true);
    std::hint::black_box(nested(sha, depth - 1)) + 1
}

#[test]
fn nested_span_functions_reach_the_documented_depth_on_an_8_mib_stack() {
    let seen = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&seen);
    attach_many(
        "stack-depth",
        [
            "behaviour.store.get.start",
            "behaviour.store.get.stop",
            "behaviour.store.get.exception",
        ],
        move |event| {
            if event.metadata().get("sha").and_then(|v| v.as_str()) == Some("deep") {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        },
    )
    .unwrap();
    let reached = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(|| nested("deep", DEPTH))
        .unwrap()
        .join();
    detach("stack-depth").unwrap();
    assert_eq!(reached.ok(), Some(DEPTH));
    assert_eq!(
        seen.load(Ordering::Relaxed),
        2 * (u64::from(DEPTH) + 1),
        "every level started and stopped"
    );
}
