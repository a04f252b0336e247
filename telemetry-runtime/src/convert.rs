//! Conversions between Rust types and [`Value`]s, used by the typed emitters the macros
//! generate (`ToValue`) and by typed handlers (`FromValue`).

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use crate::value::Value;

/// A Rust type that can be a metadata or measurement value.
///
/// Implemented for booleans, integers, floats, strings, byte strings, [`Value`] itself,
/// and (through `#[derive(Atom)]`) atom enums. Implement it for your own types to use
/// them as `any`, list, tuple or union keys:
///
/// ```
/// use telemetry_runtime::{ToValue, Value};
/// /// exgit's `source`: a URL, or `{:ref_store_disk, operation}`.
/// enum Source<'a> { Url(&'a str), RefStoreDisk(&'static [Value<'static>; 2]) }
/// impl ToValue for Source<'_> {
///     fn to_value(&self) -> Value<'_> {
///         match self {
///             Source::Url(url) => Value::Str(url),
///             Source::RefStoreDisk(tuple) => Value::Tuple(*tuple),
///         }
///     }
/// }
/// static WRITE: [Value<'static>; 2] = [Value::atom("ref_store_disk"), Value::atom("write")];
/// assert_eq!(Source::RefStoreDisk(&WRITE).to_value().to_string(), "{:ref_store_disk, :write}");
/// ```
pub trait ToValue {
    /// The value, borrowing from `self`.
    fn to_value(&self) -> Value<'_>;
}

/// A Rust type that can be read back from a [`Value`], for typed handlers.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read back from an event, so typed handlers cannot receive \
               the struct that holds it",
    label = "a typed handler needs every field of the struct read back from the event",
    note = "a field that borrows must borrow for the struct's lifetime parameter \
            (`struct E<'a> {{ name: &'a str }}`); a type of your own implements `FromValue`; \
            the struct still emits, and generic handlers (`attach`) receive its event"
)]
pub trait FromValue<'a>: Sized {
    /// The typed value, or `None` when `value` has another shape.
    fn from_value(value: Value<'a>) -> Option<Self>;
}

impl<T: ToValue + ?Sized> ToValue for &T {
    #[inline]
    fn to_value(&self) -> Value<'_> {
        (**self).to_value()
    }
}

impl<T: ToValue + ?Sized> ToValue for Box<T> {
    #[inline]
    fn to_value(&self) -> Value<'_> {
        (**self).to_value()
    }
}

impl<T: ToValue + ?Sized> ToValue for Arc<T> {
    #[inline]
    fn to_value(&self) -> Value<'_> {
        (**self).to_value()
    }
}

impl<T: ToValue + ?Sized> ToValue for Rc<T> {
    #[inline]
    fn to_value(&self) -> Value<'_> {
        (**self).to_value()
    }
}

macro_rules! numbers {
    ($variant:ident, $wide:ty: $($t:ty),*) => {$(
        impl ToValue for $t {
            #[inline]
            fn to_value(&self) -> Value<'_> {
                Value::from(*self)
            }
        }
        impl FromValue<'_> for $t {
            #[inline]
            fn from_value(value: Value<'_>) -> Option<Self> {
                match value {
                    Value::$variant(n) => <$t>::try_from(n).ok(),
                    _ => None,
                }
            }
        }
    )*};
}

numbers!(U64, u64: u8, u16, u32, u64, usize);
numbers!(I64, i64: i8, i16, i32, i64, isize);

impl ToValue for f64 {
    #[inline]
    fn to_value(&self) -> Value<'_> {
        Value::F64(*self)
    }
}

impl ToValue for f32 {
    #[inline]
    fn to_value(&self) -> Value<'_> {
        Value::F64(f64::from(*self))
    }
}

impl FromValue<'_> for f64 {
    #[inline]
    fn from_value(value: Value<'_>) -> Option<Self> {
        match value {
            Value::F64(x) => Some(x),
            _ => None,
        }
    }
}

impl FromValue<'_> for f32 {
    #[inline]
    fn from_value(value: Value<'_>) -> Option<Self> {
        match value {
            // Narrowing is what the field's type asks for.
            Value::F64(x) => Some(x as f32),
            _ => None,
        }
    }
}

impl ToValue for bool {
    #[inline]
    fn to_value(&self) -> Value<'_> {
        Value::Bool(*self)
    }
}

