//! Attaching, detaching, listing handlers, and what happens when one panics.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use telemetry_runtime::{
    AttachError, DetachError, Durability, Event, HandlerId, OwnedEvent, OwnedValue, attach,
    attach_many, attach_with, detach, execute, fields, list_handlers, with_handler,
};

/// A handler that keeps owned copies of what it sees, filtered by a predicate.
fn recorder(
    keep: impl Fn(&Event<'_>) -> bool + Send + Sync + 'static,
) -> (
    Arc<Mutex<Vec<OwnedEvent>>>,
    impl Fn(&Event<'_>) + Send + Sync + 'static,
) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    (seen, move |e: &Event<'_>| {
        if keep(e) {
            sink.lock().unwrap().push(e.to_owned_event());
        }
    })
}

fn counter() -> (
    Arc<AtomicUsize>,
    impl Fn(&Event<'_>) + Send + Sync + 'static,
) {
    let count = Arc::new(AtomicUsize::new(0));
    let c = Arc::clone(&count);
    (count, move |_: &Event<'_>| {
        c.fetch_add(1, Ordering::SeqCst);
    })
}

#[test]
fn attaching_a_second_handler_with_the_same_id_is_an_error() {
    attach("dup-id", "test.dup.a", |_| {}).unwrap();
    let err = attach("dup-id", "test.dup.b", |_| {}).unwrap_err();
    assert_eq!(err, AttachError::DuplicateId(HandlerId::from("dup-id")));
    assert_eq!(
        list_handlers(&["test", "dup"]).len(),
        1,
        "the first stays attached alone"
    );
    detach("dup-id").unwrap();
}

#[test]
fn detaching_an_unknown_id_is_an_error() {
    assert_eq!(
        detach("never-attached"),
        Err(DetachError::UnknownId(HandlerId::from("never-attached")))
    );
}

#[test]
fn detaching_twice_is_an_error_the_second_time() {
    attach("detach-twice", "test.detach.twice", |_| {}).unwrap();
    assert!(detach("detach-twice").is_ok());
    assert!(detach("detach-twice").is_err());
}

#[test]
fn attaching_to_a_malformed_name_is_an_error() {
    let err = attach("bad-name", "test..x", |_| {}).unwrap_err();
    assert!(matches!(err, AttachError::InvalidName(_)));
    assert!(detach("bad-name").is_err(), "nothing was attached");
}

#[test]
fn a_handler_receives_the_measurements_and_metadata_it_was_emitted_with() {
    let (seen, handler) = recorder(|_| true);
    attach("receives", "test.receives.event", handler).unwrap();
    execute(
        "test.receives.event",
        &fields!(count = 1u64),
        &fields!(session_id = "s1", "hit?" = true),
    )
    .unwrap();
    detach("receives").unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].name().as_str(), "test.receives.event");
    assert_eq!(seen[0].measurement("count"), Some(&OwnedValue::U64(1)));
    assert_eq!(seen[0].metadata_keys(), ["session_id", "hit?"]);
    assert_eq!(seen[0].meta("hit?"), Some(&OwnedValue::Bool(true)));
}

#[test]
fn a_handler_only_receives_the_events_it_is_attached_to() {
    let (count, handler) = counter();
    attach("only-its-own", "test.only.mine", handler).unwrap();
    execute("test.only.other", &[], &[]).unwrap();
    execute("test.only.mine.longer", &[], &[]).unwrap();
    execute("test.only", &[], &[]).unwrap();
    execute(&["test", "only", "mine"], &[], &[]).unwrap();
    detach("only-its-own").unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[test]
fn attach_many_attaches_one_handler_to_every_event_under_one_id() {
    let (count, handler) = counter();
    attach_many("many", ["test.many.a", "test.many.b"], handler).unwrap();
    execute("test.many.a", &[], &[]).unwrap();
    execute("test.many.b", &[], &[]).unwrap();
    detach("many").unwrap();
    execute("test.many.a", &[], &[]).unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 2);
}

