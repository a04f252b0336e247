//! The session events: create, refresh, delete, delete_all and lock_conflict, each with
//! `count = 1`, and the rule that decides between create and refresh.

use std::sync::{Arc, Mutex};

use charon_like::events::{SessionCreate, SessionType};
use charon_like::session::{SessionError, SessionStore};
use telemetry_runtime::{OwnedValue, capture};

use crate::support::*;

const NOW: u64 = 1_700_000_000;

fn session_keys() -> [(&'static str, &'static str); 3] {
    [
        ("session_id", "string"),
        ("user_id", "u64"),
        ("session_type", "atom"),
    ]
}

#[test]
fn create_reports_the_new_session() {
    let store = SessionStore::new();
    let captured = capture(|| store.create(42, SessionType::Full, NOW));
    let session = captured.result.clone().unwrap();
    let event = only(&captured, "charon.session.create");
    assert_counts_one(event);
    assert_eq!(kinds(event), session_keys());
    assert_eq!(event.meta("session_id"), Some(&session.id.as_str().into()));
    assert_eq!(event.meta("user_id"), Some(&42u64.into()));
    assert_eq!(event.meta("session_type"), Some(&OwnedValue::atom("full")));
    assert_eq!(captured.names(), ["charon.session.create"]);
}

#[test]
fn refresh_reports_the_session_again() {
    let store = SessionStore::new();
    let mut session = store.create(42, SessionType::Oauth2, NOW).unwrap();
    let captured = capture(|| store.refresh(&mut session, NOW + 60));
    assert_eq!(captured.result, Ok(()));
    let event = only(&captured, "charon.session.refresh");
    assert_counts_one(event);
    assert_eq!(kinds(event), session_keys());
    assert_eq!(event.meta("session_id"), Some(&session.id.as_str().into()));
    assert_eq!(
        event.meta("session_type"),
        Some(&OwnedValue::atom("oauth2"))
    );
    assert_eq!((session.refresh_count, session.lock_version), (1, 2));
}

#[test]
fn the_first_write_of_a_session_is_a_create_and_every_later_one_a_refresh() {
    let store = SessionStore::new();
    let captured = capture(|| {
        let mut session = store.create(7, SessionType::Full, NOW).unwrap();
        store.refresh(&mut session, NOW + 1).unwrap();
        store.upsert(&mut session).unwrap();
    });
    assert_eq!(
        captured.names(),
        [
            "charon.session.create",
            "charon.session.refresh",
            "charon.session.refresh"
        ]
    );
}

#[test]
fn lock_conflict_reports_a_write_based_on_a_stale_version() {
    let store = SessionStore::new();
    let mut mine = store.create(42, SessionType::Full, NOW).unwrap();
    let mut theirs = mine.clone();
    store.refresh(&mut theirs, NOW + 1).unwrap();
    let captured = capture(|| store.refresh(&mut mine, NOW + 2));
    assert_eq!(captured.result, Err(SessionError::Conflict));
    let event = only(&captured, "charon.session.lock_conflict");
    assert_counts_one(event);
    assert_eq!(kinds(event), session_keys());
    assert_eq!(event.meta("session_id"), Some(&mine.id.as_str().into()));
    // The loser's write changed nothing and reported neither create nor refresh.
    assert_eq!(captured.names(), ["charon.session.lock_conflict"]);
    assert_eq!(store.get(&mine.id, 42, SessionType::Full), Some(theirs));
    assert_eq!(mine.refresh_count, 0, "the caller's copy is left as it was");
}

#[test]
fn refreshing_a_deleted_session_is_a_lock_conflict_not_a_create() {
    let store = SessionStore::new();
    let mut session = store.create(42, SessionType::Full, NOW).unwrap();
    store.delete(&session.id, 42, SessionType::Full);
    let captured = capture(|| store.refresh(&mut session, NOW + 1));
    assert_eq!(captured.result, Err(SessionError::Conflict));
    assert_eq!(captured.names(), ["charon.session.lock_conflict"]);
}

#[test]
fn delete_reports_the_session_deleted() {
    let store = SessionStore::new();
    let session = store.create(42, SessionType::Full, NOW).unwrap();
    let captured = capture(|| store.delete(&session.id, 42, SessionType::Full));
    assert!(captured.result);
    let event = only(&captured, "charon.session.delete");
    assert_counts_one(event);
    assert_eq!(kinds(event), session_keys());
    assert_eq!(event.meta("session_id"), Some(&session.id.as_str().into()));
    assert!(store.is_empty());
}

#[test]
fn deleting_a_session_that_is_not_there_reports_nothing() {
    let store = SessionStore::new();
    let session = store.create(42, SessionType::Full, NOW).unwrap();
    let captured = capture(|| store.delete(&session.id, 43, SessionType::Full));
    assert!(!captured.result, "another user's session is not deleted");
    assert!(captured.events.is_empty());
}

#[test]
fn delete_all_reports_the_user_and_session_type_once() {
    let store = SessionStore::new();
    for _ in 0..3 {
        store.create(42, SessionType::Full, NOW).unwrap();
    }
    let kept = store.create(42, SessionType::Oauth2, NOW).unwrap();
    let captured = capture(|| store.delete_all(42, SessionType::Full));
    assert_eq!(captured.result, 3);
    let event = only(&captured, "charon.session.delete_all");
    assert_counts_one(event);
    assert_eq!(kinds(event), [("user_id", "u64"), ("session_type", "atom")]);
    assert_eq!(event.meta("user_id"), Some(&42u64.into()));
    assert_eq!(event.meta("session_type"), Some(&OwnedValue::atom("full")));
    assert_eq!(
        captured.names(),
        ["charon.session.delete_all"],
        "one event, not one per session"
    );
    assert!(store.get(&kept.id, 42, SessionType::Oauth2).is_some());
}

/// What the typed handler saw: session id, user, type and the `count` measurement.
type Seen = (String, u64, SessionType, Option<u64>);

#[test]
fn typed_handlers_receive_the_session_create_struct() {
    // Handlers are global: keep only what this test's thread emits.
    let me = std::thread::current().id();
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let sink = Arc::clone(&seen);
    SessionCreate::attach(
        "conformance.session_create.typed",
        move |event, measurements| {
            if std::thread::current().id() == me {
                let count = measurements.get("count").and_then(|v| v.as_u64());
                sink.lock().unwrap().push((
                    event.session_id.to_owned(),
                    event.user_id,
                    event.session_type,
                    count,
                ));
            }
        },
    )
    .unwrap();
    let session = SessionStore::new()
        .create(9, SessionType::Oauth2, NOW)
        .unwrap();
    telemetry_runtime::detach("conformance.session_create.typed").unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        [(session.id, 9, SessionType::Oauth2, Some(1))]
    );
}
