//! Static slots follow attach and detach. This binary never runs a capture, which would
//! make every slot listen.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use telemetry_runtime::{EventSlot, Phase, SpanSlots, attach, detach, fields};

static SESSION_CREATE: EventSlot = EventSlot::new(&["slots", "session", "create"]);

#[test]
fn a_slot_is_enabled_exactly_while_a_handler_is_attached() {
    assert!(
        !SESSION_CREATE.is_enabled(),
        "first use registers the slot, idle"
    );
    let count = Arc::new(AtomicUsize::new(0));
    let c = Arc::clone(&count);
    attach("slot-handler", "slots.session.create", move |e| {
        assert_eq!(
            e.metadata().get("session_id").and_then(|v| v.as_str()),
            Some("s1")
        );
        c.fetch_add(1, Ordering::SeqCst);
    })
    .unwrap();
    assert!(SESSION_CREATE.is_enabled());
    SESSION_CREATE.execute(&fields!(count = 1u64), &fields!(session_id = "s1"));
    detach("slot-handler").unwrap();
    assert!(!SESSION_CREATE.is_enabled());
    SESSION_CREATE.execute(&fields!(count = 1u64), &fields!(session_id = "s1"));
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

static LATE: EventSlot = EventSlot::new(&["slots", "late", "registration"]);

#[test]
fn a_slot_first_used_after_attach_sees_the_existing_handler() {
    attach("late-handler", "slots.late.registration", |_| {}).unwrap();
    assert!(LATE.is_enabled());
    detach("late-handler").unwrap();
}

static WALK: SpanSlots = SpanSlots::new(&["slots", "fs", "walk"]);

#[test]
fn a_span_is_enabled_while_any_of_its_three_events_has_a_handler() {
    assert!(!WALK.is_enabled());
    for phase in [Phase::Start, Phase::Stop, Phase::Exception] {
        let name = format!("slots.fs.walk.{}", phase.segment());
        attach("walk-phase", name.as_str(), |_| {}).unwrap();
        assert!(WALK.is_enabled(), "{name}");
        assert!(WALK.slot(phase).is_enabled());
        detach("walk-phase").unwrap();
        assert!(!WALK.is_enabled());
    }
}

#[test]
fn a_span_nobody_listens_to_runs_its_closure_without_emitting() {
    static IDLE: SpanSlots = SpanSlots::new(&["slots", "idle", "span"]);
    assert_eq!(IDLE.span(&fields!(x = 1u64), || 41 + 1), 42);
}
