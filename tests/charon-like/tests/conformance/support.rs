//! Assertions on captured events shared by the tests.

use charon_like::telemetry::CATALOG;
use telemetry_catalog::Type;
use telemetry_runtime::{Captured, OwnedEvent, OwnedValue};

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

/// Whether `value` fits a catalogue type, read with the catalogue's own grammar.
fn fits(ty: &str, value: &OwnedValue) -> bool {
    let parsed: Type = ty
        .parse()
        .unwrap_or_else(|e| panic!("the catalogue type `{ty}` does not parse: {e}"));
    fits_type(&parsed, value)
}

fn fits_type(ty: &Type, value: &OwnedValue) -> bool {
    match (ty, value) {
        (Type::Any, _)
        | (Type::Bool, OwnedValue::Bool(_))
        | (Type::U64, OwnedValue::U64(_))
        | (Type::I64, OwnedValue::I64(_))
        | (Type::F64, OwnedValue::F64(_))
        | (Type::String, OwnedValue::Str(_))
        | (Type::Bytes, OwnedValue::Bytes(_)) => true,
        (Type::Atom { values, open }, OwnedValue::Atom(atom)) => {
            *open || values.iter().any(|v| v == atom)
        }
        (Type::List(item), OwnedValue::List(items)) => items.iter().all(|i| fits_type(item, i)),
        (Type::Tuple(types), OwnedValue::Tuple(values)) => {
            types.len() == values.len() && types.iter().zip(values).all(|(t, v)| fits_type(t, v))
        }
        (Type::Union(alternatives), value) => alternatives.iter().any(|t| fits_type(t, value)),
        // The none value is the one that is none of the concrete kinds.
        (Type::Nil, value) => !matches!(
            value,
            OwnedValue::Bool(_)
                | OwnedValue::U64(_)
                | OwnedValue::I64(_)
                | OwnedValue::F64(_)
                | OwnedValue::Str(_)
                | OwnedValue::Atom(_)
                | OwnedValue::Bytes(_)
                | OwnedValue::List(_)
                | OwnedValue::Tuple(_)
                | OwnedValue::Debug(_)
        ),
        _ => false,
    }
}
