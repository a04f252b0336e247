//! A synchronous span builds its start metadata again for its stop or exception event
//! (it does not keep it on the stack while the body runs). A conversion that panics on
//! that second build still ends the span with exactly one exception event. Written as
//! the macros expand `#[span]`.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use telemetry_runtime::__private::{SpanStop, StopKeys, run_span};
use telemetry_runtime::{Field, OwnedValue, SpanSlots, capture};

static PARSE: SpanSlots = SpanSlots::new(&["rebuilt", "pack", "parse"]);
static NO_STOP_KEYS: StopKeys = StopKeys {
    keys: &[],
    required: &[],
};

/// A span whose start metadata can be built `builds_allowed` times; the build after
/// that panics. The body panics when `body_panics`.
fn parse(builds_allowed: u32, body_panics: bool) -> u32 {
    let builds = Cell::new(0);
    let body = |_stop: SpanStop<'_, 0>| {
        assert!(!body_panics, "corrupt pack");
        7
    };
    if PARSE.is_idle() {
        body(SpanStop::IDLE)
    } else {
        run_span(&PARSE, &NO_STOP_KEYS, body, || {
            builds.set(builds.get() + 1);
            assert!(builds.get() <= builds_allowed, "unconvertible start value");
            [Field::new("byte_size", 3u64)]
        })
    }
}

#[test]
fn stop_and_exception_events_carry_the_start_metadata_built_again() {
    let stopped = capture(|| parse(2, false));
    assert_eq!(stopped.result, 7);
    assert_eq!(
        stopped.events[1].meta("byte_size"),
        Some(&OwnedValue::U64(3))
    );
    let failed = capture(|| catch_unwind(AssertUnwindSafe(|| parse(2, true))));
    assert!(failed.result.is_err());
    assert_eq!(
        failed.events[1].meta("byte_size"),
        Some(&OwnedValue::U64(3))
    );
}

/// Checks that `parse(builds_allowed, body_panics)` panicked with `message` and that its
/// span ended with exactly one exception event carrying that message and no start
/// metadata it could not build.
fn assert_one_exception(builds_allowed: u32, body_panics: bool, message: &str) {
    let captured =
        capture(|| catch_unwind(AssertUnwindSafe(|| parse(builds_allowed, body_panics))));
    let payload = captured
        .result
        .as_ref()
        .expect_err("the panic reaches the caller");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&message));
    assert_eq!(
        captured.names(),
        ["rebuilt.pack.parse.start", "rebuilt.pack.parse.exception"]
    );
    assert_eq!(
        captured.events[1].meta("reason"),
        Some(&OwnedValue::from(message))
    );
    assert_eq!(captured.events[1].meta("byte_size"), None);
}

#[test]
fn a_start_metadata_that_panics_when_built_for_the_stop_ends_the_span_with_one_exception() {
    assert_one_exception(1, false, "unconvertible start value");
}

#[test]
fn a_body_panic_whose_start_metadata_then_fails_to_build_keeps_the_body_panic() {
    assert_one_exception(1, true, "corrupt pack");
}
