//! Test capture: per-thread isolation and nesting.

use std::sync::{Arc, Barrier};

use telemetry_runtime::{capture, execute, fields};

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
