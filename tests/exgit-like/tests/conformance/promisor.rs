//! The promisor's own events: `fetch_and_cache` (a span whose keys are all stop-only),
//! `haves_sent` before each fetch, and `cache_overfull` with its `policy`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use exgit_like::events::HavesSent;
use exgit_like::promisor::{OverfullPolicy, Promisor};
use exgit_like::{Object, ObjectStore, StoreError};
use telemetry_runtime::capture;

use crate::support::*;

#[test]
fn fetch_and_cache_reports_sha_object_count_and_cache_bytes_at_stop_only() {
    let fixture = fixture();
    let promisor = Promisor::new(fixture.transport.clone(), u64::MAX, OverfullPolicy::Log);
    let captured = capture(|| promisor.fetch_and_cache(&fixture.head));
    let fetched = captured.result.clone().unwrap();
    assert!(fetched.found);
    let span = the_span(&captured, "exgit.object_store.fetch_and_cache");
    assert_eq!(kinds(span.start), []);
    assert_stop_merges_start(
        &span,
        &[
            ("sha", "bytes"),
            ("object_count", "u64"),
            ("cache_bytes", "u64"),
        ],
    );
    assert_eq!(span.end.meta("sha"), Some(&bytes(&fixture.head)));
    // A commit is fetched with its history and trees, not its blobs (blob:none).
    assert_eq!(
        span.end.meta("object_count"),
        Some(&fetched.object_count.into())
    );
    assert_eq!(fetched.object_count, 2 + 4, "both commits and their trees");
    assert_eq!(
        span.end.meta("cache_bytes"),
        Some(&promisor.cache_bytes().into())
    );
}

#[test]
fn haves_sent_tells_the_remote_which_commits_are_held_before_fetching() {
    let fixture = fixture();
    let promisor = Promisor::new(fixture.transport.clone(), u64::MAX, OverfullPolicy::Log);
    promisor.get(&fixture.head).unwrap();
    let readme = blob_id(FILES[0].1);
    let captured = capture(|| promisor.get(&readme));
    let event = only(&captured, "exgit.object_store.haves_sent");
    assert_eq!(event.measurement_keys(), ["count"]);
    assert_eq!(
        event.measurement("count"),
        Some(&2u64.into()),
        "both commits held"
    );
    assert_eq!(kinds(event), [("sha", "bytes")]);
    assert_eq!(event.meta("sha"), Some(&bytes(&readme)));
    assert_eq!(event.span_context(), None, "a standalone event");
    // It precedes the fetch it announces.
    let names = captured.names();
    let haves = names
        .iter()
        .position(|n| *n == "exgit.object_store.haves_sent");
    let fetch = names
        .iter()
        .position(|n| *n == "exgit.transport.fetch.start");
    assert!(haves < fetch, "{names:?}");
}

#[test]
fn haves_sent_reaches_typed_handlers_as_its_struct() {
    let fixture = fixture();
    let promisor = Promisor::new(fixture.transport.clone(), u64::MAX, OverfullPolicy::Log);
    // Handlers are global: keep only what this test's thread emits.
    let me = std::thread::current().id();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    HavesSent::attach(
        "conformance.haves_sent.typed",
        move |event, measurements| {
            if std::thread::current().id() == me {
                let count = measurements.get("count").and_then(|v| v.as_u64());
                sink.lock()
                    .unwrap()
                    .push((event.count, event.sha.to_vec(), count));
            }
        },
    )
    .unwrap();
    promisor.fetch_and_cache(&fixture.head).unwrap();
    telemetry_runtime::detach("conformance.haves_sent.typed").unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(*seen, [(0, fixture.head.as_bytes().to_vec(), Some(0))]);
}

fn overfull_promisor(policy: OverfullPolicy) -> (Fixture, Promisor, Object) {
    let fixture = fixture();
    // Room for nothing but the commit: once the commit is evicted, only trees are left.
    let promisor = Promisor::new(fixture.transport.clone(), 8, policy);
    let blob = Object::blob("a blob larger than the cap");
    (fixture, promisor, blob)
}

#[test]
fn cache_overfull_reports_bytes_cap_and_the_log_policy() {
    let (_fixture, promisor, blob) = overfull_promisor(OverfullPolicy::Log);
    let size = blob.size();
    let captured = capture(|| promisor.put(blob));
    assert!(captured.result.is_ok(), "the log policy keeps the object");
    let event = only(&captured, "exgit.object_store.cache_overfull");
    assert_eq!(event.measurement_keys(), ["bytes", "cap"]);
    assert_eq!(event.measurement("bytes"), Some(&size.into()));
    assert_eq!(event.measurement("cap"), Some(&8u64.into()));
    assert_eq!(kinds(event), [("policy", "atom")]);
    assert_eq!(event.meta("policy"), Some(&atom("log")));
}

#[test]
fn cache_overfull_under_the_error_policy_refuses_the_write() {
    let (_fixture, promisor, blob) = overfull_promisor(OverfullPolicy::Error);
    let sha = blob.id();
    let captured = capture(|| promisor.put(blob));
    assert!(matches!(
        captured.result,
        Err(StoreError::CacheFull { cap: 8, .. })
    ));
    let event = only(&captured, "exgit.object_store.cache_overfull");
    assert_eq!(event.meta("policy"), Some(&atom("error")));
    assert!(!promisor.is_cached(&sha));
    assert_eq!(promisor.cache_bytes(), 0);
}

#[test]
fn cache_overfull_under_the_callback_policy_calls_back() {
    let called = Arc::new(AtomicU64::new(0));
    let seen = Arc::clone(&called);
    let policy = OverfullPolicy::Callback(Arc::new(move |bytes, _cap| {
        seen.store(bytes, Ordering::SeqCst);
    }));
    let (_fixture, promisor, blob) = overfull_promisor(policy);
    let size = blob.size();
    let captured = capture(|| promisor.put(blob));
    let event = only(&captured, "exgit.object_store.cache_overfull");
    assert_eq!(event.meta("policy"), Some(&atom("callback")));
    assert_eq!(called.load(Ordering::SeqCst), size);
}

#[test]
fn evicting_commits_first_keeps_the_cache_under_its_cap_without_overfull() {
    let fixture = fixture();
    // Measure what the fixture's history takes, then cap one byte short of it plus a
    // new commit: storing that commit must evict exactly one older commit.
    let probe = Promisor::new(fixture.transport.clone(), u64::MAX, OverfullPolicy::Log);
    probe.get(&fixture.head).unwrap();
    let newer = Object::commit(blob_id("x"), &[fixture.head], "a local commit");
    let cap = probe.cache_bytes() + newer.size() - 1;
    let promisor = Promisor::new(fixture.transport.clone(), cap, OverfullPolicy::Log);
    let newer_id = newer.id();
    let captured = capture(|| {
        promisor.get(&fixture.head).unwrap();
        promisor.put(newer).unwrap();
    });
    assert!(promisor.cache_bytes() <= cap);
    assert!(named(&captured, "exgit.object_store.cache_overfull").is_empty());
    let haves = promisor.haves();
    assert_eq!(haves.len(), 2, "one of the two fetched commits was evicted");
    assert_eq!(
        haves.last(),
        Some(&newer_id),
        "the commit just stored stays"
    );
}