#[test]
fn list_handlers_matches_prefixes_by_whole_segments() {
    attach_many(
        "list-a",
        ["listing.fs.grep.stop", "listing.fs.walk.stop"],
        |_| {},
    )
    .unwrap();
    attach("list-b", "listing.pack.parse.stop", |_| {}).unwrap();

    let ids = |prefix: &[&str]| -> Vec<(String, String)> {
        list_handlers(prefix)
            .into_iter()
            .filter(|h| h.id.as_str().starts_with("list-"))
            .map(|h| (h.id.to_string(), h.event.to_string()))
            .collect()
    };
    assert_eq!(
        ids(&["listing", "fs", "grep"]),
        [("list-a".into(), "listing.fs.grep.stop".into())]
    );
    assert_eq!(ids(&["listing", "fs"]).len(), 2);
    assert_eq!(ids(&["listing"]).len(), 3);
    assert!(
        ids(&["listing", "f"]).is_empty(),
        "a partial segment does not match"
    );
    assert_eq!(ids(&[]).len(), 3, "an empty prefix lists every handler");
    assert_eq!(
        list_handlers(&["listing", "pack"])[0].durability,
        Durability::DetachOnPanic
    );
    detach("list-a").unwrap();
    detach("list-b").unwrap();
}

#[test]
fn a_panicking_handler_is_detached_and_reported_while_the_others_still_run() {
    let (failures, failure_handler) = recorder(|e| {
        e.metadata().get("handler_id").and_then(|v| v.as_str()) == Some("panics-once")
    });
    attach(
        "failure-watch",
        telemetry_runtime::HANDLER_FAILURE,
        failure_handler,
    )
    .unwrap();
    let (before, before_handler) = counter();
    let (after, after_handler) = counter();
    attach("runs-before", "test.panic.event", before_handler).unwrap();
    attach("panics-once", "test.panic.event", |_| {
        panic!("boom in handler")
    })
    .unwrap();
    attach("runs-after", "test.panic.event", after_handler).unwrap();

    execute("test.panic.event", &[], &[]).unwrap(); // the emitter does not see the panic
    execute("test.panic.event", &[], &[]).unwrap();

    assert_eq!(before.load(Ordering::SeqCst), 2);
    assert_eq!(after.load(Ordering::SeqCst), 2);
    assert!(
        list_handlers(&["test", "panic"])
            .iter()
            .all(|h| h.id.as_str() != "panics-once")
    );
    let failures = failures.lock().unwrap();
    assert_eq!(failures.len(), 1, "reported once, then detached");
    let failure = &failures[0];
    assert_eq!(failure.name().as_str(), "telemetry.handler.failure");
    assert_eq!(
        failure.metadata_keys(),
        ["handler_id", "event_name", "kind", "reason"]
    );
    assert_eq!(
        failure.meta("event_name"),
        Some(&OwnedValue::from("test.panic.event"))
    );
    assert_eq!(failure.meta("kind"), Some(&OwnedValue::atom("panic")));
    assert_eq!(
        failure.meta("reason"),
        Some(&OwnedValue::from("boom in handler"))
    );
    drop(failures);
    for id in ["failure-watch", "runs-before", "runs-after"] {
        detach(id).unwrap();
    }
}

#[test]
fn a_durable_handler_stays_attached_after_panicking() {
    let (failures, failure_handler) =
        recorder(|e| e.metadata().get("handler_id").and_then(|v| v.as_str()) == Some("durable"));
    attach(
        "durable-watch",
        "telemetry.handler.failure",
        failure_handler,
    )
    .unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let c = Arc::clone(&calls);
    attach_with(
        "durable",
        ["test.durable.event"],
        Durability::Durable,
        move |_| {
            c.fetch_add(1, Ordering::SeqCst);
            panic!("still here");
        },
    )
    .unwrap();
    execute("test.durable.event", &[], &[]).unwrap();
    execute("test.durable.event", &[], &[]).unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(failures.lock().unwrap().len(), 2, "every panic is reported");
    assert_eq!(
        list_handlers(&["test", "durable"])[0].durability,
        Durability::Durable
    );
    detach("durable").unwrap();
    detach("durable-watch").unwrap();
}

