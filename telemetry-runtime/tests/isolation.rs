//! What a hostile handler or value cannot do to the emitting code.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use telemetry_runtime::{
    Durability, MAX_DISPATCH_DEPTH, Value, attach, attach_with, capture, detach,
    dropped_nested_events, execute, fields,
};

/// A panic payload whose own `Drop` panics.
struct PanicsOnDrop;

impl Drop for PanicsOnDrop {
    fn drop(&mut self) {
        panic!("the payload's drop panics too");
    }
}

fn counter() -> (
    Arc<AtomicUsize>,
    impl Fn(&telemetry_runtime::Event<'_>) + Send + Sync,
) {
    let count = Arc::new(AtomicUsize::new(0));
    let c = Arc::clone(&count);
    (count, move |_: &telemetry_runtime::Event<'_>| {
        c.fetch_add(1, Ordering::Relaxed);
    })
}

#[test]
fn a_panic_payload_whose_drop_panics_neither_reaches_the_emitter_nor_skips_later_handlers() {
    let (later, count) = counter();
    attach_with(
        "payload-drop-panics",
        ["isolation.payload.drop"],
        Durability::Durable,
        |_| std::panic::panic_any(PanicsOnDrop),
    )
    .unwrap();
    attach("payload-drop-later", "isolation.payload.drop", count).unwrap();

    let emitted = std::panic::catch_unwind(|| {
        execute("isolation.payload.drop", &[], &[]).unwrap();
        execute("isolation.payload.drop", &[], &[]).unwrap();
    });

    assert!(emitted.is_ok(), "the emitter saw a panic");
    assert_eq!(later.load(Ordering::Relaxed), 2);
    detach("payload-drop-panics").unwrap();
    detach("payload-drop-later").unwrap();
}

/// A value whose `Debug` form panics.
struct PanickingDebug;

impl fmt::Debug for PanickingDebug {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        panic!("Debug panics");
    }
}

#[test]
fn a_panicking_debug_value_does_not_reach_the_emitter_while_a_capture_records() {
    let value = PanickingDebug;
    let captured = std::panic::catch_unwind(|| {
        capture(|| {
            execute(
                "isolation.debug.value",
                &[],
                &fields!(bad = Value::Debug(&value)),
            )
            .unwrap();
            execute("isolation.debug.after", &[], &[]).unwrap();
        })
    });

    let captured = captured.expect("the emitter saw the Debug panic");
    assert_eq!(
        captured.names(),
        ["isolation.debug.value", "isolation.debug.after"]
    );
}

#[test]
fn a_handler_emitting_its_own_event_stops_at_the_depth_bound_and_counts_the_rest() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = Arc::clone(&calls);
    let before = dropped_nested_events();
    attach("echo-self", "isolation.echo.self", move |_| {
        c.fetch_add(1, Ordering::Relaxed);
        execute("isolation.echo.self", &[], &[]).unwrap();
    })
    .unwrap();

    execute("isolation.echo.self", &[], &[]).unwrap();

    assert_eq!(calls.load(Ordering::Relaxed), MAX_DISPATCH_DEPTH);
    assert!(dropped_nested_events() > before);
    detach("echo-self").unwrap();
}

#[test]
fn dispatch_depth_is_restored_after_a_bounded_recursion() {
    attach("echo-depth", "isolation.echo.depth", |_| {
        execute("isolation.echo.depth", &[], &[]).unwrap();
    })
    .unwrap();
    execute("isolation.echo.depth", &[], &[]).unwrap();
    detach("echo-depth").unwrap();

    let (seen, count) = counter();
    attach("after-depth", "isolation.after.depth", count).unwrap();
    execute("isolation.after.depth", &[], &[]).unwrap();
    assert_eq!(seen.load(Ordering::Relaxed), 1);
    detach("after-depth").unwrap();
}
