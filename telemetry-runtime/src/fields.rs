//! Measurements and metadata: borrowed key/value views, built on the stack.

use std::fmt;

use crate::convert::FromValue;
use crate::owned_value::OwnedValue;
use crate::sensitive::MarkedField;
use crate::value::Value;

/// One key and its value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Field<'a> {
    /// The canonical key, such as `sha` or `hit?`.
    pub key: &'a str,
    /// The value.
    pub value: Value<'a>,
}

impl<'a> Field<'a> {
    /// A field from anything that converts into a [`Value`].
    pub fn new(key: &'a str, value: impl Into<Value<'a>>) -> Self {
        Field {
            key,
            value: value.into(),
        }
    }
}

/// Builds an array of [`Field`]s on the stack: `fields!(sha = "abc", "hit?" = true)`.
///
/// Keys are identifiers or string literals (for keys such as `hit?`); values are anything
/// that converts into a [`Value`].
///
/// ```
/// use telemetry_runtime::{fields, Fields};
/// let metadata = fields!(store = "memory", "hit?" = true);
/// let view = Fields::new(&metadata);
/// assert_eq!(view.get("hit?").and_then(|v| v.as_bool()), Some(true));
/// ```
#[macro_export]
macro_rules! fields {
    ($($key:tt = $value:expr),* $(,)?) => {
        [$($crate::Field::new($crate::fields!(@key $key), $value)),*]
    };
    (@key $key:ident) => { stringify!($key) };
    (@key $key:literal) => { $key };
}

/// A read-only view of an event's measurements or metadata.
///
/// A view is one slice of fields, optionally overlaid by a second slice whose keys win:
/// that is how a span's stop event shows the start metadata merged with the extras given
/// at stop, without copying either. Iteration follows declaration order: the base fields
/// not overridden, then the overlay.
///
/// A view also knows which of its keys are sensitive (see [`Fields::is_sensitive`]); its
/// `Debug` form shows their values as `[redacted]`.
#[derive(Clone, Copy)]
pub struct Fields<'a> {
    base: &'a [Field<'a>],
    overlay: &'a [Field<'a>],
    sensitive: &'a [&'a str],
}

impl<'a> Fields<'a> {
    /// No fields.
    pub const EMPTY: Fields<'static> = Fields {
        base: &[],
        overlay: &[],
        sensitive: &[],
    };

    /// A view of one slice.
    pub const fn new(fields: &'a [Field<'a>]) -> Self {
        Fields {
            base: fields,
            overlay: &[],
            sensitive: &[],
        }
    }

    /// A view of `base` merged with `overlay`; on a shared key the overlay's value wins.
    pub const fn merged(base: &'a [Field<'a>], overlay: &'a [Field<'a>]) -> Self {
        Fields {
            base,
            overlay,
            sensitive: &[],
        }
    }

    /// The same view, with `keys` marked sensitive: their values must not leave the
    /// process in clear (reporters redact them, `Debug` shows `[redacted]`).
    ///
    /// ```
    /// use telemetry_runtime::{fields, Fields};
    /// let metadata = fields!(user_id = 42u64, token = "s3cret");
    /// let view = Fields::new(&metadata).with_sensitive_keys(&["token"]);
    /// assert!(view.is_sensitive("token"));
    /// assert_eq!(format!("{view:?}"), r#"{"user_id": 42, "token": [redacted]}"#);
    /// ```
    pub const fn with_sensitive_keys(self, keys: &'a [&'a str]) -> Self {
        Fields {
            base: self.base,
            overlay: self.overlay,
            sensitive: keys,
        }
    }

    /// Whether `key` is sensitive: its value must be redacted wherever it leaves the
    /// process (logs, reporters, exporters). The one flag every consumer relies on.
    #[inline]
    pub fn is_sensitive(&self, key: &str) -> bool {
        self.sensitive.contains(&key)
    }

    /// The keys declared sensitive for this view (some may be absent from it).
    pub fn sensitive_keys(&self) -> &'a [&'a str] {
        self.sensitive
    }

    /// The fields in declaration order, each with its sensitivity.
    ///
    /// ```
    /// use telemetry_runtime::{fields, Fields};
    /// let metadata = fields!(user_id = 42u64, token = "s3cret");
    /// let view = Fields::new(&metadata).with_sensitive_keys(&["token"]);
    /// let shown: Vec<String> = view.iter_marked().map(|f| format!("{}={}", f.key, f.shown())).collect();
    /// assert_eq!(shown, ["user_id=42", "token=[redacted]"]);
    /// ```
    pub fn iter_marked(&self) -> impl Iterator<Item = MarkedField<'a, Value<'a>>> + use<'a> {
        let sensitive = self.sensitive;
        self.iter().map(move |field| MarkedField {
            key: field.key,
            value: field.value,
            // Most events have no sensitive key: then no key is compared.
            sensitive: !sensitive.is_empty() && sensitive.contains(&field.key),
        })
    }

    /// The value for `key`, if present.
    #[inline]
    pub fn get(&self, key: &str) -> Option<Value<'a>> {
        find(self.overlay, key).or_else(|| find(self.base, key))
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The fields, in declaration order.
    #[inline]
    pub fn iter(&self) -> FieldsIter<'a> {
        FieldsIter::of(self)
    }

    /// A reader of the fields in the order they were built, for typed handlers (see
    /// [`FieldReader`]).
    #[inline]
    pub fn reader(&self) -> FieldReader<'a> {
        FieldReader {
            // A merged view is read by key: its overlay wins over its base.
            in_order: if self.overlay.is_empty() {
                self.base
            } else {
                &[]
            },
            next: 0,
            view: *self,
        }
    }

    /// The keys, in declaration order.
    pub fn keys(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.iter().map(|f| f.key)
    }

    /// Number of distinct keys.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.base.is_empty() && self.overlay.is_empty()
    }

    /// Owned copies of every field, in declaration order.
    pub fn to_owned_fields(&self) -> Vec<(String, OwnedValue)> {
        self.iter()
            .map(|f| (f.key.to_owned(), f.value.to_owned_value()))
            .collect()
    }
}

