//! The library API the macros call: loading with a cache, lookups,
//! suggestions, key phases and source positions.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use telemetry_catalog::{Catalog, EventKind, Phase, Stability, Type, rust_field_name};

fn reference(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("catalogs")
        .join(format!("{name}.toml"))
}

fn exgit() -> Arc<Catalog> {
    Catalog::load(&reference("exgit")).unwrap_or_else(|errors| panic!("{errors}"))
}

fn parse(source: &str) -> Catalog {
    Catalog::parse(source, Path::new("telemetry.toml")).unwrap_or_else(|errors| panic!("{errors}"))
}

/// A file of its own under Cargo's scratch directory for integration tests.
fn scratch(name: &str, contents: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("api-{name}.toml"));
    std::fs::write(&path, contents).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    path
}

const DEMO: &str = r#"name = "demo"
version = "1.0.0"
prefix = "demo"

[[span]]
name = "demo.job.run"
doc = "Runs a job."
metadata = { id = "u64", ref = "string", token = { type = "string?", sensitive = true, doc = "The caller's token.", rust = "caller_token" } }
stop = { "done?" = "bool" }
"#;

#[test]
fn an_event_is_found_by_its_dotted_name() {
    let exgit = exgit();
    let grep = exgit.event("exgit.fs.grep");
    assert_eq!(grep.map(|e| e.kind), Some(EventKind::Span));
    assert!(exgit.event("exgit.fs.grip").is_none());
}

#[test]
fn a_misspelled_event_gets_the_closest_name() {
    let exgit = exgit();
    assert_eq!(exgit.suggest_event("exgit.fs.grpe"), Some("exgit.fs.grep"));
    assert_eq!(
        exgit.suggest_event("exgit.object_store.has"),
        Some("exgit.object_store.has?")
    );
}

#[test]
fn an_event_written_without_the_prefix_gets_the_prefixed_name() {
    assert_eq!(exgit().suggest_event("fs.grep"), Some("exgit.fs.grep"));
    assert_eq!(exgit().suggest_event("fs.grpe"), Some("exgit.fs.grep"));
}

#[test]
fn nothing_close_gets_no_suggestion() {
    assert_eq!(exgit().suggest_event("charon.session.create"), None);
}

#[test]
fn a_key_is_found_by_canonical_or_rust_name() {
    let exgit = exgit();
    let get = exgit.event("exgit.object_store.get").expect("declared");
    assert_eq!(get.key("hit?").map(|k| k.name.as_str()), Some("hit?"));
    assert_eq!(get.key("hit").map(|k| k.name.as_str()), Some("hit?"));
    let rejected = exgit
        .event("exgit.security.ref_rejected")
        .expect("declared");
    let by_keyword = rejected.key("ref").map(|k| k.rust_name.as_str());
    assert_eq!(by_keyword, Some("r#ref"));
    assert_eq!(rejected.key("r#ref").map(|k| k.name.as_str()), Some("ref"));
}

#[test]
fn a_misspelled_key_gets_the_closest_name_in_the_form_written() {
    let exgit = exgit();
    let get = exgit.event("exgit.object_store.get").expect("declared");
    assert_eq!(get.suggest_key("hti"), Some("hit"));
    assert_eq!(get.suggest_key("hti?"), Some("hit?"));
    assert_eq!(get.suggest_key("sah"), Some("sha"));
    assert_eq!(get.suggest_key("completely_different"), None);
}

#[test]
fn span_keys_are_split_by_phase() {
    let catalog = parse(DEMO);
    let run = catalog.event("demo.job.run").expect("declared");
    let start: Vec<&str> = run.start_keys().map(|k| k.name.as_str()).collect();
    let stop: Vec<&str> = run.stop_keys().map(|k| k.name.as_str()).collect();
    assert_eq!(start, ["id", "ref", "token"]);
    assert_eq!(stop, ["done?"]);
}

#[test]
fn every_key_of_a_standalone_event_is_known_at_start() {
    let exgit = exgit();
    let overfull = exgit
        .event("exgit.object_store.cache_overfull")
        .expect("declared");
    assert!(overfull.metadata.iter().all(|k| k.phase == Phase::Start));
    assert_eq!(overfull.stop_keys().count(), 0);
}

#[test]
fn a_key_table_sets_optional_sensitive_doc_and_rust_name() {
    let catalog = parse(DEMO);
    let token = catalog
        .event("demo.job.run")
        .and_then(|e| e.key("caller_token"))
        .expect("declared");
    assert_eq!(token.name, "token");
    assert_eq!(token.ty, Type::String);
    assert!(!token.required);
    assert!(token.sensitive);
    assert_eq!(token.doc, "The caller's token.");
}

#[test]
fn every_item_knows_where_it_is_declared() {
    let catalog = parse(DEMO);
    let run = catalog.event("demo.job.run").expect("declared");
    assert_eq!((run.location.line, run.location.column), (6, 8));
    let done = run.key("done?").expect("declared");
    assert_eq!((done.location.line, done.location.column), (9, 10));
    let id = run.key("id").expect("declared");
    assert_eq!((id.location.line, id.location.column), (8, 14));
}

