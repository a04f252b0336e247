//! Assertions on captured events shared by the tests.

use charon_like::telemetry::CATALOG;
use telemetry_runtime::{Captured, OwnedEvent, OwnedValue};

#[path = "../../../conformance-support/value_fits.rs"]
mod value_fits;
pub(crate) use value_fits::fits;

/// The one captured event with this name.
#[track_caller]
pub(crate) fn only<'c, R>(captured: &'c Captured<R>, name: &str) -> &'c OwnedEvent {
    captured
        .only(name)
        .unwrap_or_else(|| panic!("expected one {name}, got {:?}", captured.names()))
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
