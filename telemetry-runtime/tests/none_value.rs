//! The none value: a key present with no value, as Erlang's `nil`, is not an absent key.

use telemetry_runtime::{OwnedValue, Value, capture, execute, fields};

#[test]
fn a_key_present_with_none_is_captured_as_none_and_an_absent_key_is_missing() {
    let captured = capture(|| {
        execute(
            "none.session.create",
            &[],
            &fields!(user_id = Value::None, session_id = "s1"),
        )
    });
    let event = &captured.events[0];
    assert_eq!(event.meta("user_id"), Some(&OwnedValue::None));
    assert_eq!(event.metadata_keys(), ["user_id", "session_id"]);
    assert_eq!(event.meta("session_type"), None, "absent, not none");
}

#[test]
fn an_option_given_as_a_value_is_none_when_empty() {
    let sub: Option<u64> = None;
    let captured = capture(|| execute("none.token.valid", &[], &fields!(user_id = sub)));
    assert!(
        captured.events[0]
            .meta("user_id")
            .is_some_and(OwnedValue::is_none)
    );
}

#[test]
fn debug_of_an_event_shows_none_as_nil() {
    let captured = capture(|| execute("none.debug", &[], &fields!(user_id = Value::None)));
    let shown = format!("{:?}", captured.events[0]);
    assert!(shown.contains("\"user_id\": nil"), "{shown}");
}
