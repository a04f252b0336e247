//! Metadata and measurement values: a small borrowed enum for the hot path and an owned
//! counterpart for captured events.

use std::fmt;

/// A value carried by an event, borrowed from the emitting code; copying it is free.
///
/// The variants mirror what Erlang's `:telemetry` events carry: booleans, integers,
/// floats, strings, atoms (`:bearer`), binaries, lists and tuples (`{:ref_store_disk,
/// :write}`), `nil` ([`Value::None`]: a key present with no value), with [`Value::Debug`]
/// as the fallback for anything else.
///
/// ```
/// use telemetry_runtime::Value;
/// assert_eq!(Value::from(42u32).as_u64(), Some(42));
/// assert_eq!(Value::from("HEAD").as_str(), Some("HEAD"));
/// assert_eq!(Value::atom("bearer").to_string(), ":bearer");
/// let parts = [Value::atom("ref_store_disk"), Value::atom("write")];
/// assert_eq!(Value::Tuple(&parts).to_string(), "{:ref_store_disk, :write}");
/// ```
#[derive(Clone, Copy)]
pub enum Value<'a> {
    /// A key present with no value, Erlang's `nil` (shown as `nil`). Unlike an absent
    /// optional key, the key is there: a handler sees it and can tell the two apart.
    None,
    /// `true` or `false`.
    Bool(bool),
    /// An unsigned integer (counts, sizes, durations in nanoseconds).
    U64(u64),
    /// A signed integer.
    I64(i64),
    /// A floating-point number.
    F64(f64),
    /// A string.
    Str(&'a str),
    /// An atom: one of a fixed set of names, such as `bearer` for `:bearer`.
    Atom(&'static str),
    /// Raw bytes.
    Bytes(&'a [u8]),
    /// A list of values.
    List(&'a [Value<'a>]),
    /// A fixed-size tuple of values.
    Tuple(&'a [Value<'a>]),
    /// Anything else, shown with its `Debug` form.
    Debug(&'a (dyn fmt::Debug + Sync)),
}

impl<'a> Value<'a> {
    /// An atom value: `Value::atom("bearer")` is `:bearer`.
    pub const fn atom(name: &'static str) -> Self {
        Value::Atom(name)
    }

    /// Whether this is the none value (`nil`): the key is present, with no value.
    ///
    /// ```
    /// use telemetry_runtime::{fields, Fields, Value};
    /// let metadata = fields!(user_id = Value::None);
    /// let view = Fields::new(&metadata);
    /// assert!(view.get("user_id").is_some_and(|v| v.is_none()), "present, with no value");
    /// assert!(view.get("client_id").is_none(), "absent");
    /// ```
    #[inline]
    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }

    /// The boolean, if this is one.
    #[inline]
    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The unsigned integer, if this is one (or a non-negative signed one).
    #[inline]
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::U64(n) => Some(n),
            Value::I64(n) => u64::try_from(n).ok(),
            _ => None,
        }
    }

    /// The signed integer, if this is one (or an unsigned one that fits).
    #[inline]
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::I64(n) => Some(n),
            Value::U64(n) => i64::try_from(n).ok(),
            _ => None,
        }
    }

    /// Any number as a float, for aggregation.
    #[inline]
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::F64(x) => Some(x),
            Value::U64(n) => Some(n as f64),
            Value::I64(n) => Some(n as f64),
            _ => None,
        }
    }

    /// The string, if this is one.
    #[inline]
    pub fn as_str(&self) -> Option<&'a str> {
        match *self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The atom's name, if this is an atom.
    #[inline]
    pub fn as_atom(&self) -> Option<&'static str> {
        match *self {
            Value::Atom(a) => Some(a),
            _ => None,
        }
    }

    /// The bytes, if this is a binary.
    #[inline]
    pub fn as_bytes(&self) -> Option<&'a [u8]> {
        match *self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The elements, if this is a list or a tuple.
    #[inline]
    pub fn as_elements(&self) -> Option<&'a [Value<'a>]> {
        match *self {
            Value::List(items) | Value::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// An owned copy, for keeping past the handler call.
    pub fn to_owned_value(&self) -> OwnedValue {
        match *self {
            Value::None => OwnedValue::None,
            Value::Bool(b) => OwnedValue::Bool(b),
            Value::U64(n) => OwnedValue::U64(n),
            Value::I64(n) => OwnedValue::I64(n),
            Value::F64(x) => OwnedValue::F64(x),
            Value::Str(s) => OwnedValue::Str(s.to_owned()),
            Value::Atom(a) => OwnedValue::Atom(a),
            Value::Bytes(b) => OwnedValue::Bytes(b.to_vec()),
            Value::List(items) => {
                OwnedValue::List(items.iter().map(Value::to_owned_value).collect())
            }
            Value::Tuple(items) => {
                OwnedValue::Tuple(items.iter().map(Value::to_owned_value).collect())
            }
            Value::Debug(d) => OwnedValue::Debug(format!("{d:?}")),
        }
    }
}

/// Shows values in Erlang term syntax: `:atom`, `"string"`, `{a, b}`, `[a, b]`, `<<1, 2>>`,
/// `nil`.
impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Value::None => f.write_str("nil"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::U64(n) => write!(f, "{n}"),
            Value::I64(n) => write!(f, "{n}"),
            Value::F64(x) => write!(f, "{x:?}"),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::Atom(a) => write!(f, ":{a}"),
            Value::Bytes(b) => write_sequence(f, "<<", b.iter(), ">>"),
            Value::List(items) => write_sequence(f, "[", items.iter(), "]"),
            Value::Tuple(items) => write_sequence(f, "{", items.iter(), "}"),
            Value::Debug(d) => write!(f, "{d:?}"),
        }
    }
}

