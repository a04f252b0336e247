//! `exgit.ref_store.write_failed` (a partial clone that cannot write a ref) and
//! `exgit.security.ref_rejected` with both forms of `source`: the remote's URL, and
//! `{:ref_store_disk, operation}`.

use std::sync::{Arc, Mutex};

use exgit_like::events::{DiskOperation, RefRejected, RejectSource};
use exgit_like::fs::{CloneError, Repo};
use exgit_like::refs::{CloneOptions, DiskRefStore, RefError};
use telemetry_runtime::{OwnedValue, capture};

use crate::support::*;

/// A remote advertising both `refs/heads/feature` and `refs/heads/feature/x`, which no
/// ref store can hold together.
fn conflicting_remote() -> Fixture {
    let fixture = fixture();
    {
        let mut remote = fixture.remote.lock().unwrap();
        remote.set_ref("refs/heads/feature", fixture.head);
        remote.set_ref("refs/heads/feature/x", fixture.head);
    }
    fixture
}

#[test]
fn write_failed_is_reported_when_a_partial_clone_cannot_seed_a_ref() {
    let fixture = conflicting_remote();
    let captured = capture(|| Repo::clone(&fixture.transport, CloneOptions::lazy()));
    let repo = captured.result.as_ref().expect("a partial clone goes on");
    let event = only(&captured, "exgit.ref_store.write_failed");
    assert_eq!(event.measurement_keys(), ["count"]);
    assert_eq!(event.measurement("count"), Some(&1u64.into()));
    assert_eq!(
        kinds(event),
        [("ref", "string"), ("reason", "atom"), ("context", "atom")]
    );
    assert_eq!(event.meta("ref"), Some(&"refs/heads/feature/x".into()));
    assert_eq!(event.meta("reason"), Some(&atom("directory_conflict")));
    assert_eq!(event.meta("context"), Some(&atom("clone_partial")));
    assert_eq!(
        repo.refs().names(),
        ["HEAD", "refs/heads/feature", "refs/heads/main"]
    );
}

#[test]
fn write_failed_is_reported_by_filtered_clones_too() {
    let fixture = conflicting_remote();
    let captured = capture(|| Repo::clone(&fixture.transport, CloneOptions::blobless()));
    assert!(captured.result.is_ok());
    only(&captured, "exgit.ref_store.write_failed");
}

#[test]
fn a_full_clone_fails_on_the_same_conflict_without_reporting_write_failed() {
    let fixture = conflicting_remote();
    let captured = capture(|| Repo::clone(&fixture.transport, CloneOptions::full()));
    assert!(matches!(
        captured.result,
        Err(CloneError::Ref(RefError::DirectoryConflict { .. }))
    ));
    assert!(named(&captured, "exgit.ref_store.write_failed").is_empty());
}

#[test]
fn ref_rejected_off_the_wire_carries_the_url_as_source() {
    let fixture = fixture();
    fixture
        .remote
        .lock()
        .unwrap()
        .set_ref("refs/heads/../../config", fixture.head);
    let captured = capture(|| fixture.transport.ls_refs());
    let refs = captured.result.as_ref().unwrap();
    assert!(refs.iter().all(|(name, _)| !name.contains("..")), "dropped");
    let event = only(&captured, "exgit.security.ref_rejected");
    assert_eq!(event.measurement_keys(), ["count"]);
    assert_eq!(event.measurement("count"), Some(&1u64.into()));
    assert_eq!(kinds(event), [("source", "string"), ("ref", "string")]);
    assert_eq!(event.meta("source"), Some(&URL.into()));
    assert_eq!(event.meta("ref"), Some(&"refs/heads/../../config".into()));
    // The rejection happened during the listing, which counts only what it kept.
    let span = the_span(&captured, "exgit.transport.ls_refs");
    assert_eq!(span.end.meta("ref_count"), Some(&2u64.into()));
}

#[test]
fn ref_rejected_by_the_disk_store_carries_the_ref_store_disk_tuple() {
    let store = DiskRefStore::new();
    let bad = "refs/heads/../../../etc/passwd";
    let captured = capture(|| {
        (
            store.read(bad).is_err(),
            store.write(bad, blob_id("x")).is_err(),
            store.delete(bad).is_err(),
        )
    });
    assert_eq!(captured.result, (true, true, true));
    let events = named(&captured, "exgit.security.ref_rejected");
    let sources: Vec<&OwnedValue> = events.iter().filter_map(|e| e.meta("source")).collect();
    let tuple = |op| OwnedValue::Tuple(vec![atom("ref_store_disk"), atom(op)]);
    assert_eq!(sources, [&tuple("read"), &tuple("write"), &tuple("delete")]);
    for event in events {
        assert_eq!(kinds(event), [("source", "tuple"), ("ref", "string")]);
        assert_eq!(event.meta("ref"), Some(&bad.into()));
        assert_eq!(event.measurement("count"), Some(&1u64.into()));
    }
}

#[test]
fn the_disk_store_accepts_valid_names_silently() {
    let store = DiskRefStore::new();
    let captured = capture(|| store.write("refs/heads/main", blob_id("x")));
    assert_eq!(captured.result, Ok(()));
    assert!(captured.events.is_empty());
}

#[test]
fn typed_handlers_receive_either_form_of_source() {
    // Handlers are global: keep only what this test's thread emits.
    let me = std::thread::current().id();
    let seen: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let sink = Arc::clone(&seen);
    RefRejected::attach("conformance.ref_rejected.typed", move |event, _| {
        if std::thread::current().id() == me {
            let source = match event.source {
                RejectSource::Url(url) => url.to_owned(),
                RejectSource::RefStoreDisk(op) => format!("disk {op:?}"),
            };
            sink.lock().unwrap().push((source, event.r#ref.to_owned()));
        }
    })
    .unwrap();
    let fixture = fixture();
    fixture
        .remote
        .lock()
        .unwrap()
        .set_ref("refs/heads/a b", fixture.head);
    fixture.transport.ls_refs().unwrap();
    let _ = DiskRefStore::new().write("refs/heads/x.lock", fixture.head);
    telemetry_runtime::detach("conformance.ref_rejected.typed").unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        [
            (URL.to_owned(), "refs/heads/a b".to_owned()),
            (
                format!("disk {:?}", DiskOperation::Write),
                "refs/heads/x.lock".to_owned()
            ),
        ]
    );
}