#[inline]
fn find<'a>(fields: &'a [Field<'a>], key: &str) -> Option<Value<'a>> {
    fields.iter().find(|f| f.key == key).map(|f| f.value)
}

impl<'a> IntoIterator for Fields<'a> {
    type Item = Field<'a>;
    type IntoIter = FieldsIter<'a>;

    #[inline]
    fn into_iter(self) -> FieldsIter<'a> {
        self.iter()
    }
}

impl fmt::Debug for Fields<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter_marked().map(|field| (field.key, field.shown())))
            .finish()
    }
}

/// Iterator over a [`Fields`] view.
///
/// A plain view (no overlay: every standalone event, every start event) is walked as its
/// slice, the overlay test being the same for every field; a merged view skips the base
/// fields its overlay redefines, then walks the overlay.
#[derive(Clone)]
pub struct FieldsIter<'a> {
    base: std::slice::Iter<'a, Field<'a>>,
    overlay: &'a [Field<'a>],
    overlay_iter: std::slice::Iter<'a, Field<'a>>,
}

impl<'a> FieldsIter<'a> {
    #[inline]
    fn of(view: &Fields<'a>) -> Self {
        FieldsIter {
            base: view.base.iter(),
            overlay: view.overlay,
            overlay_iter: view.overlay.iter(),
        }
    }
}

impl<'a> Iterator for FieldsIter<'a> {
    type Item = Field<'a>;

    #[inline]
    fn next(&mut self) -> Option<Field<'a>> {
        let overlay = self.overlay;
        if overlay.is_empty() {
            return self.base.next().copied();
        }
        if let Some(field) = self.base.find(|f| !is_hidden(f.key, overlay)) {
            return Some(*field);
        }
        self.overlay_iter.next().copied()
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let rest = self.overlay_iter.len();
        let base = self.base.len();
        let lower = if self.overlay.is_empty() { base } else { rest };
        (lower, Some(base + rest))
    }
}

/// Whether `key` is redefined by `overlay`; out of line, so that the loop over a merged
/// view keeps few registers.
#[cold]
#[inline(never)]
fn is_hidden(key: &str, overlay: &[Field<'_>]) -> bool {
    overlay.iter().any(|o| o.key == key)
}

/// Reads the fields of a view in the order they were built, as a typed handler rebuilds
/// the struct that was emitted.
///
/// Each read names the key it expects next. When the view's next field has that very key
/// (the same `&'static str`, compared by address and length), it is taken without
/// comparing any text; otherwise the key is looked up by name, as [`Fields::get`] does, so
/// that a view built in another order (a dynamic `execute`, a hand-built event) reads
/// the same. A merged view is always read by name.
///
/// ```
/// use telemetry_runtime::{Field, Fields, Value};
/// static KEYS: [&str; 2] = ["id", "name"];
/// let fields = [Field::new(KEYS[0], 7u64), Field::new(KEYS[1], "GET")];
/// let mut reader = Fields::new(&fields).reader();
/// assert_eq!(reader.required::<u64>(KEYS[0]), Some(7));
/// assert_eq!(reader.optional::<&str>("user"), Some(None), "absent");
/// assert_eq!(reader.required::<&str>(KEYS[1]), Some("GET"));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct FieldReader<'a> {
    /// The fields to take in order: the view's only slice, or nothing for a merged view.
    in_order: &'a [Field<'a>],
    /// Where the next field is expected in `in_order`.
    next: usize,
    view: Fields<'a>,
}