fn write_sequence<T: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    open: &str,
    items: impl Iterator<Item = T>,
    close: &str,
) -> fmt::Result {
    f.write_str(open)?;
    for (i, item) in items.enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    f.write_str(close)
}

impl fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl PartialEq for Value<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.to_owned_value() == other.to_owned_value()
    }
}

impl PartialEq<OwnedValue> for Value<'_> {
    fn eq(&self, other: &OwnedValue) -> bool {
        &self.to_owned_value() == other
    }
}

impl PartialEq<Value<'_>> for OwnedValue {
    fn eq(&self, other: &Value<'_>) -> bool {
        other == self
    }
}

macro_rules! from_numbers {
    ($variant:ident <- $($t:ty),*) => {$(
        impl From<$t> for Value<'_> {
            fn from(n: $t) -> Self {
                Value::$variant(n.into())
            }
        }
        impl From<$t> for OwnedValue {
            fn from(n: $t) -> Self {
                OwnedValue::$variant(n.into())
            }
        }
    )*};
}

from_numbers!(U64 <- u8, u16, u32, u64);
from_numbers!(I64 <- i8, i16, i32, i64);
from_numbers!(F64 <- f32, f64);

impl From<usize> for Value<'_> {
    fn from(n: usize) -> Self {
        // usize is at most 64 bits on every supported target.
        Value::U64(n as u64)
    }
}

impl From<isize> for Value<'_> {
    fn from(n: isize) -> Self {
        Value::I64(n as i64)
    }
}

impl From<bool> for Value<'_> {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

/// `Some(v)` is `v`'s value, `None` is [`Value::None`]: a key present with no value.
impl<'a, T: Into<Value<'a>>> From<Option<T>> for Value<'a> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Value::None, Into::into)
    }
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(s: &'a str) -> Self {
        Value::Str(s)
    }
}

impl<'a> From<&'a String> for Value<'a> {
    fn from(s: &'a String) -> Self {
        Value::Str(s)
    }
}

impl<'a> From<&'a [u8]> for Value<'a> {
    fn from(b: &'a [u8]) -> Self {
        Value::Bytes(b)
    }
}

impl<'a> From<&'a [Value<'a>]> for Value<'a> {
    fn from(items: &'a [Value<'a>]) -> Self {
        Value::List(items)
    }
}

/// A fieldless enum whose variants are atoms, as `:full | :oauth2`.
///
/// Derive it with `#[derive(Atom)]`; implementing it by hand looks like this:
///
/// ```
/// use telemetry_runtime::{Atom, Value};
/// enum SessionType { Full, Oauth2 }
/// impl Atom for SessionType {
///     const VALUES: &'static [&'static str] = &["full", "oauth2"];
///     fn atom(&self) -> &'static str {
///         match self { SessionType::Full => "full", SessionType::Oauth2 => "oauth2" }
///     }
///     fn from_atom(name: &str) -> Option<Self> {
///         match name { "full" => Some(SessionType::Full), "oauth2" => Some(SessionType::Oauth2), _ => None }
///     }
/// }
/// assert_eq!(Value::from(&SessionType::Oauth2), Value::atom("oauth2"));
/// ```
pub trait Atom: Sized {
    /// Every atom this type can produce, in declaration order.
    const VALUES: &'static [&'static str];
    /// This value's atom name, without the leading `:`.
    fn atom(&self) -> &'static str;
    /// The value with this atom name, if any.
    fn from_atom(name: &str) -> Option<Self>;
}

