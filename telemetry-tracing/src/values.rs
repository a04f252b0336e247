//! Our fields as a `tracing` value set, on the stack, sensitive values redacted.

use telemetry_runtime::{MarkedField, REDACTED, Value};
use tracing_core::field::{self, ValueSet};

use crate::callsite::{BridgeCallsite, MAX_FIELDS};

/// One field's value in a form `tracing` records natively where it can: numbers, booleans
/// and strings as themselves, atoms as their name, anything else by its display form.
#[derive(Clone, Default)]
pub(crate) enum Cell<'a> {
    #[default]
    Absent,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(&'a str),
    /// Lists, tuples, bytes, `nil`: shown in their display form.
    Display(field::DisplayValue<Value<'a>>),
}

impl<'a> Cell<'a> {
    pub(crate) fn new(value: Value<'a>, sensitive: bool) -> Self {
        if sensitive {
            return Cell::Str(REDACTED);
        }
        match value {
            Value::Bool(b) => Cell::Bool(b),
            Value::U64(n) => Cell::U64(n),
            Value::I64(n) => Cell::I64(n),
            Value::F64(x) => Cell::F64(x),
            Value::Str(s) => Cell::Str(s),
            Value::Atom(a) => Cell::Str(a),
            other => Cell::Display(field::display(other)),
        }
    }
}

impl Cell<'_> {
    fn as_value(&self) -> Option<&dyn field::Value> {
        Some(match self {
            Cell::Absent => return None,
            Cell::Bool(b) => b,
            Cell::U64(n) => n,
            Cell::I64(n) => n,
            Cell::F64(x) => x,
            Cell::Str(s) => s,
            Cell::Display(shown) => shown,
        })
    }
}

/// Builds the value set of `fields` for `site` (keys it does not declare are left out)
/// and hands it to `f`. The arrays are sized to the callsite, on the stack: 4, 8, 16 or
/// [`MAX_FIELDS`] entries.
#[inline]
pub(crate) fn record<'a, R>(
    site: &'static BridgeCallsite,
    fields: impl Iterator<Item = MarkedField<'a, Value<'a>>>,
    f: impl FnOnce(&ValueSet<'_>) -> R,
) -> Option<R> {
    match site.fields().len() {
        0..=4 => record_sized::<4, R>(site, fields, f),
        5..=8 => record_sized::<8, R>(site, fields, f),
        9..=16 => record_sized::<16, R>(site, fields, f),
        _ => record_sized::<MAX_FIELDS, R>(site, fields, f),
    }
}

fn record_sized<'a, const N: usize, R>(
    site: &'static BridgeCallsite,
    fields: impl Iterator<Item = MarkedField<'a, Value<'a>>>,
    f: impl FnOnce(&ValueSet<'_>) -> R,
) -> Option<R> {
    let metadata = site.metadata_static()?;
    let declared = site.fields();
    let Some(first) = declared.first() else {
        return Some(f(&metadata.fields().value_set(&[])));
    };
    let mut cells: [Cell<'a>; N] = std::array::from_fn(|_| Cell::Absent);
    for field in fields {
        if let Some(slot) = site.index_of(field.key).and_then(|i| cells.get_mut(i)) {
            *slot = Cell::new(field.value, field.sensitive);
        }
    }
    let pairs: [(&field::Field, Option<&dyn field::Value>); N] =
        std::array::from_fn(|i| match declared.get(i) {
            Some(field) => (field, cells[i].as_value()),
            // Entries past the declared fields repeat a field with no value: `tracing`
            // skips them.
            None => (first, None),
        });
    Some(f(&metadata.fields().value_set(&pairs)))
}

/// A value's fingerprint, to tell whether a span's stop changed a start key's value
/// without keeping the value itself. FNV-1a: a collision only means a changed value is
/// not recorded again, and values are short.
pub(crate) fn fingerprint(value: Value<'_>) -> u64 {
    let tag = |t: u8, bytes: &[u8]| fnv(fnv(FNV_OFFSET, &[t]), bytes);
    match value {
        Value::Bool(b) => tag(0, &[u8::from(b)]),
        Value::U64(n) => tag(1, &n.to_le_bytes()),
        Value::I64(n) => tag(2, &n.to_le_bytes()),
        Value::F64(x) => tag(3, &x.to_bits().to_le_bytes()),
        Value::Str(s) => tag(4, s.as_bytes()),
        Value::Atom(a) => tag(5, a.as_bytes()),
        Value::Bytes(b) => tag(6, b),
        other => tag(7, other.to_string().as_bytes()),
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv(mut hash: u64, bytes: &[u8]) -> u64 {
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}
