//! The catalogue as a whole: `events()` and `emit_events()` list exactly the catalogue's
//! spans and standalone events, a scripted workload emits every one of them (no drift
//! between catalogue and code), and `with_handler` behaves as the seed documents.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex};

use exgit_like::fs::Repo;
use exgit_like::pack;
use exgit_like::promisor::{OverfullPolicy, Promisor};
use exgit_like::refs::{CloneOptions, DiskRefStore};
use exgit_like::shared::SharedPromisor;
use exgit_like::telemetry::{CATALOG, emit_events, events, with_handler};
use exgit_like::transport::{FetchOptions, RefUpdate};
use exgit_like::{MemoryStore, Object};
use telemetry_runtime::{Phase, capture};

use crate::support::*;

/// The reference catalogue the crate is compiled against (`[package.metadata.telemetry]`).
const CATALOGUE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../catalog/catalogs/exgit.toml"
);

fn dotted(names: &[telemetry_runtime::Name<'static>]) -> Vec<String> {
    names.iter().map(ToString::to_string).collect()
}

#[test]
fn events_and_emit_events_list_the_catalogue_file() {
    let catalog =
        telemetry_catalog::Catalog::load(Path::new(CATALOGUE)).unwrap_or_else(|e| panic!("{e}"));
    let spans: Vec<String> = catalog.spans().map(|e| e.name.clone()).collect();
    let standalone: Vec<String> = catalog
        .standalone_events()
        .map(|e| e.name.clone())
        .collect();
    assert_eq!(dotted(events()), spans);
    assert_eq!(dotted(emit_events()), standalone);
    let described: Vec<String> = CATALOG.events.iter().map(|e| e.name.to_string()).collect();
    let all: Vec<String> = catalog.events.iter().map(|e| e.name.clone()).collect();
    assert_eq!(described, all);
}

#[test]
fn events_and_emit_events_are_the_ones_the_seed_documents() {
    // Transcribed from exgit's telemetry page: its span prefixes and its standalone
    // events, each with the `exgit.` prefix.
    let seed_spans = [
        "transport.fetch",
        "transport.ls_refs",
        "transport.push",
        "object_store.get",
        "object_store.put",
        "object_store.object_size",
        "object_store.has?",
        "object_store.fetch_and_cache",
        "object_store.shared_promisor.resolve",
        "object_store.shared_promisor.put",
        "object_store.shared_promisor.get",
        "object_store.shared_promisor.has?",
        "pack.parse",
        "pack.stream_parse",
        "fs.read_path",
        "fs.ls",
        "fs.stat",
        "fs.walk",
        "fs.grep",
    ];
    let seed_events = [
        "object_store.haves_sent",
        "object_store.cache_overfull",
        "ref_store.write_failed",
        "security.ref_rejected",
    ];
    let with_prefix = |names: &[&str]| -> BTreeSet<String> {
        names.iter().map(|n| format!("exgit.{n}")).collect()
    };
    let set = |names: Vec<String>| names.into_iter().collect::<BTreeSet<_>>();
    assert_eq!(set(dotted(events())), with_prefix(&seed_spans));
    assert_eq!(set(dotted(emit_events())), with_prefix(&seed_events));
}

/// Every path of the library that emits something, once.
fn scripted_workload() {
    let fixture = fixture();
    {
        let mut remote = fixture.remote.lock().unwrap();
        remote.set_ref("refs/heads/feature", fixture.head);
        remote.set_ref("refs/heads/feature/x", fixture.head);
        remote.set_ref("refs/heads/../escape", fixture.head);
    }
    // A lazy clone: ls_refs rejects a name off the wire and cannot seed a conflicting
    // ref; reading through its promisor fetches, parses and caches.
    let repo = Repo::clone(&fixture.transport, CloneOptions::lazy()).unwrap();
    repo.read_path("HEAD", "README.md").unwrap();
    repo.ls("HEAD", "src").unwrap();
    repo.stat("HEAD", "src/main.rs").unwrap();
    assert_eq!(repo.walk("HEAD").unwrap().count(), FILES.len());
    assert!(repo.grep("HEAD", "hello", Some("**")).count() > 0);
    repo.store().has(&fixture.head);
    repo.store().put(Object::blob("local")).unwrap();
    // A filtered clone streams commits and trees into its promisor; a fetch into a
    // memory store streams everything.
    let full = Repo::clone(&fixture.transport, CloneOptions::blobless()).unwrap();
    full.store().object_size(&fixture.head).unwrap();
    let memory = MemoryStore::new();
    let options = FetchOptions {
        object_store: Some(&memory),
        ..FetchOptions::default()
    };
    fixture.transport.fetch(&[fixture.head], &options).unwrap();
    // A shared promisor over a small cache that refuses what does not fit.
    let shared = SharedPromisor::new(Promisor::new(
        fixture.transport.clone(),
        1024,
        OverfullPolicy::Error,
    ));
    shared.resolve(&fixture.head).unwrap();
    shared.get(&fixture.head);
    shared.has(&fixture.head);
    let _ = shared.put(Object::blob(vec![b'x'; 2048]));
    // A push, and a ref name the disk store refuses.
    let commit = Object::commit(blob_id("x"), &[fixture.head], "local");
    let update = RefUpdate {
        name: "refs/heads/main".into(),
        old: Some(fixture.head),
        new: commit.id(),
    };
    fixture
        .transport
        .push(&[update], &pack::write([&commit]))
        .unwrap();
    let _ = DiskRefStore::new().delete("refs/heads/../../HEAD");
}

#[test]
fn every_catalogued_event_is_emitted_and_nothing_else() {
    let captured = capture(scripted_workload);
    let seen: BTreeSet<&str> = captured.names().into_iter().collect();
    let mut expected: BTreeSet<String> = BTreeSet::new();
    for span in events() {
        expected.insert(span.with_phase(Phase::Start).to_string());
        expected.insert(span.with_phase(Phase::Stop).to_string());
    }
    expected.extend(emit_events().iter().map(ToString::to_string));
    let expected: BTreeSet<&str> = expected.iter().map(String::as_str).collect();
    let missing: Vec<&&str> = expected.difference(&seen).collect();
    let unexpected: Vec<&&str> = seen.difference(&expected).collect();
    assert!(
        missing.is_empty(),
        "catalogued but never emitted: {missing:?}"
    );
    assert!(
        unexpected.is_empty(),
        "emitted but not catalogued: {unexpected:?}"
    );
}

#[test]
fn every_event_emitted_conforms_to_the_catalogue() {
    let captured = capture(scripted_workload);
    assert!(!captured.events.is_empty());
    for event in &captured.events {
        assert_conforms(event);
    }
}

#[test]
fn with_handler_aggregates_every_stop_event_of_the_work_and_detaches_after() {
    // The seed's second example: per-event totals of `duration`, here in a map.
    let me = std::thread::current().id();
    let totals: Arc<Mutex<BTreeMap<String, (u64, u64)>>> = Arc::default();
    let sink = Arc::clone(&totals);
    let fixture = fixture();
    let matches = with_handler(
        move |event| {
            // Handlers see every thread's events: keep this test's own.
            if std::thread::current().id() != me {
                return;
            }
            let duration = event
                .measurements()
                .get("duration")
                .and_then(|v| v.as_u64());
            let mut totals = sink.lock().unwrap();
            let entry = totals.entry(event.name().to_string()).or_default();
            entry.0 += 1;
            entry.1 += duration.expect("stop events carry a duration");
        },
        || {
            let repo = Repo::clone(&fixture.transport, CloneOptions::lazy()).unwrap();
            repo.grep("HEAD", "hello", None).count()
        },
    )
    .unwrap();
    assert_eq!(matches, 5);
    let seen: BTreeMap<String, (u64, u64)> = totals.lock().unwrap().clone();
    let stops: BTreeSet<String> = events()
        .iter()
        .map(|e| e.with_phase(Phase::Stop).to_string())
        .collect();
    for name in seen.keys() {
        assert!(
            stops.contains(name),
            "{name} is the stop event of a catalogued span"
        );
    }
    for name in [
        "exgit.transport.ls_refs.stop",
        "exgit.fs.grep.stop",
        "exgit.pack.parse.stop",
    ] {
        assert!(seen.contains_key(name), "{name} missing from {seen:?}");
    }
    assert_eq!(seen["exgit.fs.grep.stop"].0, 1);
    // Detached once `f` returned: more work adds nothing.
    let repo = Repo::clone(&fixture.transport, CloneOptions::lazy()).unwrap();
    repo.grep("HEAD", "hello", None).count();
    assert_eq!(*totals.lock().unwrap(), seen);
}

#[test]
fn the_catalogue_marks_no_key_of_exgit_sensitive() {
    // exgit's page redacts nothing; a reporter given this catalogue shows every value.
    assert!(
        CATALOG
            .events
            .iter()
            .all(|e| e.metadata.iter().all(|k| !k.sensitive))
    );
    assert_eq!((CATALOG.name, CATALOG.prefix), ("exgit", "exgit"));
}
