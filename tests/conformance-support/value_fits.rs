//! Whether a captured value fits the catalogue type of its key, read with the catalogue's
//! own grammar: shared by the conformance tests of both reference libraries (included
//! with `#[path]`).

use telemetry_catalog::Type;
use telemetry_runtime::OwnedValue;

/// Whether `value` fits a catalogue type, read with the catalogue's own grammar.
pub(crate) fn fits(ty: &str, value: &OwnedValue) -> bool {
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
        (Type::Nil, OwnedValue::None) => true,
        _ => false,
    }
}
