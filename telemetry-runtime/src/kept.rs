//! Values a span keeps past the call that gave them (`stop!` values, a lazy span's start
//! metadata), owned without allocating in the common case: scalars are copied, and
//! strings and byte strings up to [`INLINE_CAPACITY`] bytes (a hex SHA-1, a raw SHA-256)
//! are kept inline. Only longer strings, lists, tuples and `Debug` values are copied to
//! the heap.

use crate::field_buf::FieldBuf;
use crate::owned_value::OwnedValue;
use crate::value::Value;

/// The longest string or byte string kept without allocating, in bytes.
pub const INLINE_CAPACITY: usize = 40;

/// One kept value.
#[derive(Clone)]
pub(crate) enum KeptValue {
    /// A value that borrows nothing: none, booleans, numbers, atoms.
    Copied(Value<'static>),
    /// A short string, inline.
    Str(Inline),
    /// A short byte string, inline.
    Bytes(Inline),
    /// Anything larger, on the heap.
    Heap(OwnedValue),
}

/// Up to [`INLINE_CAPACITY`] bytes.
#[derive(Clone)]
pub(crate) struct Inline {
    len: u8,
    bytes: [u8; INLINE_CAPACITY],
}

impl Inline {
    fn new(source: &[u8]) -> Option<Self> {
        let mut bytes = [0; INLINE_CAPACITY];
        bytes.get_mut(..source.len())?.copy_from_slice(source);
        Some(Inline {
            len: u8::try_from(source.len()).ok()?,
            bytes,
        })
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl KeptValue {
    /// Keeps `value`, copying what it borrows.
    pub(crate) fn keep(value: Value<'_>) -> Self {
        let copied = match value {
            Value::None => Value::None,
            Value::Bool(b) => Value::Bool(b),
            Value::U64(n) => Value::U64(n),
            Value::I64(n) => Value::I64(n),
            Value::F64(x) => Value::F64(x),
            Value::Atom(a) => Value::Atom(a),
            Value::Str(s) => {
                return Inline::new(s.as_bytes())
                    .map_or_else(|| KeptValue::Heap(value.to_owned_value()), KeptValue::Str);
            }
            Value::Bytes(b) => {
                return Inline::new(b)
                    .map_or_else(|| KeptValue::Heap(value.to_owned_value()), KeptValue::Bytes);
            }
            Value::List(_) | Value::Tuple(_) | Value::Debug(_) => {
                return KeptValue::Heap(value.to_owned_value());
            }
        };
        KeptValue::Copied(copied)
    }

    /// A borrowed view of the kept value.
    pub(crate) fn as_value(&self) -> Value<'_> {
        match self {
            KeptValue::Copied(value) => *value,
            // Only whole strings are kept inline, so the bytes are always valid UTF-8.
            KeptValue::Str(inline) => {
                Value::Str(std::str::from_utf8(inline.as_bytes()).unwrap_or(""))
            }
            KeptValue::Bytes(inline) => Value::Bytes(inline.as_bytes()),
            KeptValue::Heap(owned) => owned.as_value(),
        }
    }
}

/// Up to `N` kept fields, in the order their keys were first set; a later value for a
/// key replaces the earlier one.
pub struct KeptFields<const N: usize> {
    fields: [Option<(&'static str, KeptValue)>; N],
}

impl<const N: usize> KeptFields<N> {
    /// No fields.
    #[inline]
    pub const fn new() -> Self {
        KeptFields {
            fields: [const { None }; N],
        }
    }

    /// Keeps `key = value`, replacing an earlier value of `key`. Beyond `N` distinct keys
    /// (which the macros never produce) the value is dropped.
    pub fn push(&mut self, key: &'static str, value: Value<'_>) {
        self.push_kept(key, KeptValue::keep(value));
    }

    /// Keeps an already kept value, as [`push`](KeptFields::push) does.
    pub(crate) fn push_kept(&mut self, key: &'static str, value: KeptValue) {
        let slot = self
            .fields
            .iter()
            .position(|f| f.as_ref().is_some_and(|(k, _)| *k == key))
            .or_else(|| self.fields.iter().position(Option::is_none));
        if let Some(slot) = slot.and_then(|i| self.fields.get_mut(i)) {
            *slot = Some((key, value));
        }
    }

    /// Keeps `key = value` at position `index` (the key's number among the span's stop
    /// keys).
    pub(crate) fn set_at(&mut self, index: usize, key: &'static str, value: Value<'_>) {
        if let Some(slot) = self.fields.get_mut(index) {
            *slot = Some((key, KeptValue::keep(value)));
        }
    }

    /// Whether `key` has a value.
    pub(crate) fn contains(&self, key: &str) -> bool {
        self.fields.iter().flatten().any(|(k, _)| *k == key)
    }

    /// Calls `f` with the kept fields as a slice, built on the stack.
    pub(crate) fn with_fields<R>(&self, f: impl FnOnce(&[crate::fields::Field<'_>]) -> R) -> R {
        let mut buf = FieldBuf::<N>::new();
        for (key, value) in self.fields.iter().flatten() {
            buf.push(key, value.as_value());
        }
        f(buf.as_slice())
    }
}

/// The values of `N` keys known in advance and set by number (a span's stop keys): the
/// keys themselves are not kept, two words fewer per key in a frame that stays on the
/// stack while a span's body runs.
pub(crate) struct KeptByIndex<const N: usize> {
    values: [Option<KeptValue>; N],
}

impl<const N: usize> KeptByIndex<N> {
    /// No values.
    pub(crate) const fn new() -> Self {
        KeptByIndex {
            values: [const { None }; N],
        }
    }

    /// Keeps the value of key number `index`, replacing an earlier one.
    pub(crate) fn set(&mut self, index: usize, value: Value<'_>) {
        if let Some(slot) = self.values.get_mut(index) {
            *slot = Some(KeptValue::keep(value));
        }
    }

    /// Whether `key`, one of `keys`, has a value.
    pub(crate) fn contains(&self, keys: &[&str], key: &str) -> bool {
        keys.iter()
            .zip(&self.values)
            .any(|(k, value)| *k == key && value.is_some())
    }

    /// Calls `f` with the set values as fields named by `keys`, in key order.
    pub(crate) fn with_fields<R>(
        &self,
        keys: &[&'static str],
        f: impl FnOnce(&[crate::fields::Field<'_>]) -> R,
    ) -> R {
        let mut buf = FieldBuf::<N>::new();
        for (key, value) in keys.iter().zip(&self.values) {
            if let Some(value) = value {
                buf.push(key, value.as_value());
            }
        }
        f(buf.as_slice())
    }
}

impl<const N: usize> Default for KeptFields<N> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_strings_and_bytes_are_kept_inline_and_read_back_unchanged() {
        let sha = "0123456789abcdef0123456789abcdef01234567";
        let kept = KeptValue::keep(Value::Str(sha));
        assert!(matches!(kept, KeptValue::Str(_)));
        assert_eq!(kept.as_value(), Value::Str(sha));
        let raw = [7u8; 32];
        assert!(matches!(
            KeptValue::keep(Value::Bytes(&raw)),
            KeptValue::Bytes(_)
        ));
        assert_eq!(
            KeptValue::keep(Value::Bytes(&raw)).as_value(),
            Value::Bytes(&raw)
        );
    }

    #[test]
    fn longer_strings_go_to_the_heap_and_read_back_unchanged() {
        let long = "x".repeat(INLINE_CAPACITY + 1);
        let kept = KeptValue::keep(Value::Str(&long));
        assert!(matches!(kept, KeptValue::Heap(_)));
        assert_eq!(kept.as_value(), Value::Str(&long));
    }

    #[test]
    fn a_later_value_replaces_an_earlier_one_in_first_set_order() {
        let mut kept = KeptFields::<2>::new();
        kept.push("a", Value::U64(1));
        kept.push("b", Value::None);
        kept.push("a", Value::U64(2));
        kept.push("c", Value::U64(3));
        let shown = kept.with_fields(|fields| {
            fields
                .iter()
                .map(|f| format!("{}={}", f.key, f.value))
                .collect::<Vec<_>>()
        });
        assert_eq!(shown, ["a=2", "b=nil"]);
    }
}
