//! Emitting while other threads attach and detach.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use telemetry_runtime::{EventSlot, attach, detach, execute, fields};

static STRESS: EventSlot = EventSlot::new(&["stress", "slot", "event"]);

#[test]
fn events_reach_every_handler_attached_throughout_while_others_churn() {
    const MIN_EMITS: u64 = 20_000;
    const CHURN_ROUNDS: usize = 500;
    let steady = Arc::new(AtomicUsize::new(0));
    let churned = Arc::new(AtomicUsize::new(0));
    let s = Arc::clone(&steady);
    attach("stress-steady", "stress.slot.event", move |_| {
        s.fetch_add(1, Ordering::Relaxed);
    })
    .unwrap();
    let s = Arc::clone(&steady);
    attach("stress-steady-dynamic", "stress.dynamic.event", move |_| {
        s.fetch_add(1, Ordering::Relaxed);
    })
    .unwrap();

    let churn_done = Arc::new(AtomicBool::new(false));
    let churner = {
        let churn_done = Arc::clone(&churn_done);
        let churned = Arc::clone(&churned);
        std::thread::spawn(move || {
            for _ in 0..CHURN_ROUNDS {
                let c = Arc::clone(&churned);
                attach_both(move || {
                    c.fetch_add(1, Ordering::Relaxed);
                });
                detach("stress-churn").unwrap();
            }
            churn_done.store(true, Ordering::Release);
        })
    };
    // The emitter keeps going until the churner has finished, so the two overlap.
    let emitter = std::thread::spawn(move || {
        let mut emitted = 0u64;
        while emitted < MIN_EMITS || !churn_done.load(Ordering::Acquire) {
            STRESS.execute(&fields!(i = emitted), &fields!(tag = "x"));
            execute("stress.dynamic.event", &fields!(i = emitted), &[]).unwrap();
            emitted += 1;
        }
        emitted
    });
    churner.join().unwrap();
    let emitted = emitter.join().unwrap() as usize;

    assert_eq!(
        steady.load(Ordering::Relaxed),
        2 * emitted,
        "not one event lost"
    );
    assert!(churned.load(Ordering::Relaxed) <= 2 * emitted);
    detach("stress-steady").unwrap();
    detach("stress-steady-dynamic").unwrap();
}

fn attach_both(f: impl Fn() + Send + Sync + 'static) {
    telemetry_runtime::attach_many(
        "stress-churn",
        ["stress.slot.event", "stress.dynamic.event"],
        move |_| f(),
    )
    .unwrap();
}
