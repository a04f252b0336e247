//! Assertions on captured events shared by the tests.

use charon_like::telemetry::CATALOG;
use telemetry_runtime::{Captured, OwnedEvent, OwnedValue};

/// The one captured event with this name.
#[track_caller]
pub(crate) fn only<'c, R>(captured: &'c Captured<R>, name: &str) -> &'c OwnedEvent {
    let found: Vec<&OwnedEvent> = captured
        .events
        .iter()
        .filter(|e| e.name() == name)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {name}, got {:?}",
        captured.names()
    );
    found[0]
}

/// The metadata keys with the kind of each value, in emission order.
pub(crate) fn kinds(event: &OwnedEvent) -> Vec<(&str, &'static str)> {
    event
        .metadata()
        .iter()
        .map(|(k, v)| (k.as_str(), v.kind()))
        .collect()
}

/// Every Charon event counts one occurrence.
#[track_caller]
pub(crate) fn assert_counts_one(event: &OwnedEvent) {
    assert_eq!(event.measurement_keys(), ["count"]);
    assert_eq!(event.measurement("count"), Some(&OwnedValue::U64(1)));
    assert_eq!(event.span_context(), None, "a standalone event");
}

/// Checks one event against the catalogue compiled into the library: `count = 1`, every
/// metadata key declared, every required key present, every value of its declared type.
#[track_caller]
pub(crate) fn assert_conforms(event: &OwnedEvent) {
    let name = event.name().as_str();
    let info = CATALOG
        .event(name)
        .unwrap_or_else(|| panic!("{name} is not in the catalogue"));
    assert_counts_one(event);
    for key in event.metadata_keys() {
        assert!(info.key(key).is_some(), "{name}: key {key} is not declared");
    }
    for key in info.metadata {
        match event.meta(key.name) {
            None => assert!(
                !key.required,
                "{name}: required key {} is missing",
                key.name
            ),
            Some(value) => assert!(
                fits(key.ty, value),
                "{name}: {} = {value} does not fit `{}`",
                key.name,
                key.ty
            ),
        }
    }
}

/// Whether `value` fits a catalogue type of the kinds Charon's catalogue uses.
fn fits(ty: &str, value: &OwnedValue) -> bool {
    match (ty, value) {
        ("any", _) => true,
        ("bool", OwnedValue::Bool(_)) | ("string", OwnedValue::Str(_)) => true,
        (ty, OwnedValue::Atom(atom)) => ty
            .strip_prefix("atom(")
            .and_then(|r| r.strip_suffix(')'))
            .is_some_and(|values| values.split(", ").any(|v| v == ".." || v == *atom)),
        _ => false,
    }
}
