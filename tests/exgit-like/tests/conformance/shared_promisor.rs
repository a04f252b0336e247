//! `exgit.object_store.shared_promisor.*`: resolve (`hit?`, `partial?`), put (`sha`,
//! `overfull`), get (`hit?`) and has? (`present?`).

use exgit_like::object::ObjectId;
use exgit_like::promisor::{OverfullPolicy, Promisor};
use exgit_like::shared::SharedPromisor;
use exgit_like::{Object, StoreError};
use telemetry_runtime::capture;

use crate::support::*;

fn shared(cap: u64, policy: OverfullPolicy) -> (Fixture, SharedPromisor) {
    let fixture = fixture();
    let promisor = Promisor::new(fixture.transport.clone(), cap, policy);
    (fixture, SharedPromisor::new(promisor))
}

/// The README's id, with the tree that lists it already cached.
fn readme_behind_cached_tree(shared: &SharedPromisor, fixture: &Fixture) -> ObjectId {
    shared.resolve(&fixture.head).unwrap();
    blob_id(FILES[0].1)
}

#[test]
fn resolve_served_from_the_cache_is_a_hit_and_leaves_the_promisor_unchanged() {
    let (fixture, shared) = shared(u64::MAX, OverfullPolicy::Log);
    shared.resolve(&fixture.head).unwrap();
    let before = shared.promisor().cache_bytes();
    let captured = capture(|| shared.resolve(&fixture.head));
    assert!(captured.result.is_ok());
    let span = the_span(&captured, "exgit.object_store.shared_promisor.resolve");
    assert_eq!(kinds(span.start), [("sha", "bytes")]);
    assert_eq!(span.start.meta("sha"), Some(&bytes(&fixture.head)));
    assert_stop_merges_start(&span, &[("hit?", "bool")]);
    assert_eq!(span.end.meta("hit?"), Some(&true.into()));
    assert_eq!(shared.promisor().cache_bytes(), before);
    assert!(named(&captured, "exgit.object_store.fetch_and_cache.start").is_empty());
}

#[test]
fn resolve_that_fetches_is_a_miss_without_partial() {
    let (fixture, shared) = shared(u64::MAX, OverfullPolicy::Log);
    let captured = capture(|| shared.resolve(&fixture.head));
    assert!(captured.result.is_ok());
    let span = the_span(&captured, "exgit.object_store.shared_promisor.resolve");
    assert_stop_merges_start(&span, &[("hit?", "bool")]);
    assert_eq!(span.end.meta("hit?"), Some(&false.into()));
    the_span(&captured, "exgit.object_store.fetch_and_cache");
}

#[test]
fn resolve_whose_pack_lacks_the_object_is_partial_and_caches_the_siblings() {
    let (fixture, shared) = shared(u64::MAX, OverfullPolicy::Log);
    let readme = readme_behind_cached_tree(&shared, &fixture);
    // The remote lost the README; it still sends what it has of the batch.
    assert!(fixture.remote.lock().unwrap().forget(&readme));
    let captured = capture(|| shared.resolve(&readme));
    assert_eq!(captured.result, Err(StoreError::NotFound(readme)));
    let span = the_span(&captured, "exgit.object_store.shared_promisor.resolve");
    assert_stop_merges_start(&span, &[("hit?", "bool"), ("partial?", "bool")]);
    assert_eq!(span.end.meta("hit?"), Some(&false.into()));
    assert_eq!(span.end.meta("partial?"), Some(&true.into()));
    let fetch = the_span(&captured, "exgit.object_store.fetch_and_cache");
    assert_eq!(
        fetch.end.meta("object_count"),
        Some(&0u64.into()),
        "README.md is the root's only file"
    );
}

#[test]
fn resolve_partial_still_caches_the_siblings_that_arrived() {
    let (fixture, shared) = shared(u64::MAX, OverfullPolicy::Log);
    shared.resolve(&fixture.head).unwrap();
    let lib = blob_id(FILES[2].1);
    let main = blob_id(FILES[3].1);
    assert!(fixture.remote.lock().unwrap().forget(&lib));
    let captured = capture(|| shared.resolve(&lib));
    assert!(captured.result.is_err());
    let span = the_span(&captured, "exgit.object_store.shared_promisor.resolve");
    assert_eq!(span.end.meta("partial?"), Some(&true.into()));
    assert!(shared.has(&main), "src/main.rs came along and stayed");
}

#[test]
fn put_reports_the_sha_stored_and_not_overfull() {
    let (_fixture, shared) = shared(u64::MAX, OverfullPolicy::Log);
    let object = Object::blob("cached");
    let sha = object.id();
    let captured = capture(|| shared.put(object));
    assert_eq!(captured.result, Ok(sha));
    let span = the_span(&captured, "exgit.object_store.shared_promisor.put");
    assert_eq!(kinds(span.start), []);
    assert_stop_merges_start(&span, &[("sha", "bytes"), ("overfull", "bool")]);
    assert_eq!(span.end.meta("sha"), Some(&bytes(&sha)));
    assert_eq!(span.end.meta("overfull"), Some(&false.into()));
}

#[test]
fn put_refused_by_a_cache_over_its_cap_reports_overfull_and_no_sha() {
    let (_fixture, shared) = shared(4, OverfullPolicy::Error);
    let captured = capture(|| shared.put(Object::blob("over the cap")));
    assert!(matches!(captured.result, Err(StoreError::CacheFull { .. })));
    let span = the_span(&captured, "exgit.object_store.shared_promisor.put");
    assert_stop_merges_start(&span, &[("overfull", "bool")]);
    assert_eq!(span.end.meta("overfull"), Some(&true.into()));
    only(&captured, "exgit.object_store.cache_overfull");
}

#[test]
fn get_reads_the_cache_only_and_reports_hit() {
    let (fixture, shared) = shared(u64::MAX, OverfullPolicy::Log);
    let cached = shared.put(Object::blob("here")).unwrap();
    let captured = capture(|| {
        (
            shared.get(&cached).is_some(),
            shared.get(&fixture.head).is_some(),
        )
    });
    assert_eq!(captured.result, (true, false));
    let spans = spans(&captured, "exgit.object_store.shared_promisor.get");
    for (span, hit) in spans.iter().zip([true, false]) {
        assert_eq!(kinds(span.start), [("sha", "bytes")]);
        assert_stop_merges_start(span, &[("hit?", "bool")]);
        assert_eq!(span.end.meta("hit?"), Some(&hit.into()));
    }
    assert!(
        named(&captured, "exgit.transport.fetch.start").is_empty(),
        "never fetches"
    );
}

#[test]
fn has_reports_present() {
    let (fixture, shared) = shared(u64::MAX, OverfullPolicy::Log);
    let cached = shared.put(Object::blob("here")).unwrap();
    let captured = capture(|| (shared.has(&cached), shared.has(&fixture.head)));
    assert_eq!(captured.result, (true, false));
    let spans = spans(&captured, "exgit.object_store.shared_promisor.has?");
    assert_eq!(spans.len(), 2);
    for (span, present) in spans.iter().zip([true, false]) {
        assert_eq!(kinds(span.start), [("sha", "bytes")]);
        assert_stop_merges_start(span, &[("present?", "bool")]);
        assert_eq!(span.end.meta("present?"), Some(&present.into()));
    }
}

#[test]
fn clones_of_the_handle_share_one_cache() {
    let (_fixture, shared) = shared(u64::MAX, OverfullPolicy::Log);
    let other = shared.clone();
    let sha = std::thread::spawn(move || other.put(Object::blob("from another thread")).unwrap())
        .join()
        .unwrap();
    assert!(shared.has(&sha));
}