impl<'a> FieldReader<'a> {
    /// Skips `count` fields, such as the constant measurements built before the fields a
    /// typed handler reads.
    #[inline]
    pub fn skip(&mut self, count: usize) {
        self.next = self.next.saturating_add(count);
    }

    /// The value of `key`: the next field when it has this key, otherwise the view's
    /// value for it.
    #[inline]
    pub fn take(&mut self, key: &str) -> Option<Value<'a>> {
        if let Some(field) = self.in_order.get(self.next)
            && same_str(field.key, key)
        {
            self.next += 1;
            return Some(field.value);
        }
        // Plain values in and out, so that the reader stays in registers.
        let (next, value) = find_by_name(
            self.in_order,
            self.next,
            self.view.base,
            self.view.overlay,
            key,
        );
        self.next = next;
        value
    }

    /// The value of a key the event must carry, as `T`; `None` when it is absent or of
    /// another shape.
    #[inline]
    pub fn required<T: FromValue<'a>>(&mut self, key: &str) -> Option<T> {
        T::from_value(self.take(key)?)
    }

    /// The value of a key the event may leave out: `Some(None)` when it is absent,
    /// `None` when it is present with another shape than `T`.
    #[inline]
    pub fn optional<T: FromValue<'a>>(&mut self, key: &str) -> Option<Option<T>> {
        match self.take(key) {
            Some(value) => T::from_value(value).map(Some),
            None => Some(None),
        }
    }
}

/// The value of `key` looked up by name, and where the next field is then expected in
/// `in_order` (after the one found there, or unchanged).
#[cold]
#[inline(never)]
fn find_by_name<'a>(
    in_order: &'a [Field<'a>],
    next: usize,
    base: &'a [Field<'a>],
    overlay: &'a [Field<'a>],
    key: &str,
) -> (usize, Option<Value<'a>>) {
    if let Some(at) = in_order.iter().position(|f| f.key == key) {
        return (at + 1, Some(in_order[at].value));
    }
    (next, find(overlay, key).or_else(|| find(base, key)))
}

/// The same string in memory: one address and one length compare, no text compared.
#[inline(always)]
fn same_str(a: &str, b: &str) -> bool {
    std::ptr::eq(a.as_ptr(), b.as_ptr()) && a.len() == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlay_wins_on_shared_keys_and_keeps_declaration_order() {
        let start = crate::fields!(reference = "HEAD", pattern = "foo", match_count = 0u64);
        let stop = crate::fields!(match_count = 3u64, files_scanned = 2u64);
        let merged = Fields::merged(&start, &stop);
        assert_eq!(
            merged.keys().collect::<Vec<_>>(),
            ["reference", "pattern", "match_count", "files_scanned"]
        );
        assert_eq!(merged.get("match_count").and_then(|v| v.as_u64()), Some(3));
        assert_eq!(merged.len(), 4);
    }

    #[test]
    fn a_merged_view_marked_sensitive_redacts_the_overlay_too() {
        let start = crate::fields!(user = "ann");
        let stop = crate::fields!(token = "t0k3n");
        let merged = Fields::merged(&start, &stop).with_sensitive_keys(&["token"]);
        let debug = format!("{merged:?}");
        assert!(!debug.contains("t0k3n"), "{debug}");
        assert!(debug.contains("\"token\": [redacted]"), "{debug}");
    }

    #[test]
    fn a_merged_view_skips_every_base_field_its_overlay_redefines() {
        let base = crate::fields!(a = 1u64, b = 2u64, c = 3u64, d = 4u64);
        let overlay = crate::fields!(b = 20u64, d = 40u64, e = 50u64);
        let merged = Fields::merged(&base, &overlay);
        let seen: Vec<(&str, u64)> = merged
            .iter()
            .map(|f| (f.key, f.value.as_u64().unwrap_or(0)))
            .collect();
        assert_eq!(seen, [("a", 1), ("c", 3), ("b", 20), ("d", 40), ("e", 50)]);
        let only_overlay = Fields::merged(&base[1..2], &overlay);
        assert_eq!(only_overlay.keys().collect::<Vec<_>>(), ["b", "d", "e"]);
    }

    #[test]
    fn missing_keys_are_absent() {
        let md = crate::fields!(sha = "abc");
        let view = Fields::new(&md);
        assert!(view.get("hit?").is_none());
        assert!(!view.contains_key("hit?"));
        assert!(Fields::EMPTY.is_empty());
    }
}
