//! Typed handlers: an event emitted from their struct reaches them as the emitted value
//! itself; any other (executed by name, emitted from another struct of the same event) is
//! read back from its fields by key. The catalogue is `tests/telemetry.toml`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use telemetry_runtime::{self as telemetry, Atom, Field, Fields, FromValue, Value, fields};

#[derive(telemetry::Atom, Clone, Copy, Debug, PartialEq)]
enum SessionType {
    Full,
    #[atom(rename = "oauth2")]
    OAuth,
}

#[telemetry::event("behaviour.session.create")]
struct SessionCreate<'a> {
    session_id: &'a str,
    user_id: u64,
    session_type: SessionType,
    hit: Option<bool>,
}

/// Another struct of the same event, as a second library emitting it would declare it.
#[telemetry::event("behaviour.session.create")]
struct SessionCreatedElsewhere {
    session_id: String,
    user_id: u64,
    session_type: SessionType,
    hit: Option<bool>,
}

/// Emitted for the first time while the registry is held, so that its slot is not yet
/// adopted by the registry when it dispatches.
#[telemetry::event("behaviour.session.create")]
struct FirstUsedWhileBusy<'a> {
    session_id: &'a str,
    user_id: u64,
    session_type: SessionType,
    hit: Option<bool>,
}

type Seen = (String, u64, SessionType, Option<bool>);

/// Attaches a typed handler under `id` that records what it receives for the session
/// `session_id` (tests run in parallel and emit the same event).
fn record_typed(id: &str, session_id: &'static str) -> Arc<Mutex<Vec<Seen>>> {
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let sink = Arc::clone(&seen);
    SessionCreate::attach(id, move |event, _| {
        if event.session_id == session_id {
            sink.lock().unwrap().push((
                event.session_id.to_owned(),
                event.user_id,
                event.session_type,
                event.hit,
            ));
        }
    })
    .unwrap();
    seen
}

#[test]
fn a_typed_handler_reads_an_event_executed_by_name_with_its_keys_in_another_order() {
    let seen = record_typed("typed-out-of-order", "dynamic");
    let session_id = String::from("dynamic");
    telemetry::execute(
        "behaviour.session.create",
        &fields!(count = 1u64),
        &fields!(
            "hit?" = true,
            session_type = Value::atom("oauth2"),
            user_id = 5u64,
            session_id = session_id.as_str(),
        ),
    )
    .unwrap();
    telemetry::detach("typed-out-of-order").unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        [("dynamic".to_owned(), 5, SessionType::OAuth, Some(true))]
    );
}

#[test]
fn a_typed_handler_reads_its_own_emitter_with_an_optional_key_absent() {
    let seen = record_typed("typed-own-emitter", "own");
    telemetry::emit!(SessionCreate {
        session_id: "own",
        user_id: 3,
        session_type: SessionType::Full,
        hit: None,
    });
    telemetry::detach("typed-own-emitter").unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        [("own".to_owned(), 3, SessionType::Full, None)]
    );
}

#[test]
fn a_typed_handler_receives_the_value_its_emitter_emitted_not_a_copy() {
    let addresses: Arc<Mutex<Vec<usize>>> = Arc::default();
    let sink = Arc::clone(&addresses);
    SessionCreate::attach("typed-same-value", move |event, _| {
        if event.session_id == "same-value" {
            sink.lock()
                .unwrap()
                .push(std::ptr::from_ref(event) as usize);
        }
    })
    .unwrap();
    let value = SessionCreate {
        session_id: "same-value",
        user_id: 1,
        session_type: SessionType::Full,
        hit: Some(false),
    };
    value.emit();
    telemetry::detach("typed-same-value").unwrap();
    assert_eq!(
        *addresses.lock().unwrap(),
        [std::ptr::from_ref(&value) as usize]
    );
}

#[test]
fn a_typed_handler_receives_the_value_from_a_slot_used_first_while_the_registry_is_busy() {
    let addresses: Arc<Mutex<Vec<usize>>> = Arc::default();
    let sink = Arc::clone(&addresses);
    FirstUsedWhileBusy::attach("typed-first-use", move |event, _| {
        sink.lock()
            .unwrap()
            .push(std::ptr::from_ref(event) as usize);
    })
    .unwrap();
    let value = FirstUsedWhileBusy {
        session_id: "busy",
        user_id: 9,
        session_type: SessionType::Full,
        hit: None,
    };
    telemetry::hold_registry_for_tests(|| value.emit());
    telemetry::detach("typed-first-use").unwrap();
    assert_eq!(
        *addresses.lock().unwrap(),
        [std::ptr::from_ref(&value) as usize]
    );
}

#[test]
fn a_typed_handler_reads_back_an_event_emitted_from_another_struct_of_its_event() {
    let seen = record_typed("typed-other-struct", "elsewhere");
    SessionCreatedElsewhere {
        session_id: "elsewhere".to_owned(),
        user_id: 8,
        session_type: SessionType::OAuth,
        hit: Some(true),
    }
    .emit();
    telemetry::detach("typed-other-struct").unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        [("elsewhere".to_owned(), 8, SessionType::OAuth, Some(true))]
    );
}

