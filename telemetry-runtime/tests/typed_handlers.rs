//! Typed handlers: the struct they receive is read back from the emitted fields, in order
//! for the struct's own emitter, by key for any other. The catalogue is
//! `tests/telemetry.toml`.

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
