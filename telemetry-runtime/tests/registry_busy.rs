//! Emitters never wait for the registry: a slot's first use, dispatch, a capture's
//! recording and the report of a failed handler all complete while another thread holds
//! the registry as a long attach or detach would.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use telemetry_runtime::{
    EventSlot, attach, capture, execute, fields, hold_registry_for_tests, list_handlers,
};

/// Used for the first time while the registry is held.
static FIRST_USE: EventSlot = EventSlot::new(&["busy", "first_use", "event"]);

/// Long enough for any machine; reached only if an emitter is stuck.
const STUCK: Duration = Duration::from_secs(60);

#[test]
fn emitters_complete_while_the_registry_is_held() {
    let delivered = Arc::new(AtomicUsize::new(0));
    for (id, name) in [
        ("busy-slot", "busy.first_use.event"),
        ("busy-dynamic", "busy.dynamic.event"),
    ] {
        let d = Arc::clone(&delivered);
        attach(id, name, move |_| {
            d.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap();
    }
    attach("busy-failing", "busy.failing.event", |_| panic!("fails")).unwrap();
    let failures = Arc::new(AtomicUsize::new(0));
    let f = Arc::clone(&failures);
    attach(
        "busy-failure-watch",
        "telemetry.handler.failure",
        move |e| {
            if e.metadata().get("handler_id").and_then(|v| v.as_str()) == Some("busy-failing") {
                f.fetch_add(1, Ordering::SeqCst);
            }
        },
    )
    .unwrap();

    let (capturing_tx, capturing_rx) = mpsc::channel::<()>();
    let (held_tx, held_rx) = mpsc::channel::<()>();
    let (done_tx, done_rx) = mpsc::channel::<usize>();
    let emitter = std::thread::spawn(move || {
        // Starting a capture may wait for the registry; recording into it may not.
        capture(|| {
            capturing_tx.send(()).unwrap();
            held_rx
                .recv_timeout(STUCK)
                .expect("the registry was never held");
            assert!(FIRST_USE.is_enabled());
            FIRST_USE.execute(&fields!(n = 1u64), &[]);
            execute("busy.dynamic.event", &[], &[]).unwrap();
            execute("busy.failing.event", &[], &[]).unwrap();
            done_tx.send(0).unwrap();
        })
    });

    capturing_rx
        .recv_timeout(STUCK)
        .expect("the capture never started");
    let completed_while_held = hold_registry_for_tests(|| {
        held_tx.send(()).unwrap();
        done_rx.recv_timeout(STUCK).is_ok()
    });
    let captured = emitter.join().unwrap();

    assert!(completed_while_held, "an emitter waited for the registry");
    assert_eq!(delivered.load(Ordering::SeqCst), 2);
    assert_eq!(failures.load(Ordering::SeqCst), 1);
    assert_eq!(
        captured.names(),
        [
            "busy.first_use.event",
            "busy.dynamic.event",
            "busy.failing.event",
            "telemetry.handler.failure"
        ]
    );
    assert!(list_handlers(&["busy", "failing"]).is_empty());
}