#[test]
fn a_typed_handler_panicking_on_its_own_emitter_is_reported_and_detached() {
    let reports = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&reports);
    telemetry::attach("typed-panic-watch", "telemetry.handler.failure", move |e| {
        let handler = e.metadata().get("handler_id").and_then(|v| v.as_str());
        let event = e.metadata().get("event_name").and_then(|v| v.as_str());
        if (handler, event) == (Some("typed-panics"), Some("behaviour.session.create")) {
            count.fetch_add(1, Ordering::SeqCst);
        }
    })
    .unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&calls);
    SessionCreate::attach("typed-panics", move |event, _| {
        if event.session_id == "panics" {
            seen.fetch_add(1, Ordering::SeqCst);
            panic!("typed handler fails");
        }
    })
    .unwrap();
    let value = SessionCreate {
        session_id: "panics",
        user_id: 2,
        session_type: SessionType::Full,
        hit: None,
    };
    value.emit();
    value.emit();
    telemetry::detach("typed-panic-watch").unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1, "detached after its panic");
    assert_eq!(reports.load(Ordering::SeqCst), 1);
    assert!(
        telemetry::list_handlers(&["behaviour", "session"])
            .iter()
            .all(|h| h.id.as_str() != "typed-panics")
    );
}

#[test]
fn a_generic_handler_after_a_typed_one_receives_every_field_of_the_emitted_value() {
    let seen = record_typed("typed-before-generic", "mixed");
    let generic: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = Arc::clone(&generic);
    telemetry::attach(
        "generic-after-typed",
        "behaviour.session.create",
        move |e| {
            if e.metadata().get("session_id").and_then(|v| v.as_str()) == Some("mixed") {
                sink.lock().unwrap().push(format!("{:?}", e.metadata()));
            }
        },
    )
    .unwrap();
    SessionCreate {
        session_id: "mixed",
        user_id: 4,
        session_type: SessionType::OAuth,
        hit: Some(true),
    }
    .emit();
    telemetry::detach("typed-before-generic").unwrap();
    telemetry::detach("generic-after-typed").unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        [("mixed".to_owned(), 4, SessionType::OAuth, Some(true))]
    );
    assert_eq!(
        *generic.lock().unwrap(),
        [r#"{"session_id": "mixed", "user_id": 4, "session_type": :oauth2, "hit?": true}"#]
    );
}

#[test]
fn a_capture_records_an_event_whose_typed_handler_receives_the_value() {
    let seen = record_typed("typed-under-capture", "captured");
    let captured = telemetry::capture(|| {
        SessionCreate {
            session_id: "captured",
            user_id: 6,
            session_type: SessionType::Full,
            hit: None,
        }
        .emit();
    });
    telemetry::detach("typed-under-capture").unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        [("captured".to_owned(), 6, SessionType::Full, None)]
    );
    let event = captured.only("behaviour.session.create").unwrap();
    assert_eq!(
        event.meta("user_id"),
        Some(&telemetry::OwnedValue::from(6u64))
    );
}

#[test]
fn a_typed_handler_emitting_its_own_event_is_bounded_by_the_dispatch_depth() {
    let calls = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&calls);
    SessionCreate::attach("typed-reemits", move |event, _| {
        if event.session_id == "again" {
            count.fetch_add(1, Ordering::SeqCst);
            event.emit();
        }
    })
    .unwrap();
    let before = telemetry::dropped_nested_events();
    SessionCreate {
        session_id: "again",
        user_id: 0,
        session_type: SessionType::Full,
        hit: None,
    }
    .emit();
    telemetry::detach("typed-reemits").unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), telemetry::MAX_DISPATCH_DEPTH);
    assert!(telemetry::dropped_nested_events() > before);
}

#[test]
fn an_event_without_a_required_key_does_not_reach_the_typed_handler() {
    let seen = record_typed("typed-missing-key", "no-user");
    telemetry::execute(
        "behaviour.session.create",
        &[],
        &fields!(session_id = "no-user", session_type = Value::atom("full")),
    )
    .unwrap();
    telemetry::detach("typed-missing-key").unwrap();
    assert!(seen.lock().unwrap().is_empty());
}

#[test]
fn an_atom_given_as_text_reads_back_as_its_variant() {
    let text = String::from("oauth2");
    assert_eq!(SessionType::from_atom(&text), Some(SessionType::OAuth));
    assert_eq!(
        SessionType::from_value(Value::Atom("full")),
        Some(SessionType::Full)
    );
    assert_eq!(SessionType::from_atom("bearer"), None);
}

#[test]
fn an_atom_handed_out_by_its_type_is_one_of_its_values() {
    let atom = SessionType::OAuth.atom();
    assert!(
        SessionType::VALUES
            .iter()
            .any(|value| std::ptr::eq(value.as_ptr(), atom.as_ptr()))
    );
}

#[test]
fn a_reader_takes_fields_out_of_order_by_key() {
    let fields = [Field::new("a", 1u64), Field::new("b", "two")];
    let mut reader = Fields::new(&fields).reader();
    assert_eq!(reader.required::<&str>("b"), Some("two"));
    assert_eq!(reader.required::<u64>("a"), Some(1));
    assert_eq!(reader.required::<u64>("c"), None);
}

#[test]
fn a_reader_of_a_merged_view_takes_the_overlay_value() {
    let base = [Field::new("count", 1u64), Field::new("name", "x")];
    let overlay = [Field::new("count", 2u64)];
    let mut reader = Fields::merged(&base, &overlay).reader();
    assert_eq!(reader.required::<u64>("count"), Some(2));
    assert_eq!(reader.required::<&str>("name"), Some("x"));
}

#[test]
fn an_optional_key_is_none_when_absent_and_fails_the_read_with_another_shape() {
    let fields = [Field::new("hit?", "yes")];
    let mut reader = Fields::new(&fields).reader();
    assert_eq!(reader.optional::<bool>("user"), Some(None));
    assert_eq!(reader.optional::<bool>("hit?"), None);
}
