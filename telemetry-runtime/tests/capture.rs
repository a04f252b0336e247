//! Test capture: per-thread isolation and nesting.

use std::sync::{Arc, Barrier};

use telemetry_runtime::{ActiveSpan, Field, SpanSlots, Value, capture, execute, fields};

#[test]
fn captures_on_two_threads_see_only_their_own_events() {
    let barrier = Arc::new(Barrier::new(2));
    let worker = |tag: &'static str, barrier: Arc<Barrier>| {
        std::thread::spawn(move || {
            capture(|| {
                for i in 0..100u64 {
                    execute("cap.iso.event", &[], &fields!(tag = tag, i = i)).unwrap();
                    if i == 50 {
                        barrier.wait(); // both threads are mid-capture here
                    }
                }
            })
            .events
        })
    };
    let a = worker("a", Arc::clone(&barrier));
    let b = worker("b", barrier);
    for (handle, tag) in [(a, "a"), (b, "b")] {
        let events = handle.join().unwrap();
        assert_eq!(events.len(), 100);
        assert!(
            events
                .iter()
                .all(|e| e.meta("tag").and_then(|v| v.as_str()) == Some(tag))
        );
    }
}

#[test]
fn an_outer_capture_also_sees_the_events_of_an_inner_one() {
    let outer = capture(|| {
        execute("cap.nest.before", &[], &[]).unwrap();
        let inner = capture(|| execute("cap.nest.inner", &[], &[]).unwrap());
        assert_eq!(inner.names(), ["cap.nest.inner"]);
        execute("cap.nest.after", &[], &[]).unwrap();
    });
    assert_eq!(
        outer.names(),
        ["cap.nest.before", "cap.nest.inner", "cap.nest.after"]
    );
}

#[test]
fn a_capture_ends_cleanly_when_its_closure_panics() {
    let outcome = std::panic::catch_unwind(|| capture(|| panic!("test body fails")));
    assert!(outcome.is_err());
    let after = capture(|| execute("cap.after_panic", &[], &[]).unwrap());
    assert_eq!(after.names(), ["cap.after_panic"]);
}

/// A value whose `Debug` form emits an event of its own.
struct EmitsWhenShown;

impl std::fmt::Debug for EmitsWhenShown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        execute("cap.debug.inner", &[], &[]).unwrap();
        f.write_str("shown")
    }
}

#[test]
fn an_event_emitted_while_an_event_is_copied_is_captured_right_after_it() {
    let captured = capture(|| {
        execute(
            "cap.debug.outer",
            &[],
            &[Field::new("value", Value::Debug(&EmitsWhenShown))],
        )
        .unwrap();
        execute("cap.debug.after", &[], &[]).unwrap();
    });
    assert_eq!(
        captured.names(),
        ["cap.debug.outer", "cap.debug.inner", "cap.debug.after"]
    );
    assert_eq!(
        captured.events[0].meta("value").map(|v| v.to_string()),
        Some("shown".to_owned())
    );
}

/// A value whose `Debug` form panics.
struct PanicsWhenShown;

impl std::fmt::Debug for PanicsWhenShown {
    fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        panic!("cannot show this")
    }
}

#[test]
fn a_value_whose_debug_panics_is_captured_as_its_panic_message() {
    let captured = capture(|| {
        execute(
            "cap.debug.panics",
            &[],
            &fields!(before = 1u64, value = Value::Debug(&PanicsWhenShown)),
        )
    });
    assert!(captured.result.is_ok(), "the panic reached the emitter");
    let event = &captured.events[0];
    assert_eq!(event.meta("before").and_then(|v| v.as_u64()), Some(1));
    let shown = event.meta("value").map(|v| v.to_string()).unwrap();
    assert!(shown.contains("cannot show this"), "{shown}");
}

static MOVED: SpanSlots = SpanSlots::new(&["cap", "moved"]);

#[test]
fn a_span_started_in_a_capture_and_stopped_on_another_thread_is_captured_whole() {
    let captured = capture(|| {
        assert!(MOVED.is_enabled());
        let active = ActiveSpan::start_owned(&MOVED, &fields!(path = "x"));
        std::thread::spawn(move || active.stop(&fields!(found = 3u64)))
            .join()
            .unwrap();
    });
    assert_eq!(captured.names(), ["cap.moved.start", "cap.moved.stop"]);
    let stop = &captured.events[1];
    assert_eq!(stop.span_context(), captured.events[0].span_context());
    assert_eq!(stop.meta("found").and_then(|v| v.as_u64()), Some(3));
}

#[test]
fn a_span_started_in_a_capture_and_dropped_on_another_thread_is_captured_as_cancelled() {
    let captured = capture(|| {
        assert!(MOVED.is_enabled());
        let active = ActiveSpan::start_owned(&MOVED, &[]);
        std::thread::spawn(move || drop(active)).join().unwrap();
    });
    assert_eq!(captured.names(), ["cap.moved.start", "cap.moved.exception"]);
    assert_eq!(
        captured.events[1].meta("kind").and_then(|v| v.as_atom()),
        Some("cancelled")
    );
}

#[test]
fn the_end_of_a_span_started_elsewhere_is_captured_only_where_it_happens() {
    let (hand_over, receive) = std::sync::mpsc::channel();
    let starter = capture(|| {
        assert!(MOVED.is_enabled());
        hand_over
            .send(ActiveSpan::start_owned(&MOVED, &[]))
            .unwrap();
    });
    let bystander = std::thread::spawn(|| capture(|| execute("cap.bystander", &[], &[]).unwrap()));
    let ender = capture(|| receive.recv().unwrap().stop(&[]));
    assert_eq!(starter.names(), ["cap.moved.start"]);
    assert_eq!(ender.names(), ["cap.moved.stop"]);
    assert_eq!(bystander.join().unwrap().names(), ["cap.bystander"]);
}

#[test]
fn the_span_pairs_a_start_with_the_event_that_ended_it() {
    let captured = capture(|| {
        telemetry_runtime::span("capt.pair.op", &[], || ()).unwrap();
        let _ = std::panic::catch_unwind(|| {
            telemetry_runtime::span("capt.pair.boom", &[], || panic!("boom")).unwrap()
        });
    });
    let op = captured.the_span("capt.pair.op").expect("one op span");
    assert_eq!(
        op.end().map(|e| e.name().as_str()),
        Some("capt.pair.op.stop")
    );
    assert_eq!(
        op.start.span_context(),
        op.end().and_then(|e| e.span_context())
    );
    let boom = captured.the_span("capt.pair.boom").expect("one boom span");
    assert_eq!(
        boom.end().map(|e| e.name().as_str()),
        Some("capt.pair.boom.exception")
    );
}

#[test]
fn only_refuses_a_name_captured_twice() {
    let captured = capture(|| {
        for _ in 0..2 {
            telemetry_runtime::execute("capt.twice.tick", &[], &[]).unwrap();
        }
    });
    assert_eq!(captured.named("capt.twice.tick").count(), 2);
    assert!(captured.only("capt.twice.tick").is_none());
}
