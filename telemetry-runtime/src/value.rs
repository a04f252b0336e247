//! Metadata and measurement values: a small borrowed enum for the hot path (its owned
//! counterpart for captured events is in `owned_value.rs`).

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
// Every payload at offset 8 (a `bool` too), so that copying a value copies no byte of
// padding one by one.
#[repr(C, u8)]
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

pub(crate) fn write_sequence<T: fmt::Display>(
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

macro_rules! from_numbers {
    ($variant:ident <- $($t:ty),*) => {$(
        impl From<$t> for Value<'_> {
            fn from(n: $t) -> Self {
                Value::$variant(n.into())
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
    /// The variant of each of `VALUES`, for compile errors; filled in by
    /// `#[derive(Atom)]`, empty otherwise.
    #[doc(hidden)]
    const VARIANTS: &'static [&'static str] = &[];
}

impl<'a, A: Atom> From<&'a A> for Value<'a> {
    fn from(a: &'a A) -> Self {
        Value::Atom(a.atom())
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
    fn integer_accessors_convert_only_when_lossless() {
        assert_eq!(Value::from(-1i64).as_u64(), None);
        assert_eq!(Value::from(7i64).as_u64(), Some(7));
        assert_eq!(Value::from(u64::MAX).as_i64(), None);
        assert_eq!(Value::from("7").as_u64(), None);
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
}