#[test]
fn locations_in_the_reference_catalogue_point_at_the_names() {
    let exgit = exgit();
    let text = std::fs::read_to_string(reference("exgit")).expect("readable");
    let lines: Vec<&str> = text.lines().collect();
    for event in &exgit.events {
        let line = lines[event.location.line - 1];
        assert_eq!(line, format!("name = \"{}\"", event.name));
        for key in &event.metadata {
            let line = lines[key.location.line - 1];
            let at = line
                .chars()
                .skip(key.location.column - 1)
                .collect::<String>();
            assert!(
                at.starts_with(&key.name) || at.starts_with(&format!("\"{}\"", key.name)),
                "{} {} at {}: {line}",
                event.name,
                key.name,
                key.location
            );
        }
    }
}

#[test]
fn segments_split_the_dotted_name() {
    let exgit = exgit();
    let resolve = exgit
        .event("exgit.object_store.shared_promisor.resolve")
        .expect("declared");
    let segments: Vec<&str> = resolve.segments().collect();
    assert_eq!(
        segments,
        ["exgit", "object_store", "shared_promisor", "resolve"]
    );
}

#[test]
fn spans_and_standalone_events_partition_the_catalogue() {
    let exgit = exgit();
    assert_eq!(exgit.spans().count(), 19);
    assert_eq!(exgit.standalone_events().count(), 4);
}

#[test]
fn loading_twice_returns_the_cached_catalogue() {
    let path = scratch("cached", DEMO);
    let first = Catalog::load(&path).expect("valid");
    let second = Catalog::load(&path).expect("valid");
    assert!(Arc::ptr_eq(&first, &second));
}

#[test]
fn an_edited_file_is_read_again() {
    let path = scratch("edited", DEMO);
    let before = Catalog::load(&path).expect("valid");
    assert!(before.event("demo.job.extra").is_none());
    let edited = format!("{DEMO}\n[[event]]\nname = \"demo.job.extra\"\ndoc = \"Added later.\"\n");
    std::fs::write(&path, edited).expect("writable");
    let after = Catalog::load(&path).expect("valid");
    assert!(after.event("demo.job.extra").is_some());
}

#[test]
fn a_loaded_catalogue_carries_its_canonical_path() {
    let catalog = exgit();
    assert_eq!(
        catalog.path,
        std::fs::canonicalize(reference("exgit")).expect("exists")
    );
}

#[test]
fn loading_a_missing_file_is_a_diagnostic() {
    let errors = Catalog::load(Path::new("/nonexistent/telemetry.toml")).expect_err("missing");
    let error = &errors.as_slice()[0];
    assert!(
        error.message.starts_with("cannot read the catalogue"),
        "{error}"
    );
    assert_eq!(error.path, Path::new("/nonexistent/telemetry.toml"));
}

#[test]
fn an_invalid_file_is_cached_as_its_errors() {
    let path = scratch("invalid", "name = \"demo\"\n");
    let first = Catalog::load(&path).expect_err("invalid");
    let second = Catalog::load(&path).expect_err("invalid");
    assert_eq!(first, second);
    assert_eq!(first.len(), 2);
}

#[test]
fn rust_field_names_drop_the_question_mark() {
    assert_eq!(rust_field_name("hit?"), "hit");
    assert_eq!(rust_field_name("partial?"), "partial");
    assert_eq!(rust_field_name("sha"), "sha");
}

#[test]
fn stability_defaults_to_stable() {
    let catalog = parse(DEMO);
    assert_eq!(
        catalog.event("demo.job.run").map(|e| &e.stability),
        Some(&Stability::Stable)
    );
}

#[test]
fn a_deprecation_records_its_note_and_new_name() {
    let catalog = parse(&format!(
        "{DEMO}\n[[span]]\nname = \"demo.job.go\"\ndoc = \"Old name.\"\nstability = {{ deprecated = \"Use demo.job.run.\", renamed_to = \"demo.job.run\" }}\n"
    ));
    assert_eq!(
        catalog.event("demo.job.go").map(|e| &e.stability),
        Some(&Stability::Deprecated {
            note: "Use demo.job.run.".into(),
            renamed_to: Some("demo.job.run".into())
        })
    );
}

#[test]
fn types_print_back_as_catalogue_syntax() {
    let exgit = exgit();
    for event in &exgit.events {
        for key in &event.metadata {
            let printed = key.ty.to_string();
            assert_eq!(printed.parse::<Type>().as_ref(), Ok(&key.ty), "{printed}");
        }
    }
}

#[test]
fn the_catalogue_serializes_to_json() {
    let json = serde_json::to_value(parse(DEMO).events).expect("serializable");
    assert_eq!(json[0]["name"], "demo.job.run");
    assert_eq!(json[0]["kind"], "span");
    assert_eq!(json[0]["metadata"][3]["name"], "done?");
    assert_eq!(json[0]["metadata"][3]["phase"], "stop");
    assert_eq!(json[0]["metadata"][3]["type"], "bool");
}

#[test]
fn a_key_typed_with_nil_admits_none_and_others_do_not() {
    let catalog = Catalog::parse(
        "name = \"demo\"\nversion = \"1.0.0\"\nprefix = \"demo\"\n\n[[event]]\nname = \"demo.a.b\"\ndoc = \"d\"\nmetadata = { maybe = \"string | nil\", anything = \"any\", plain = \"string?\" }\n",
        Path::new("telemetry.toml"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let event = catalog.event("demo.a.b").expect("declared");
    let admits = |key: &str| event.key(key).map(|k| k.ty.admits_nil());
    assert_eq!(admits("maybe"), Some(true));
    assert_eq!(admits("anything"), Some(true));
    assert_eq!(
        admits("plain"),
        Some(false),
        "an optional key may be absent, not none"
    );
}
