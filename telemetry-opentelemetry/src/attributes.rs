//! Our values as OpenTelemetry attribute values, with sensitive keys redacted.

use std::fmt::Write as _;

use opentelemetry::logs::AnyValue;
use opentelemetry::{Array, Key, KeyValue, StringValue};
use telemetry_runtime::{Field, Value};

/// What a sensitive key's value is exported as: the key stays visible (a reader learns
/// that the event carried it), its value never leaves the process.
pub const REDACTED: &str = "[redacted]";

/// A span attribute for each field; `sensitive` tells which keys to redact. A key
/// present without a value (`Value::None`) is left out: OpenTelemetry attributes have no
/// null.
pub(crate) fn key_values<'a>(
    fields: impl Iterator<Item = Field<'a>>,
    sensitive: impl Fn(&str) -> bool,
) -> Vec<KeyValue> {
    fields
        .filter(|field| !matches!(field.value, Value::None))
        .map(|field| {
            let value = if sensitive(field.key) {
                opentelemetry::Value::from(REDACTED)
            } else {
                attribute_value(field.value)
            };
            KeyValue::new(Key::from(field.key.to_owned()), value)
        })
        .collect()
}

/// A log-record attribute for each field; `sensitive` tells which keys to redact. A key
/// present without a value is left out, as for spans.
pub(crate) fn any_values<'a>(
    fields: impl Iterator<Item = Field<'a>>,
    sensitive: impl Fn(&str) -> bool,
) -> Vec<(Key, AnyValue)> {
    fields
        .filter(|field| !matches!(field.value, Value::None))
        .map(|field| {
            let value = if sensitive(field.key) {
                AnyValue::from(REDACTED)
            } else {
                any_value(field.value)
            };
            (Key::from(field.key.to_owned()), value)
        })
        .collect()
}

/// Span attributes have no unsigned, byte or mixed-list type: an unsigned integer above
/// `i64::MAX` becomes its decimal string, bytes their lowercase hex, atoms their name,
/// lists of one scalar type an array of it, anything else its display form.
pub(crate) fn attribute_value(value: Value<'_>) -> opentelemetry::Value {
    match value {
        Value::Bool(b) => b.into(),
        Value::U64(n) => i64::try_from(n).map_or_else(|_| n.to_string().into(), Into::into),
        Value::I64(n) => n.into(),
        Value::F64(x) => x.into(),
        Value::Str(s) => s.to_owned().into(),
        Value::Atom(a) => a.into(),
        Value::Bytes(bytes) => hex(bytes).into(),
        Value::List(items) | Value::Tuple(items) => homogeneous_array(items)
            .map_or_else(|| value.to_string().into(), opentelemetry::Value::Array),
        Value::Debug(_) | Value::None => value.to_string().into(),
    }
}

/// Log records carry any value, lists and bytes included; an unsigned integer above
/// `i64::MAX` becomes its decimal string.
pub(crate) fn any_value(value: Value<'_>) -> AnyValue {
    match value {
        Value::Bool(b) => AnyValue::Boolean(b),
        Value::U64(n) => i64::try_from(n).map_or_else(|_| n.to_string().into(), AnyValue::Int),
        Value::I64(n) => AnyValue::Int(n),
        Value::F64(x) => AnyValue::Double(x),
        Value::Str(s) => s.to_owned().into(),
        Value::Atom(a) => a.into(),
        Value::Bytes(bytes) => AnyValue::Bytes(Box::new(bytes.to_vec())),
        Value::List(items) | Value::Tuple(items) => {
            AnyValue::ListAny(Box::new(items.iter().copied().map(any_value).collect()))
        }
        Value::Debug(_) | Value::None => value.to_string().into(),
    }
}

fn homogeneous_array(items: &[Value<'_>]) -> Option<Array> {
    let first = items.first()?;
    match first {
        Value::Bool(_) => items
            .iter()
            .map(Value::as_bool)
            .collect::<Option<_>>()
            .map(Array::Bool),
        Value::U64(_) | Value::I64(_) => items
            .iter()
            .map(Value::as_i64)
            .collect::<Option<_>>()
            .map(Array::I64),
        Value::F64(_) => items
            .iter()
            .map(|v| match v {
                Value::F64(x) => Some(*x),
                _ => None,
            })
            .collect::<Option<_>>()
            .map(Array::F64),
        Value::Str(_) | Value::Atom(_) => items
            .iter()
            .map(|v| match v {
                Value::Str(s) => Some(StringValue::from(s.to_string())),
                Value::Atom(a) => Some(StringValue::from(*a)),
                _ => None,
            })
            .collect::<Option<_>>()
            .map(Array::String),
        _ => None,
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsigned_integers_beyond_i64_keep_every_digit() {
        assert_eq!(
            attribute_value(Value::U64(u64::MAX)),
            u64::MAX.to_string().into()
        );
        assert_eq!(attribute_value(Value::U64(7)), 7i64.into());
    }

    #[test]
    fn atoms_export_their_name_and_tuples_of_atoms_an_array() {
        let parts = [Value::atom("ref_store_disk"), Value::atom("write")];
        assert_eq!(attribute_value(Value::atom("bearer")), "bearer".into());
        assert_eq!(
            attribute_value(Value::Tuple(&parts)),
            opentelemetry::Value::Array(Array::String(vec![
                "ref_store_disk".into(),
                "write".into()
            ]))
        );
    }

    #[test]
    fn mixed_lists_fall_back_to_their_display_form() {
        let mixed = [Value::U64(1), Value::Str("a")];
        assert_eq!(attribute_value(Value::List(&mixed)), "[1, \"a\"]".into());
    }

    #[test]
    fn keys_without_a_value_are_left_out() {
        let fields = telemetry_runtime::fields!(user_id = Value::None, client = "cli");
        let kvs = key_values(fields.iter().copied(), |_| false);
        assert_eq!(kvs, vec![KeyValue::new("client", "cli")]);
    }

    #[test]
    fn sensitive_keys_are_redacted_and_others_kept() {
        let fields = telemetry_runtime::fields!(token = "s3cret", user = "ann");
        let kvs = key_values(fields.iter().copied(), |k| k == "token");
        assert_eq!(kvs[0], KeyValue::new("token", REDACTED));
        assert_eq!(kvs[1], KeyValue::new("user", "ann"));
    }
}