impl<'a, A: Atom> From<&'a A> for Value<'a> {
    fn from(a: &'a A) -> Self {
        Value::Atom(a.atom())
    }
}

/// An owned [`Value`], as kept by [`capture`](crate::capture()).
#[derive(Clone, PartialEq)]
pub enum OwnedValue {
    /// A key present with no value (`nil`).
    None,
    /// `true` or `false`.
    Bool(bool),
    /// An unsigned integer.
    U64(u64),
    /// A signed integer.
    I64(i64),
    /// A floating-point number.
    F64(f64),
    /// A string.
    Str(String),
    /// An atom.
    Atom(&'static str),
    /// Raw bytes.
    Bytes(Vec<u8>),
    /// A list.
    List(Vec<OwnedValue>),
    /// A tuple.
    Tuple(Vec<OwnedValue>),
    /// The `Debug` form of any other value.
    Debug(String),
}

impl OwnedValue {
    /// An atom value.
    pub const fn atom(name: &'static str) -> Self {
        OwnedValue::Atom(name)
    }

    /// Whether this is the none value (`nil`): the key is present, with no value.
    #[inline]
    pub fn is_none(&self) -> bool {
        matches!(self, OwnedValue::None)
    }

    /// The boolean, if this is one.
    #[inline]
    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            OwnedValue::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The unsigned integer, if this is one (or a non-negative signed one).
    #[inline]
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            OwnedValue::U64(n) => Some(n),
            OwnedValue::I64(n) => u64::try_from(n).ok(),
            _ => None,
        }
    }

    /// The signed integer, if this is one (or an unsigned one that fits).
    #[inline]
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            OwnedValue::I64(n) => Some(n),
            OwnedValue::U64(n) => i64::try_from(n).ok(),
            _ => None,
        }
    }

    /// Any number as a float.
    #[inline]
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            OwnedValue::F64(x) => Some(x),
            OwnedValue::U64(n) => Some(n as f64),
            OwnedValue::I64(n) => Some(n as f64),
            _ => None,
        }
    }

    /// The string, if this is one.
    #[inline]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            OwnedValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The atom's name, if this is an atom.
    #[inline]
    pub fn as_atom(&self) -> Option<&'static str> {
        match *self {
            OwnedValue::Atom(a) => Some(a),
            _ => None,
        }
    }

    /// The bytes, if this is a binary.
    #[inline]
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            OwnedValue::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The elements, if this is a list or a tuple.
    #[inline]
    pub fn as_elements(&self) -> Option<&[OwnedValue]> {
        match self {
            OwnedValue::List(items) | OwnedValue::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// The name of this value's kind (`"u64"`, `"string"`, `"atom"`, ...), for assertions
    /// and reports.
    pub fn kind(&self) -> &'static str {
        match self {
            OwnedValue::None => "nil",
            OwnedValue::Bool(_) => "bool",
            OwnedValue::U64(_) => "u64",
            OwnedValue::I64(_) => "i64",
            OwnedValue::F64(_) => "f64",
            OwnedValue::Str(_) => "string",
            OwnedValue::Atom(_) => "atom",
            OwnedValue::Bytes(_) => "bytes",
            OwnedValue::List(_) => "list",
            OwnedValue::Tuple(_) => "tuple",
            OwnedValue::Debug(_) => "debug",
        }
    }
}

impl fmt::Display for OwnedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OwnedValue::None => f.write_str("nil"),
            OwnedValue::Bool(b) => write!(f, "{b}"),
            OwnedValue::U64(n) => write!(f, "{n}"),
            OwnedValue::I64(n) => write!(f, "{n}"),
            OwnedValue::F64(x) => write!(f, "{x:?}"),
            OwnedValue::Str(s) => write!(f, "{s:?}"),
            OwnedValue::Atom(a) => write!(f, ":{a}"),
            OwnedValue::Bytes(b) => write_sequence(f, "<<", b.iter(), ">>"),
            OwnedValue::List(items) => write_sequence(f, "[", items.iter(), "]"),
            OwnedValue::Tuple(items) => write_sequence(f, "{", items.iter(), "}"),
            OwnedValue::Debug(d) => f.write_str(d),
        }
    }
}

