//! The tag values of one observation, borrowed from the event, and what a reporter makes
//! of them: a hash to find a cached series, and label strings for a new one.

use std::hash::Hasher;

use telemetry_runtime::{OwnedValue, Value};

/// The most tags a metric may have (the definition macro checks it).
pub const MAX_TAGS: usize = 8;

/// Up to [`MAX_TAGS`] tag values, in the order of the metric's `tags`, borrowed from the
/// event: filling it allocates nothing.
#[derive(Clone, Copy)]
pub struct TagValues<'a> {
    values: [Value<'a>; MAX_TAGS],
    len: usize,
}

/// What a missing tag key reads as: an empty label value, which Prometheus treats as an
/// absent label.
const MISSING: Value<'static> = Value::Str("");

impl<'a> TagValues<'a> {
    /// No tag values yet.
    pub fn new() -> Self {
        TagValues {
            values: [MISSING; MAX_TAGS],
            len: 0,
        }
    }

    /// Adds the next tag's value (`None`: the key is absent). Past [`MAX_TAGS`] values
    /// are ignored.
    #[inline]
    pub fn push(&mut self, value: Option<Value<'a>>) {
        if let Some(slot) = self.values.get_mut(self.len) {
            *slot = value.unwrap_or(MISSING);
            self.len += 1;
        }
    }

    /// The values, in tag order.
    #[inline]
    pub fn as_slice(&self) -> &[Value<'a>] {
        &self.values[..self.len]
    }

    pub(crate) fn clear(&mut self) {
        self.len = 0;
    }
}

impl Default for TagValues<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a, const N: usize> From<[Value<'a>; N]> for TagValues<'a> {
    fn from(values: [Value<'a>; N]) -> Self {
        let mut tags = TagValues::new();
        for value in values {
            tags.push(Some(value));
        }
        tags
    }
}

/// A fast hash of tag values (an Fx-style multiply-rotate): the series cache hashes on
/// every event, and these values are not attacker-chosen keys of an unbounded map (the
/// cache is bounded).
#[derive(Default)]
pub(crate) struct FastHasher(u64);

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The hash of tag values; equal values (borrowed or owned) hash alike.
pub(crate) fn hash(values: &[Value<'_>]) -> u64 {
    let mut hasher = FastHasher::default();
    for value in values {
        hash_value(value, &mut hasher);
    }
    hasher.finish()
}

fn hash_value(value: &Value<'_>, h: &mut FastHasher) {
    match *value {
        Value::Bool(b) => h.write_u64(1 + u64::from(b)),
        Value::U64(n) => {
            h.write_u64(3);
            h.write_u64(n);
        }
        Value::I64(n) => {
            h.write_u64(4);
            h.write_u64(n as u64);
        }
        Value::F64(x) => {
            h.write_u64(5);
            h.write_u64(x.to_bits());
        }
        Value::Str(s) | Value::Atom(s) => {
            h.write_u64(6 + u64::from(matches!(value, Value::Atom(_))));
            h.write(s.as_bytes());
            h.write_u64(s.len() as u64);
        }
        Value::Bytes(b) => {
            h.write_u64(8);
            h.write(b);
            h.write_u64(b.len() as u64);
        }
        Value::List(items) | Value::Tuple(items) => {
            h.write_u64(9);
            items.iter().for_each(|item| hash_value(item, h));
            h.write_u64(items.len() as u64);
        }
        // Debug values compare by their rendering; hash them all alike.
        Value::Debug(_) => h.write_u64(10),
        Value::None => h.write_u64(11),
    }
}

/// Whether borrowed tag values equal owned ones, without allocating.
pub(crate) fn same(values: &[Value<'_>], owned: &[OwnedValue]) -> bool {
    values.len() == owned.len() && values.iter().zip(owned).all(|(v, o)| same_value(v, o))
}

fn same_value(value: &Value<'_>, owned: &OwnedValue) -> bool {
    match (*value, owned) {
        (Value::Bool(a), OwnedValue::Bool(b)) => a == *b,
        (Value::U64(a), OwnedValue::U64(b)) => a == *b,
        (Value::I64(a), OwnedValue::I64(b)) => a == *b,
        (Value::F64(a), OwnedValue::F64(b)) => a.to_bits() == b.to_bits(),
        (Value::Str(a), OwnedValue::Str(b)) => a == b,
        (Value::Atom(a), OwnedValue::Atom(b)) => a == *b,
        (Value::Bytes(a), OwnedValue::Bytes(b)) => a == b.as_slice(),
        (Value::List(a), OwnedValue::List(b)) | (Value::Tuple(a), OwnedValue::Tuple(b)) => {
            same(a, b)
        }
        (Value::Debug(_), OwnedValue::Debug(_)) => value.to_owned_value() == *owned,
        (Value::None, OwnedValue::None) => true,
        _ => false,
    }
}

/// The owned copy kept as a cache key.
pub(crate) fn to_owned(values: &[Value<'_>]) -> Box<[OwnedValue]> {
    values.iter().map(Value::to_owned_value).collect()
}

/// A label value: strings and atoms as they are, numbers and booleans as written,
/// binaries as hex, anything else as displayed.
pub(crate) fn label(value: &Value<'_>) -> String {
    match *value {
        Value::Str(s) | Value::Atom(s) => s.to_owned(),
        Value::Bytes(bytes) => bytes.iter().map(|b| format!("{b:02x}")).collect(),
        Value::None => "nil".to_owned(),
        ref other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_equal_their_owned_copy_and_differ_from_others() {
        let items = [Value::atom("a"), Value::U64(2)];
        let values = [
            Value::Str("HEAD"),
            Value::Tuple(&items),
            Value::Bytes(&[1, 2]),
        ];
        let owned = to_owned(&values);
        assert!(same(&values, &owned));
        let other = [
            Value::Str("HEAD"),
            Value::Tuple(&items),
            Value::Bytes(&[1, 3]),
        ];
        assert!(!same(&other, &owned));
        assert!(!same(&values[..2], &owned));
    }

    #[test]
    fn equal_values_hash_alike() {
        let again = [Value::Str("HEAD"), Value::U64(7)];
        assert_eq!(hash(&[Value::Str("HEAD"), Value::U64(7)]), hash(&again));
        assert_ne!(
            hash(&[Value::Str("HEAD"), Value::U64(7)]),
            hash(&[Value::Str("HEAD"), Value::U64(8)])
        );
    }

    #[test]
    fn a_string_and_an_atom_of_the_same_text_differ() {
        assert_ne!(hash(&[Value::Str("http")]), hash(&[Value::atom("http")]));
    }

    #[test]
    fn labels_read_as_people_write_them() {
        assert_eq!(label(&Value::atom("http")), "http");
        assert_eq!(label(&Value::Str("HEAD")), "HEAD");
        assert_eq!(label(&Value::Bool(true)), "true");
        assert_eq!(label(&Value::U64(42)), "42");
        assert_eq!(label(&Value::Bytes(&[0xce, 0x01])), "ce01");
    }

    #[test]
    fn values_past_the_limit_are_ignored() {
        let mut tags = TagValues::new();
        for n in 0..(MAX_TAGS as u64 + 2) {
            tags.push(Some(Value::U64(n)));
        }
        assert_eq!(tags.as_slice().len(), MAX_TAGS);
    }
}
