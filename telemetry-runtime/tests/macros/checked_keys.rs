//! What the catalogue says of keys, carried out at run time: sensitive keys are marked on
//! every event that carries them, and a required stop key that a normal return skipped is
//! reported.

use telemetry_runtime::{self as telemetry, OwnedValue, capture, stop};

#[telemetry::event("behaviour.auth.login")]
struct Login<'a> {
    user: &'a str,
    token: &'a str,
}

#[telemetry::span("behaviour.auth.check")]
fn check(user: &str, password: &str) -> bool {
    let _ = user;
    let ok = password == "hunter2";
    if ok {
        stop!(session = "session-secret");
    }
    ok
}

#[test]
fn an_event_marks_its_sensitive_keys_and_its_debug_form_redacts_them() {
    let captured = capture(|| {
        telemetry::emit!(Login {
            user: "ada",
            token: "token-secret"
        })
    });
    let login = &captured.events[0];
    assert!(login.is_sensitive("token"));
    assert!(!login.is_sensitive("user"));
    let shown = format!("{login:?}");
    assert!(!shown.contains("token-secret"), "{shown}");
    assert!(shown.contains("ada"), "{shown}");
}

#[test]
fn a_span_marks_its_sensitive_start_and_stop_keys_on_all_its_events() {
    let captured = capture(|| check("ada", "hunter2"));
    assert!(captured.result);
    assert_eq!(
        captured.names(),
        ["behaviour.auth.check.start", "behaviour.auth.check.stop"]
    );
    for event in &captured.events {
        assert!(event.is_sensitive("password"));
        assert!(!event.is_sensitive("user"));
        let shown = format!("{event:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("session-secret"), "{shown}");
    }
    assert!(captured.events[1].is_sensitive("session"));
    assert_eq!(
        captured.events[1].meta("session"),
        Some(&OwnedValue::from("session-secret"))
    );
}

#[test]
fn an_early_return_before_a_required_stop_key_reports_the_span_and_the_key() {
    // An empty pattern returns before `stop!(match_count = ..)`.
    let captured = capture(|| super::grep("HEAD", "", None));
    assert_eq!(
        captured.names(),
        [
            "behaviour.fs.grep.start",
            "behaviour.fs.grep.stop",
            "telemetry.span.missing_stop_key"
        ]
    );
    let missing = &captured.events[2];
    assert_eq!(
        missing.meta("span"),
        Some(&OwnedValue::from("behaviour.fs.grep"))
    );
    assert_eq!(missing.meta("key"), Some(&OwnedValue::from("match_count")));
}

#[test]
fn a_missing_optional_stop_key_is_not_reported() {
    let captured = capture(|| check("ada", "wrong"));
    assert!(!captured.result);
    assert_eq!(
        captured.names(),
        ["behaviour.auth.check.start", "behaviour.auth.check.stop"]
    );
}
