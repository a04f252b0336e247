//! Sensitive keys travel with the event: every consumer asks the event, and every
//! `Debug` form of an event redacts them.

use std::sync::{Arc, Mutex};

use telemetry_runtime::{
    EventSlot, REDACTED, SpanSlots, Spanned, attach, capture, detach, execute,
    execute_with_sensitive_keys, fields,
};

static LOGIN: EventSlot =
    EventSlot::with_sensitive_keys(&["sens", "session", "login"], &["session_id"]);
static AUTH: SpanSlots = SpanSlots::with_sensitive_keys(&["sens", "auth"], &["password", "token"]);

fn emit_login() {
    LOGIN.execute(
        &fields!(count = 1u64),
        &fields!(session_id = "sid-secret", user_id = 42u64),
    );
}

#[test]
fn a_handler_reads_the_sensitivity_the_static_slot_declares() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    attach("sens-handler", "sens.session.login", move |event| {
        let flags: Vec<(String, bool)> = event
            .marked_metadata()
            .map(|f| (f.key.to_owned(), f.sensitive))
            .collect();
        sink.lock().unwrap().push((
            event.is_sensitive("session_id"),
            event.is_sensitive("user_id"),
            flags,
        ));
    })
    .unwrap();
    emit_login();
    detach("sens-handler").unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(
        *seen,
        [(
            true,
            false,
            vec![("session_id".into(), true), ("user_id".into(), false)]
        )]
    );
}

#[test]
fn debug_of_a_live_event_redacts_sensitive_values() {
    let shown = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&shown);
    attach("sens-debug", "sens.session.login", move |event| {
        *sink.lock().unwrap() = format!("{event:?}");
    })
    .unwrap();
    emit_login();
    detach("sens-debug").unwrap();
    let shown = shown.lock().unwrap();
    assert!(!shown.contains("sid-secret"), "{shown}");
    assert!(
        shown.contains(&format!("\"session_id\": {REDACTED}")),
        "{shown}"
    );
    assert!(shown.contains("\"user_id\": 42"), "{shown}");
}

#[test]
fn a_captured_event_keeps_its_sensitivity() {
    let captured = capture(emit_login);
    let event = &captured.events[0];
    assert!(event.is_sensitive("session_id"));
    assert!(!event.is_sensitive("user_id"));
    assert_eq!(
        event.meta("session_id").and_then(|v| v.as_str()),
        Some("sid-secret"),
        "the value itself stays readable"
    );
    let marked: Vec<bool> = event.marked_metadata().map(|f| f.sensitive).collect();
    assert_eq!(marked, [true, false]);
}

#[test]
fn debug_of_an_owned_event_and_of_captured_redacts_sensitive_values() {
    let captured = capture(emit_login);
    let owned = format!("{:?}", captured.events[0]);
    let whole = format!("{captured:?}");
    for shown in [&owned, &whole] {
        assert!(!shown.contains("sid-secret"), "{shown}");
        assert!(
            shown.contains(&format!("\"session_id\": {REDACTED}")),
            "{shown}"
        );
    }
}

#[test]
fn every_event_of_a_span_carries_the_sensitivity_of_its_slots() {
    let captured = capture(|| {
        AUTH.spanned(&fields!(user = "ann", password = "hunter2"), || {
            Spanned::new((), fields!(token = "t0k3n"))
        })
    });
    assert_eq!(captured.names(), ["sens.auth.start", "sens.auth.stop"]);
    let stop = &captured.events[1];
    assert!(stop.is_sensitive("password") && stop.is_sensitive("token"));
    assert!(!stop.is_sensitive("user"));
    let shown = format!("{captured:?}");
    assert!(
        !shown.contains("hunter2") && !shown.contains("t0k3n"),
        "{shown}"
    );
}

#[test]
fn a_dynamic_event_declares_its_sensitive_keys_when_executed() {
    let captured = capture(|| {
        execute_with_sensitive_keys(
            "sens.dynamic.token",
            &[],
            &fields!(client = "c1", token = "t0k3n"),
            &["token"],
        )
    });
    assert!(captured.result.is_ok());
    let event = &captured.events[0];
    assert!(event.is_sensitive("token") && !event.is_sensitive("client"));
    assert!(!format!("{event:?}").contains("t0k3n"));
}

#[test]
fn an_event_executed_without_sensitive_keys_has_none() {
    let captured = capture(|| execute("sens.dynamic.plain", &[], &fields!(token = "t0k3n")));
    assert!(!captured.events[0].is_sensitive("token"));
}

#[test]
fn a_malformed_dynamic_name_with_sensitive_keys_is_an_error() {
    assert!(execute_with_sensitive_keys("Sens.Bad", &[], &[], &["token"]).is_err());
}