impl FromValue<'_> for bool {
    #[inline]
    fn from_value(value: Value<'_>) -> Option<Self> {
        value.as_bool()
    }
}

impl ToValue for str {
    #[inline]
    fn to_value(&self) -> Value<'_> {
        Value::Str(self)
    }
}

impl ToValue for String {
    #[inline]
    fn to_value(&self) -> Value<'_> {
        Value::Str(self)
    }
}

impl ToValue for Cow<'_, str> {
    #[inline]
    fn to_value(&self) -> Value<'_> {
        Value::Str(self)
    }
}

impl<'a> FromValue<'a> for &'a str {
    #[inline]
    fn from_value(value: Value<'a>) -> Option<Self> {
        value.as_str()
    }
}

impl FromValue<'_> for String {
    #[inline]
    fn from_value(value: Value<'_>) -> Option<Self> {
        value.as_str().map(str::to_owned)
    }
}

impl<'a> FromValue<'a> for Cow<'a, str> {
    #[inline]
    fn from_value(value: Value<'a>) -> Option<Self> {
        value.as_str().map(Cow::Borrowed)
    }
}

impl ToValue for [u8] {
    #[inline]
    fn to_value(&self) -> Value<'_> {
        Value::Bytes(self)
    }
}

impl<const N: usize> ToValue for [u8; N] {
    #[inline]
    fn to_value(&self) -> Value<'_> {
        Value::Bytes(self)
    }
}

impl ToValue for Vec<u8> {
    #[inline]
    fn to_value(&self) -> Value<'_> {
        Value::Bytes(self)
    }
}

impl<'a> FromValue<'a> for &'a [u8] {
    #[inline]
    fn from_value(value: Value<'a>) -> Option<Self> {
        value.as_bytes()
    }
}

impl FromValue<'_> for Vec<u8> {
    #[inline]
    fn from_value(value: Value<'_>) -> Option<Self> {
        value.as_bytes().map(<[u8]>::to_vec)
    }
}

/// `Some(v)` converts like `v`; `None` is [`Value::None`], a key present with no value
/// (an `any` key, or one declared `T | nil`). For an optional key that may be absent
/// instead, the macros push nothing for `None`.
impl<T: ToValue> ToValue for Option<T> {
    #[inline]
    fn to_value(&self) -> Value<'_> {
        self.as_ref().map_or(Value::None, ToValue::to_value)
    }
}

/// [`Value::None`] reads back as `None`; any other value as `T` would read it.
impl<'a, T: FromValue<'a>> FromValue<'a> for Option<T> {
    #[inline]
    fn from_value(value: Value<'a>) -> Option<Self> {
        match value {
            Value::None => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// `()` is the none value, for code that means "no value" without a type.
impl ToValue for () {
    #[inline]
    fn to_value(&self) -> Value<'_> {
        Value::None
    }
}

impl ToValue for Value<'_> {
    #[inline]
    fn to_value(&self) -> Value<'_> {
        *self
    }
}

impl<'a> FromValue<'a> for Value<'a> {
    #[inline]
    fn from_value(value: Value<'a>) -> Option<Self> {
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_read_back_only_when_they_fit() {
        assert_eq!(u8::from_value(Value::U64(255)), Some(255));
        assert_eq!(u8::from_value(Value::U64(256)), None);
        assert_eq!(i64::from_value(Value::U64(1)), None, "the shape must match");
    }

    #[test]
    fn an_option_is_its_value_or_none_and_reads_back() {
        assert_eq!(Some(7u64).to_value(), Value::U64(7));
        assert!(None::<&str>.to_value().is_none());
        assert_eq!(Option::<u64>::from_value(Value::None), Some(None));
        assert_eq!(Option::<u64>::from_value(Value::U64(7)), Some(Some(7)));
        assert_eq!(Option::<u64>::from_value(Value::Str("7")), None);
        assert_eq!(
            u64::from_value(Value::None),
            None,
            "a plain u64 refuses none"
        );
    }

    #[test]
    fn references_and_smart_pointers_convert_like_their_target() {
        let s = String::from("HEAD");
        assert_eq!((&&s).to_value(), Value::Str("HEAD"));
        assert_eq!(Arc::<str>::from("x").to_value(), Value::Str("x"));
        assert_eq!([1u8, 2].to_value(), Value::Bytes(&[1, 2]));
    }
}
