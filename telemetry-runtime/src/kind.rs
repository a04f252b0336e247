//! The catalogue types, as traits: the macros check that a Rust value's type fits the
//! declared type of its key by requiring one of these (with a message that names the key,
//! its type and the catalogue line when it does not).
//!
//! They are implemented for the standard types. Implement one for your own type, together
//! with [`ToValue`], to use it where that catalogue type is declared:
//!
//! ```
//! use telemetry_runtime::{kind::IsBytes, ToValue, Value};
//! /// A git object id, emitted as its 20 raw bytes for `bytes` keys such as `sha`.
//! pub struct ObjectId([u8; 20]);
//! impl IsBytes for ObjectId {}
//! impl ToValue for ObjectId {
//!     fn to_value(&self) -> Value<'_> {
//!         Value::Bytes(&self.0)
//!     }
//! }
//! ```

use crate::convert::ToValue;
use crate::value::Atom;

macro_rules! kind {
    ($(#[$doc:meta])* $name:ident: $($t:ty),*) => {
        $(#[$doc])*
        pub trait $name {}
        impl<T: $name + ?Sized> $name for &T {}
        $(impl $name for $t {})*
    };
}

kind!(
    /// `bool`.
    IsBool: bool
);
kind!(
    /// `u64`: unsigned integers.
    IsU64: u8, u16, u32, u64, usize
);
kind!(
    /// `i64`: signed integers.
    IsI64: i8, i16, i32, i64, isize
);
kind!(
    /// `f64`: floats.
    IsF64: f32, f64
);
kind!(
    /// `string`: text.
    IsString: str, String, std::borrow::Cow<'_, str>, Box<str>, std::sync::Arc<str>, std::rc::Rc<str>
);
kind!(
    /// `bytes`: byte strings.
    IsBytes: [u8], Vec<u8>
);
impl<const N: usize> IsBytes for [u8; N] {}

/// `atom`: enums deriving `Atom`.
pub trait IsAtom {}
impl<T: Atom> IsAtom for T {}

/// `any`, lists, tuples and unions: anything that converts into a value.
pub trait IsValue {}
impl<T: ToValue + ?Sized> IsValue for T {}
