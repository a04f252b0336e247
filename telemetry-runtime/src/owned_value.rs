//! The owned counterpart of [`Value`], as kept by captures and reporters.

use std::fmt;

use crate::value::{Value, write_sequence};

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

impl Value<'_> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn none_is_shown_as_nil_and_survives_an_owned_copy() {
        assert_eq!(Value::None.to_string(), "nil");
        assert_eq!(format!("{:?}", OwnedValue::None), "nil");
        assert_eq!(Value::None.to_owned_value(), OwnedValue::None);
        assert!(OwnedValue::None.as_value().is_none());
        assert_eq!(OwnedValue::None.kind(), "nil");
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
