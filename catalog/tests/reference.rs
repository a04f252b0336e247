//! The reference catalogues express the two seed pages exactly: every event
//! name and key they mention, nothing else, with the semantics they state.

use std::collections::BTreeSet;
use std::path::Path;

use telemetry_catalog::{Catalog, EventKind, Phase, Type};

fn catalog(name: &str) -> Catalog {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("catalogs")
        .join(format!("{name}.toml"));
    Catalog::read(&path).unwrap_or_else(|errors| panic!("{errors}"))
}

/// An event as the seed lists mention it (tests/seeds/*.txt).
#[derive(Debug, PartialEq)]
struct Mentioned {
    kind: EventKind,
    measurements: BTreeSet<String>,
    keys: BTreeSet<String>,
}

fn seed(name: &str) -> Vec<(String, Mentioned)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/seeds")
        .join(format!("{name}.txt"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let parts: Vec<&str> = line.split('|').collect();
            let [head, measurements, keys] = parts[..] else {
                panic!("malformed seed line: {line}");
            };
            let mut head = head.split_whitespace();
            let kind = match head.next() {
                Some("span") => EventKind::Span,
                Some("event") => EventKind::Event,
                other => panic!("unknown kind {other:?} in: {line}"),
            };
            let name = head.next().unwrap_or_else(|| panic!("no name in: {line}"));
            let words = |s: &str| s.split_whitespace().map(str::to_string).collect();
            let mentioned = Mentioned {
                kind,
                measurements: words(measurements),
                keys: words(keys),
            };
            (name.to_string(), mentioned)
        })
        .collect()
}

fn declared(catalog: &Catalog) -> Vec<(String, Mentioned)> {
    catalog
        .events
        .iter()
        .map(|e| {
            let mentioned = Mentioned {
                kind: e.kind,
                measurements: e.measurements.iter().map(|m| m.name.clone()).collect(),
                keys: e.metadata.iter().map(|k| k.name.clone()).collect(),
            };
            (e.name.clone(), mentioned)
        })
        .collect()
}

#[test]
fn exgit_declares_every_event_and_key_of_its_seed_and_nothing_else() {
    assert_eq!(declared(&catalog("exgit")), seed("exgit"));
}

#[test]
fn charon_declares_every_event_and_key_of_its_seed_and_nothing_else() {
    assert_eq!(declared(&catalog("charon")), seed("charon"));
}

fn key_type(catalog: &Catalog, event: &str, key: &str) -> Type {
    catalog
        .event(event)
        .and_then(|e| e.key(key))
        .unwrap_or_else(|| panic!("{event} has no key {key}"))
        .ty
        .clone()
}

fn atom(values: &[&str], open: bool) -> Type {
    Type::Atom {
        values: values.iter().map(|v| v.to_string()).collect(),
        open,
    }
}

#[test]
fn charon_token_transport_is_a_closed_atom() {
    let charon = catalog("charon");
    for event in ["charon.token.valid", "charon.token.invalid"] {
        assert_eq!(
            key_type(&charon, event, "token_transport"),
            atom(&["bearer", "cookie", "cookie_only"], false)
        );
    }
}

#[test]
fn charon_session_type_is_open_because_the_seed_says_eg() {
    let charon = catalog("charon");
    for event in charon
        .events
        .iter()
        .filter(|e| e.name.starts_with("charon.session."))
    {
        assert_eq!(
            key_type(&charon, &event.name, "session_type"),
            atom(&["full", "oauth2"], true),
            "{}",
            event.name
        );
    }
}

#[test]
fn charon_token_claims_are_optional_and_the_rest_required() {
    let charon = catalog("charon");
    let claims = ["token_type", "user_id", "session_id", "session_type"];
    for event in ["charon.token.valid", "charon.token.invalid"] {
        for key in &charon
            .event(event)
            .map(|e| e.metadata.clone())
            .unwrap_or_default()
        {
            assert_eq!(
                key.required,
                !claims.contains(&key.name.as_str()),
                "{event} {}",
                key.name
            );
        }
    }
}

#[test]
fn every_charon_event_counts_exactly_one() {
    let charon = catalog("charon");
    for event in &charon.events {
        let count = event
            .measurement("count")
            .unwrap_or_else(|| panic!("{}", event.name));
        assert_eq!(count.ty, Type::U64);
        assert_eq!(count.constant, Some(telemetry_catalog::Constant::U64(1)));
    }
}

#[test]
fn exgit_overfull_policy_is_a_closed_atom() {
    assert_eq!(
        key_type(
            &catalog("exgit"),
            "exgit.object_store.cache_overfull",
            "policy"
        ),
        atom(&["log", "error", "callback"], false)
    );
}

#[test]
fn exgit_ref_rejected_source_is_a_url_or_a_disk_tuple() {
    assert_eq!(
        key_type(&catalog("exgit"), "exgit.security.ref_rejected", "source").to_string(),
        "string | tuple<atom(ref_store_disk), atom(..)>"
    );
}

#[test]
fn exgit_hit_is_omitted_by_stores_that_do_not_track_it() {
    let exgit = catalog("exgit");
    let hit = exgit
        .event("exgit.object_store.get")
        .and_then(|e| e.key("hit?"))
        .unwrap_or_else(|| panic!("get has hit?"));
    assert!(!hit.required);
    assert_eq!(hit.rust_name, "hit");
    assert_eq!(hit.phase, Phase::Stop);
}

fn stop_keys(catalog: &Catalog, event: &str) -> Vec<String> {
    catalog
        .event(event)
        .map(|e| e.stop_keys().map(|k| k.name.clone()).collect())
        .unwrap_or_default()
}

#[test]
fn exgit_grep_results_are_stop_only() {
    let exgit = catalog("exgit");
    assert_eq!(
        stop_keys(&exgit, "exgit.fs.grep"),
        ["match_count", "files_scanned", "bytes_scanned"]
    );
    let start: Vec<String> = exgit
        .event("exgit.fs.grep")
        .map(|e| e.start_keys().map(|k| k.name.clone()).collect())
        .unwrap_or_default();
    assert_eq!(start, ["reference", "pattern", "path_glob"]);
}

#[test]
fn exgit_fetch_and_cache_is_stop_only_as_a_whole() {
    let exgit = catalog("exgit");
    let event = exgit.event("exgit.object_store.fetch_and_cache");
    assert_eq!(event.map(|e| e.start_keys().count()), Some(0));
    assert_eq!(
        stop_keys(&exgit, "exgit.object_store.fetch_and_cache"),
        ["sha", "object_count", "cache_bytes"]
    );
}

#[test]
fn exgit_stream_parse_keys_depend_on_the_outcome() {
    let exgit = catalog("exgit");
    let event = exgit.event("exgit.pack.stream_parse");
    let keys: Vec<(String, bool, Phase)> = event
        .map(|e| {
            e.metadata
                .iter()
                .map(|k| (k.name.clone(), k.required, k.phase))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        keys,
        [
            ("objects".to_string(), true, Phase::Stop),
            ("object_count".to_string(), false, Phase::Stop),
            ("checksum".to_string(), false, Phase::Stop),
            ("error".to_string(), false, Phase::Stop),
        ]
    );
}

#[test]
fn exgit_standalone_events_are_the_four_the_seed_calls_standalone() {
    let exgit = catalog("exgit");
    let names: Vec<&str> = exgit.standalone_events().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "exgit.object_store.haves_sent",
            "exgit.object_store.cache_overfull",
            "exgit.ref_store.write_failed",
            "exgit.security.ref_rejected",
        ]
    );
}
