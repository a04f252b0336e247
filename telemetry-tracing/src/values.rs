//! Our fields as a `tracing` value set, on the stack, sensitive values redacted.

use telemetry_runtime::{REDACTED, Value};
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

/// The values of one event for its callsite, in the callsite's field order.
pub(crate) struct Cells<'a> {
    cells: [Cell<'a>; MAX_FIELDS],
}

impl<'a> Cells<'a> {
    pub(crate) fn new() -> Self {
        Cells {
            cells: std::array::from_fn(|_| Cell::Absent),
        }
    }

    /// Sets the field `key` if the callsite declares it.
    #[inline]
    pub(crate) fn set(&mut self, callsite: &BridgeCallsite, key: &str, cell: Cell<'a>) {
        if let Some(i) = callsite.index_of(key) {
            self.cells[i] = cell;
        }
    }

    /// Hands the value set to `f`.
    pub(crate) fn with_value_set<R>(
        &self,
        callsite: &'static BridgeCallsite,
        f: impl FnOnce(&ValueSet<'_>) -> R,
    ) -> Option<R> {
        let metadata = callsite.metadata_static()?;
        let fields = callsite.fields();
        let Some(first) = fields.first() else {
            return Some(f(&metadata.fields().value_set(&[])));
        };
        let values: [&dyn field::Value; MAX_FIELDS] = std::array::from_fn(|i| self.value(i));
        let pairs: [(&field::Field, Option<&dyn field::Value>); MAX_FIELDS] =
            std::array::from_fn(|i| match (fields.get(i), &self.cells[i]) {
                (Some(field), cell) if !matches!(cell, Cell::Absent) => (field, Some(values[i])),
                // Entries past the declared fields repeat a field with no value: `tracing`
                // skips them.
                (field, _) => (field.unwrap_or(first), None),
            });
        Some(f(&metadata.fields().value_set(&pairs)))
    }

    fn value(&self, i: usize) -> &dyn field::Value {
        match &self.cells[i] {
            Cell::Absent => &field::Empty,
            Cell::Bool(b) => b,
            Cell::U64(n) => n,
            Cell::I64(n) => n,
            Cell::F64(x) => x,
            Cell::Str(s) => s,
            Cell::Display(shown) => shown,
        }
    }
}
