//! `exgit.object_store.get`, `put`, `has?` and `object_size`: spans over every store,
//! with `store` and `sha` at start and `hit?` / `present?` / `sha` at stop.

use std::sync::Arc;

use exgit_like::promisor::{OverfullPolicy, Promisor};
use exgit_like::{MemoryStore, Object, ObjectStore, StoreError};
use telemetry_runtime::capture;

use crate::support::*;

fn promisor() -> (Fixture, Promisor) {
    let fixture = fixture();
    let promisor = Promisor::new(fixture.transport.clone(), u64::MAX, OverfullPolicy::Log);
    (fixture, promisor)
}

#[test]
fn get_on_a_memory_store_leaves_hit_out() {
    // A memory store has no cache in front of a remote: the seed omits `hit?` for it.
    let store = MemoryStore::new();
    let sha = store.put(Object::blob("x")).unwrap();
    let captured = capture(|| store.get(&sha));
    assert!(captured.result.is_ok());
    let span = the_span(&captured, "exgit.object_store.get");
    assert_eq!(kinds(span.start), [("store", "atom"), ("sha", "bytes")]);
    assert_eq!(span.start.meta("store"), Some(&atom("memory")));
    assert_eq!(span.start.meta("sha"), Some(&bytes(&sha)));
    assert_stop_merges_start(&span, &[]);
}

#[test]
fn get_on_a_promisor_reports_a_hit_when_the_cache_answers() {
    let (fixture, promisor) = promisor();
    promisor.get(&fixture.head).unwrap();
    let captured = capture(|| promisor.get(&fixture.head));
    let span = the_span(&captured, "exgit.object_store.get");
    assert_eq!(span.start.meta("store"), Some(&atom("promisor")));
    assert_stop_merges_start(&span, &[("hit?", "bool")]);
    assert_eq!(span.end.meta("hit?"), Some(&true.into()));
    assert!(named(&captured, "exgit.object_store.fetch_and_cache.start").is_empty());
}

#[test]
fn get_on_a_promisor_reports_a_miss_when_it_went_to_the_network() {
    let (fixture, promisor) = promisor();
    let captured = capture(|| promisor.get(&fixture.head));
    assert_eq!(captured.result.as_ref().map(|o| o.id()), Ok(fixture.head));
    let span = the_span(&captured, "exgit.object_store.get");
    assert_stop_merges_start(&span, &[("hit?", "bool")]);
    assert_eq!(span.end.meta("hit?"), Some(&false.into()));
    // The fetch ran inside the get.
    let fetch = the_span(&captured, "exgit.object_store.fetch_and_cache");
    let get_id = span.start.span_context().unwrap().id();
    assert_eq!(fetch.start.span_context().unwrap().parent(), Some(get_id));
}

#[test]
fn put_reports_the_id_it_computed_at_stop() {
    let store = MemoryStore::new();
    let object = Object::blob("content");
    let sha = object.id();
    let captured = capture(|| store.put(object));
    assert_eq!(captured.result, Ok(sha));
    let span = the_span(&captured, "exgit.object_store.put");
    assert_eq!(kinds(span.start), [("store", "atom")]);
    assert_stop_merges_start(&span, &[("sha", "bytes")]);
    assert_eq!(span.end.meta("sha"), Some(&bytes(&sha)));
}

#[test]
fn put_refused_by_a_full_promisor_reports_no_sha() {
    let fixture = fixture();
    let promisor = Promisor::new(fixture.transport.clone(), 4, OverfullPolicy::Error);
    let captured = capture(|| promisor.put(Object::blob("too big for the cap")));
    assert!(matches!(captured.result, Err(StoreError::CacheFull { .. })));
    let span = the_span(&captured, "exgit.object_store.put");
    assert_eq!(span.start.meta("store"), Some(&atom("promisor")));
    assert_stop_merges_start(&span, &[]);
}

#[test]
fn has_reports_whether_the_object_is_present() {
    let store = MemoryStore::new();
    let held = store.put(Object::blob("held")).unwrap();
    let missing = blob_id("missing");
    let captured = capture(|| (store.has(&held), store.has(&missing)));
    assert_eq!(captured.result, (true, false));
    let spans = spans(&captured, "exgit.object_store.has?");
    assert_eq!(spans.len(), 2);
    for (span, present) in spans.iter().zip([true, false]) {
        assert_eq!(kinds(span.start), [("store", "atom"), ("sha", "bytes")]);
        assert_stop_merges_start(span, &[("present?", "bool")]);
        assert_eq!(span.end.meta("present?"), Some(&present.into()));
    }
}

#[test]
fn object_size_hits_when_the_object_is_held() {
    let store = MemoryStore::new();
    let sha = store.put(Object::blob("12345")).unwrap();
    let captured = capture(|| store.object_size(&sha));
    assert_eq!(captured.result, Ok(5));
    let span = the_span(&captured, "exgit.object_store.object_size");
    assert_eq!(kinds(span.start), [("store", "atom"), ("sha", "bytes")]);
    assert_stop_merges_start(&span, &[("hit?", "bool")]);
    assert_eq!(span.end.meta("hit?"), Some(&true.into()));
}

#[test]
fn object_size_misses_for_not_found_and_for_not_local_alike() {
    let memory = MemoryStore::new();
    let (fixture, promisor) = promisor();
    let captured = capture(|| {
        (
            memory.object_size(&fixture.head),
            promisor.object_size(&fixture.head),
        )
    });
    assert_eq!(
        captured.result,
        (
            Err(StoreError::NotFound(fixture.head)),
            Err(StoreError::NotLocal(fixture.head))
        )
    );
    for span in spans(&captured, "exgit.object_store.object_size") {
        assert_stop_merges_start(&span, &[("hit?", "bool")]);
        assert_eq!(span.end.meta("hit?"), Some(&false.into()));
    }
    // A size probe never fetches.
    assert!(named(&captured, "exgit.transport.fetch.start").is_empty());
    assert!(!promisor.is_cached(&fixture.head));
}

#[test]
fn every_store_reports_its_kind() {
    let (_fixture, promisor) = promisor();
    let stores: [Arc<dyn ObjectStore>; 2] = [Arc::new(MemoryStore::new()), Arc::new(promisor)];
    let captured = capture(|| {
        for store in &stores {
            store.has(&blob_id("x"));
        }
    });
    let reported: Vec<_> = spans(&captured, "exgit.object_store.has?")
        .iter()
        .map(|s| s.start.meta("store").cloned())
        .collect();
    assert_eq!(reported, [Some(atom("memory")), Some(atom("promisor"))]);
}