impl fmt::Debug for OwnedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl OwnedValue {
    /// A borrowed view. Lists and tuples are shown through [`Value::Debug`], which
    /// prints them in the same Erlang syntax.
    pub fn as_value(&self) -> Value<'_> {
        match self {
            OwnedValue::None => Value::None,
            OwnedValue::Bool(b) => Value::Bool(*b),
            OwnedValue::U64(n) => Value::U64(*n),
            OwnedValue::I64(n) => Value::I64(*n),
            OwnedValue::F64(x) => Value::F64(*x),
            OwnedValue::Str(s) => Value::Str(s),
            OwnedValue::Atom(a) => Value::Atom(a),
            OwnedValue::Bytes(b) => Value::Bytes(b),
            OwnedValue::List(_) | OwnedValue::Tuple(_) | OwnedValue::Debug(_) => Value::Debug(self),
        }
    }
}

impl From<usize> for OwnedValue {
    fn from(n: usize) -> Self {
        OwnedValue::U64(n as u64)
    }
}

impl From<bool> for OwnedValue {
    fn from(b: bool) -> Self {
        OwnedValue::Bool(b)
    }
}

impl From<&str> for OwnedValue {
    fn from(s: &str) -> Self {
        OwnedValue::Str(s.to_owned())
    }
}

impl<T: Into<OwnedValue>> From<Option<T>> for OwnedValue {
    fn from(value: Option<T>) -> Self {
        value.map_or(OwnedValue::None, Into::into)
    }
}

impl From<String> for OwnedValue {
    fn from(s: String) -> Self {
        OwnedValue::Str(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_uses_erlang_term_syntax() {
        let items = [Value::from(1u8), Value::from("a")];
        assert_eq!(Value::List(&items).to_string(), "[1, \"a\"]");
        assert_eq!(Value::Bytes(&[1, 2]).to_string(), "<<1, 2>>");
        assert_eq!(Value::from(1.5f64).to_string(), "1.5");
    }

    #[test]
    fn owned_copies_compare_equal_to_their_source() {
        let parts = [Value::atom("ref_store_disk"), Value::atom("write")];
        let tuple = Value::Tuple(&parts);
        assert_eq!(tuple, tuple.to_owned_value());
        assert_eq!(
            tuple.to_owned_value(),
            OwnedValue::Tuple(vec![
                OwnedValue::atom("ref_store_disk"),
                OwnedValue::atom("write")
            ])
        );
    }

    #[test]
    fn integer_accessors_convert_only_when_lossless() {
        assert_eq!(Value::from(-1i64).as_u64(), None);
        assert_eq!(Value::from(7i64).as_u64(), Some(7));
        assert_eq!(Value::from(u64::MAX).as_i64(), None);
        assert_eq!(Value::from("7").as_u64(), None);
    }

    #[test]
    fn none_is_shown_as_nil_and_survives_an_owned_copy() {
        assert_eq!(Value::None.to_string(), "nil");
        assert_eq!(format!("{:?}", OwnedValue::None), "nil");
        assert_eq!(Value::None.to_owned_value(), OwnedValue::None);
        assert!(OwnedValue::None.as_value().is_none());
        assert_eq!(OwnedValue::None.kind(), "nil");
    }

    #[test]
    fn none_is_no_other_kind_of_value() {
        let none = Value::None;
        assert_eq!(none.as_str(), None);
        assert_eq!(none.as_u64(), None);
        assert_eq!(none.as_bool(), None);
        assert!(
            !Value::Str("nil").is_none(),
            "the string \"nil\" is a string"
        );
        assert_ne!(Value::Str("nil"), Value::None);
    }

    #[test]
    fn an_option_converts_to_its_value_or_to_none() {
        assert_eq!(Value::from(Some(3u64)), Value::U64(3));
        assert!(Value::from(None::<u64>).is_none());
        assert!(OwnedValue::from(None::<String>).is_none());
    }

    #[test]
    fn debug_fallback_formats_the_value() {
        let v = vec![1, 2];
        assert_eq!(
            Value::Debug(&v).to_owned_value(),
            OwnedValue::Debug("[1, 2]".into())
        );
    }
}
