//! The unit a measurement declares: how it is read, the errors a wrong one gets, how the
//! docs page shows it and how `diff` classifies a change of it.

use std::path::Path;

use telemetry_catalog::{
    Bump, Catalog, ChangeKind, Diagnostic, Location, Unit, diff, render_markdown,
};

/// Lines 1 to 7: the header, a blank line and an event; the measurements are line 8.
fn with_measurements(measurements: &str) -> String {
    format!(
        "name = \"demo\"\nversion = \"1.0.0\"\nprefix = \"demo\"\n\n[[event]]\nname = \"demo.cache.full\"\ndoc = \"The cache is full.\"\nmeasurements = {measurements}\n"
    )
}

fn parse(measurements: &str) -> Catalog {
    let source = with_measurements(measurements);
    Catalog::parse(&source, Path::new("telemetry.toml"))
        .unwrap_or_else(|errors| panic!("{errors}\n{source}"))
}

fn only_error(measurements: &str) -> Diagnostic {
    let source = with_measurements(measurements);
    let mut all = Catalog::parse(&source, Path::new("telemetry.toml"))
        .err()
        .unwrap_or_else(|| panic!("expected an error in\n{source}"))
        .into_vec();
    assert_eq!(all.len(), 1, "expected one error, got {all:#?}");
    all.remove(0)
}

fn unit_of(catalog: &Catalog, measurement: &str) -> Option<Unit> {
    catalog
        .event("demo.cache.full")
        .and_then(|e| e.measurement(measurement))
        .unwrap_or_else(|| panic!("`{measurement}` is declared"))
        .unit
}

#[test]
fn a_measurement_declares_its_unit_in_its_table() {
    let catalog = parse(
        "{ bytes = { type = \"u64\", unit = \"byte\" }, wait = { type = \"f64\", unit = \"millisecond\" } }",
    );
    assert_eq!(unit_of(&catalog, "bytes"), Some(Unit::Byte));
    assert_eq!(unit_of(&catalog, "wait"), Some(Unit::Millisecond));
}

#[test]
fn a_measurement_without_a_unit_is_a_plain_number() {
    let catalog = parse("{ count = 1, items = \"u64\", evicted = { type = \"u64\" } }");
    for name in ["count", "items", "evicted"] {
        assert_eq!(unit_of(&catalog, name), None, "{name}");
    }
}

#[test]
fn a_constant_may_declare_a_unit() {
    let catalog = parse("{ block = { value = 4096, unit = \"byte\" } }");
    assert_eq!(unit_of(&catalog, "block"), Some(Unit::Byte));
}

#[test]
fn every_unit_is_read_by_its_name() {
    for unit in Unit::ALL {
        let catalog = parse(&format!(
            "{{ x = {{ type = \"u64\", unit = \"{unit}\" }} }}"
        ));
        assert_eq!(unit_of(&catalog, "x"), Some(unit));
    }
}

#[test]
fn a_misspelled_unit_is_an_error_at_its_position_with_the_closest_name() {
    let e = only_error("{ bytes = { type = \"u64\", unit = \"bytes\" } }");
    assert_eq!(
        e.location,
        Location {
            line: 8,
            column: 49
        }
    );
    assert_eq!(e.message, "unknown unit `bytes`");
    assert_eq!(e.help.as_deref(), Some("did you mean `byte`?"));
}

#[test]
fn an_unknown_unit_lists_the_units() {
    let e = only_error("{ requests = { type = \"u64\", unit = \"request\" } }");
    assert_eq!(e.message, "unknown unit `request`");
    assert_eq!(
        e.help.as_deref(),
        Some(
            "the units are native, nanosecond, microsecond, millisecond, second, byte, \
             kilobyte, megabyte; leave `unit` out for a plain number such as a count"
        )
    );
}

#[test]
fn a_unit_must_be_a_string() {
    let e = only_error("{ bytes = { type = \"u64\", unit = 1000 } }");
    assert_eq!(e.message, "`unit` must be a string, not integer");
    assert_eq!(e.help.as_deref(), Some("write unit = \"byte\""));
}

#[test]
fn a_misspelled_unit_field_is_suggested() {
    let e = only_error("{ bytes = { type = \"u64\", unti = \"byte\" } }");
    assert_eq!(e.message, "unknown field `unti` in measurement `bytes`");
    assert_eq!(e.help.as_deref(), Some("did you mean `unit`?"));
}

#[test]
fn the_docs_page_shows_the_unit() {
    let page = render_markdown(&parse(
        "{ bytes = { type = \"u64\", unit = \"byte\", doc = \"Size of the cache.\" }, count = 1 }",
    ));
    assert!(
        page.contains("- `bytes` (`u64`; unit `byte`): Size of the cache.\n"),
        "{page}"
    );
    assert!(page.contains("- `count` (`u64`; always 1)\n"), "{page}");
}

fn unit_change(old: &str, new: &str) -> (ChangeKind, Bump, String) {
    let report = diff(&parse(old), &parse(new));
    assert_eq!(report.changes.len(), 1, "{report}");
    let change = &report.changes[0];
    (change.kind, change.class, change.message.clone())
}

#[test]
fn changing_a_unit_is_major() {
    assert_eq!(
        unit_change(
            "{ bytes = { type = \"u64\", unit = \"byte\" } }",
            "{ bytes = { type = \"u64\", unit = \"kilobyte\" } }",
        ),
        (
            ChangeKind::MeasurementChanged,
            Bump::Major,
            "measurement `bytes` changed from unit `byte` to unit `kilobyte`".to_string()
        )
    );
}

#[test]
fn declaring_a_unit_where_there_was_none_is_major() {
    assert_eq!(
        unit_change(
            "{ bytes = \"u64\" }",
            "{ bytes = { type = \"u64\", unit = \"byte\" } }",
        ),
        (
            ChangeKind::MeasurementChanged,
            Bump::Major,
            "measurement `bytes` changed from no unit to unit `byte`".to_string()
        )
    );
}

#[test]
fn dropping_a_unit_is_major() {
    let (kind, class, _) = unit_change(
        "{ wait = { type = \"f64\", unit = \"second\" } }",
        "{ wait = \"f64\" }",
    );
    assert_eq!((kind, class), (ChangeKind::MeasurementChanged, Bump::Major));
}

#[test]
fn native_time_is_nanoseconds() {
    assert!(Unit::Native.same_as(Unit::Nanosecond));
    assert!(Unit::Nanosecond.same_as(Unit::Native));
    assert!(!Unit::Native.same_as(Unit::Microsecond));
    assert!(!Unit::Byte.same_as(Unit::Kilobyte));
}

#[test]
fn the_exgit_cache_sizes_are_in_bytes_and_its_counts_have_no_unit() {
    let exgit = Catalog::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogs/exgit.toml"))
        .unwrap_or_else(|errors| panic!("{errors}"));
    let unit = |event: &str, measurement: &str| {
        exgit
            .event(event)
            .and_then(|e| e.measurement(measurement))
            .unwrap_or_else(|| panic!("{event} declares {measurement}"))
            .unit
    };
    let overfull = "exgit.object_store.cache_overfull";
    assert_eq!(unit(overfull, "bytes"), Some(Unit::Byte));
    assert_eq!(unit(overfull, "cap"), Some(Unit::Byte));
    assert_eq!(unit("exgit.object_store.haves_sent", "count"), None);
    assert_eq!(unit("exgit.security.ref_rejected", "count"), None);
}
