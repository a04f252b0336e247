//! What a span's closure may return to add stop metadata: [`Spanned`], the Rust form of
//! exgit's `{:span, result, extra}`, whose extras either borrow their values
//! ([`fields!`](crate::fields!)) or own them ([`owned_fields!`](crate::owned_fields!)).

use crate::convert::ToValue;
use crate::fields::Field;

/// A span's result together with extra stop metadata: the Rust form of exgit's
/// `{:span, result, extra}`. The result is returned to the caller unchanged and the
/// extras are merged into the stop event's metadata.
///
/// ```
/// use telemetry_runtime::{capture, fields, spanned, Spanned};
/// let captured = capture(|| {
///     spanned(&["exgit", "pack", "parse"], &fields!(byte_size = 1024u64), || {
///         let objects = 12u64;
///         Spanned::new(objects, fields!(object_count = objects))
///     })
/// });
/// assert_eq!(captured.result, Ok(12));
/// let stop = &captured.events[1];
/// assert_eq!(stop.name().as_str(), "exgit.pack.parse.stop");
/// assert_eq!(stop.metadata_keys(), ["byte_size", "object_count"]);
/// ```
///
/// Extras computed inside the closure (a `String`, a `Vec<u8>` such as a SHA) are
/// returned by value with [`owned_fields!`](crate::owned_fields!).
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T, E> {
    pub(crate) result: T,
    pub(crate) extra: E,
}

impl<T, E> Spanned<T, E> {
    /// `result` for the caller, `extra` for the stop event: anything that is
    /// [`StopExtra`] (an array from [`fields!`](crate::fields!), a `Vec<Field>`, a slice,
    /// or [`OwnedFields`] from [`owned_fields!`](crate::owned_fields!)).
    pub fn new(result: T, extra: E) -> Self {
        Spanned { result, extra }
    }

    /// The result and the extras.
    pub fn into_parts(self) -> (T, E) {
        (self.result, self.extra)
    }
}

/// Extra stop metadata, viewed as fields for the duration of the stop event.
pub trait StopExtra {
    /// Calls `f` with the extras as fields, built on the stack.
    fn with_fields<R>(&self, f: impl FnOnce(&[Field<'_>]) -> R) -> R;
}

/// Borrowed extras: arrays from [`fields!`](crate::fields!), vectors and slices of fields.
impl<'e, T: AsRef<[Field<'e>]> + ?Sized> StopExtra for T {
    #[inline]
    fn with_fields<R>(&self, f: impl FnOnce(&[Field<'_>]) -> R) -> R {
        f(self.as_ref())
    }
}

/// Extras that own their values: a tuple of `(key, value)` pairs whose values are
/// [`ToValue`]. Build it with [`owned_fields!`](crate::owned_fields!).
///
/// The values move with the [`Spanned`] out of the closure and are dropped right after
/// the stop event: nothing is copied, nothing leaks, and nothing is done with them when
/// nobody listens to the span.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnedFields<T>(T);

impl<T: FieldTuple> OwnedFields<T> {
    /// Extras owning the values of `pairs`, a tuple of `(key, value)` pairs.
    pub fn new(pairs: T) -> Self {
        OwnedFields(pairs)
    }

    /// The pairs, for the caller that wants its values back.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: FieldTuple> StopExtra for OwnedFields<T> {
    #[inline]
    fn with_fields<R>(&self, f: impl FnOnce(&[Field<'_>]) -> R) -> R {
        self.0.with_fields(f)
    }
}

/// A tuple of `(key, value)` pairs viewed as fields: implemented for tuples of up to
/// twelve pairs whose values are [`ToValue`].
pub trait FieldTuple {
    /// Calls `f` with the pairs as fields, built on the stack.
    fn with_fields<R>(&self, f: impl FnOnce(&[Field<'_>]) -> R) -> R;
}

macro_rules! field_tuples {
    ($(($($v:ident $i:tt),*))*) => {$(
        impl<$($v: ToValue),*> FieldTuple for ($((&'static str, $v),)*) {
            #[inline]
            fn with_fields<R>(&self, f: impl FnOnce(&[Field<'_>]) -> R) -> R {
                f(&[$(Field { key: self.$i.0, value: self.$i.1.to_value() }),*])
            }
        }
    )*};
}

field_tuples! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F 5)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11)
}

/// Builds [`OwnedFields`]: stop extras that own their values, for a [`Spanned`] whose
/// extras are computed inside the closure.
///
/// Keys are identifiers or string literals; values are anything [`ToValue`] (`String`,
/// `Vec<u8>`, integers, ...), moved in.
///
/// ```
/// use telemetry_runtime::{capture, fields, owned_fields, spanned, Spanned};
/// let captured = capture(|| {
///     spanned(&["exgit", "object_store", "put"], &fields!(kind = "blob"), || {
///         let sha: Vec<u8> = vec![0xab; 20]; // computed inside the span
///         let name = format!("objects/{:02x}", sha[0]);
///         Spanned::new((), owned_fields!(sha = sha, path = name, "stored?" = true))
///     })
/// });
/// let stop = &captured.events[1];
/// assert_eq!(stop.meta("sha").and_then(|v| v.as_bytes()), Some(&[0xab; 20][..]));
/// assert_eq!(stop.meta("path").and_then(|v| v.as_str()), Some("objects/ab"));
/// ```
#[macro_export]
macro_rules! owned_fields {
    ($($key:tt = $value:expr),+ $(,)?) => {
        $crate::OwnedFields::new(($(($crate::owned_fields!(@key $key), $value),)+))
    };
    (@key $key:ident) => { stringify!($key) };
    (@key $key:literal) => { $key };
}
