//! The catalogue as a whole: `events()` is empty (Charon has no spans), `emit_events()`
//! lists the catalogue's events, and a scripted workload emits every one of them.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Arc, Mutex};

use charon_like::events::SessionType;
use charon_like::session::SessionStore;
use charon_like::telemetry::{CATALOG, emit_events, events, with_handler};
use charon_like::token::{Claims, Conn, Pipeline, Signer};
use telemetry_runtime::capture;

use crate::support::*;

/// The reference catalogue the crate is compiled against (`[package.metadata.telemetry]`).
const CATALOGUE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../catalog/catalogs/charon.toml"
);

fn dotted(names: &[telemetry_runtime::Name<'static>]) -> Vec<String> {
    names.iter().map(ToString::to_string).collect()
}

#[test]
fn events_and_emit_events_list_the_catalogue_file() {
    let catalog =
        telemetry_catalog::Catalog::load(Path::new(CATALOGUE)).unwrap_or_else(|e| panic!("{e}"));
    let standalone: Vec<String> = catalog
        .standalone_events()
        .map(|e| e.name.clone())
        .collect();
    assert_eq!(dotted(emit_events()), standalone);
    assert_eq!(catalog.spans().count(), 0);
    assert!(events().is_empty());
}

#[test]
fn emit_events_are_the_ones_the_seed_documents() {
    // Transcribed from Charon's telemetry page, in its order.
    let seed = [
        "charon.session.create",
        "charon.session.refresh",
        "charon.session.delete",
        "charon.session.delete_all",
        "charon.session.lock_conflict",
        "charon.token.valid",
        "charon.token.invalid",
    ];
    assert_eq!(dotted(emit_events()), seed);
}

/// Every path of the library that emits something.
fn scripted_workload() {
    const NOW: u64 = 1_700_000_000;
    let store = SessionStore::new();
    let signer = Signer::new("secret");
    let pipeline = Pipeline {
        signer: signer.clone(),
        store: &store,
    };
    let mut session = store.create(1, SessionType::Full, NOW).unwrap();
    let mut stale = session.clone();
    store.refresh(&mut session, NOW + 1).unwrap();
    let _ = store.refresh(&mut stale, NOW + 2);
    let token = signer.sign(&Claims::access(&session, NOW + 900));
    pipeline.call(Conn::bearer(&token), NOW);
    pipeline.call(Conn::cookie_only("garbage"), NOW);
    store.delete(&session.id, 1, SessionType::Full);
    store.create(1, SessionType::Oauth2, NOW).unwrap();
    store.delete_all(1, SessionType::Oauth2);
}

#[test]
fn every_catalogued_event_is_emitted_and_nothing_else() {
    let captured = capture(scripted_workload);
    let seen: BTreeSet<String> = captured.names().into_iter().map(str::to_owned).collect();
    let expected: BTreeSet<String> = dotted(emit_events()).into_iter().collect();
    assert_eq!(seen, expected);
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
fn with_handler_attaches_to_no_event_since_charon_has_no_spans() {
    // `with_handler` follows exgit's semantics: the stop events of the spans. Charon has
    // none, so the handler sees nothing, and its events are attached to by name instead.
    let me = std::thread::current().id();
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = Arc::clone(&seen);
    with_handler(
        move |event| {
            if std::thread::current().id() == me {
                sink.lock().unwrap().push(event.name().to_string());
            }
        },
        scripted_workload,
    )
    .unwrap();
    assert!(seen.lock().unwrap().is_empty());
}

#[test]
fn the_catalogue_marks_no_key_of_charon_sensitive() {
    // Charon's page redacts nothing, not even session ids.
    assert!(
        CATALOG
            .events
            .iter()
            .all(|e| e.metadata.iter().all(|k| !k.sensitive))
    );
    assert_eq!((CATALOG.name, CATALOG.version), ("charon", "4.2.0"));
}