#[test]
fn a_panicking_handler_of_the_failure_event_is_not_reported_again() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = Arc::clone(&calls);
    attach_with(
        "failure-loop",
        ["telemetry.handler.failure"],
        Durability::Durable,
        move |e| {
            if e.metadata().get("handler_id").and_then(|v| v.as_str()) == Some("loop-trigger") {
                c.fetch_add(1, Ordering::SeqCst);
                panic!("failure handler fails too");
            }
        },
    )
    .unwrap();
    attach("loop-trigger", "test.failure.loop", |_| panic!("first")).unwrap();
    execute("test.failure.loop", &[], &[]).unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    detach("failure-loop").unwrap();
}

#[test]
fn a_handler_may_emit_attach_and_detach_from_inside_its_call() {
    let (inner, inner_handler) = counter();
    let inner_handler = Arc::new(inner_handler);
    attach("reentrant", "test.reentrant.outer", move |_| {
        let h = Arc::clone(&inner_handler);
        attach("reentrant-inner", "test.reentrant.inner", move |e| h(e)).unwrap();
        execute("test.reentrant.inner", &[], &[]).unwrap();
        detach("reentrant-inner").unwrap();
        detach("reentrant").unwrap(); // itself
    })
    .unwrap();
    execute("test.reentrant.outer", &[], &[]).unwrap();
    execute("test.reentrant.outer", &[], &[]).unwrap(); // detached by now
    assert_eq!(inner.load(Ordering::SeqCst), 1);
    assert!(list_handlers(&["test", "reentrant"]).is_empty());
}

#[test]
fn with_handler_detaches_after_the_closure_returns() {
    let (count, handler) = counter();
    let result = with_handler(handler, ["test.with.event"], || {
        execute("test.with.event", &[], &[]).unwrap();
        "done"
    })
    .unwrap();
    execute("test.with.event", &[], &[]).unwrap();
    assert_eq!((result, count.load(Ordering::SeqCst)), ("done", 1));
    assert!(list_handlers(&["test", "with"]).is_empty());
}

#[test]
fn with_handler_detaches_when_the_closure_panics() {
    let outcome = std::panic::catch_unwind(|| {
        with_handler(
            |_| {},
            ["test.with_panic.event"],
            || panic!("closure fails"),
        )
        .unwrap()
    });
    assert!(outcome.is_err());
    assert!(list_handlers(&["test", "with_panic"]).is_empty());
}

#[test]
fn attach_many_with_no_events_is_an_error_and_attaches_nothing() {
    let none: [&str; 0] = [];
    let result = attach_many("no-events", none, |_| {});
    assert_eq!(
        result,
        Err(AttachError::NoEvents(HandlerId::from("no-events")))
    );
    assert_eq!(
        detach("no-events"),
        Err(DetachError::UnknownId("no-events".into()))
    );
}

#[test]
fn with_handler_leaves_a_handler_that_reused_its_id_attached() {
    let (count, handler) = counter();
    with_handler(
        |_| panic!("detached on its first panic"),
        ["test.with_reuse.event"],
        || {
            let id = list_handlers(&["test", "with_reuse"])[0].id.clone();
            execute("test.with_reuse.event", &[], &[]).unwrap(); // panics: detached
            attach(id, "test.with_reuse.event", handler).unwrap();
        },
    )
    .unwrap();

    execute("test.with_reuse.event", &[], &[]).unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 1);
    let left = list_handlers(&["test", "with_reuse"]);
    assert_eq!(left.len(), 1);
    detach(left[0].id.clone()).unwrap();
}

#[test]
fn with_handler_over_no_events_runs_the_closure() {
    let none: [&str; 0] = [];
    assert_eq!(with_handler(|_| {}, none, || 42), Ok(42));
}
