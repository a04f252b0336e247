//! Metadata built on the stack when optional keys may be absent.

use crate::fields::Field;
use crate::value::Value;

const UNSET: Field<'static> = Field {
    key: "",
    value: Value::Bool(false),
};

/// Up to `N` fields on the stack, for metadata whose optional keys may be absent.
pub struct FieldBuf<'a, const N: usize> {
    fields: [Field<'a>; N],
    len: usize,
}

impl<'a, const N: usize> FieldBuf<'a, N> {
    /// An empty buffer.
    #[inline]
    pub const fn new() -> Self {
        FieldBuf {
            fields: [UNSET; N],
            len: 0,
        }
    }

    /// Appends a field; the macros never push more than `N`.
    #[inline]
    pub fn push(&mut self, key: &'a str, value: Value<'a>) {
        if let Some(slot) = self.fields.get_mut(self.len) {
            *slot = Field { key, value };
            self.len += 1;
        }
    }

    /// The fields pushed so far.
    #[inline]
    pub fn as_slice(&self) -> &[Field<'a>] {
        &self.fields[..self.len]
    }
}

impl<'a, const N: usize> AsRef<[Field<'a>]> for FieldBuf<'a, N> {
    #[inline]
    fn as_ref(&self) -> &[Field<'a>] {
        self.as_slice()
    }
}

impl<const N: usize> Default for FieldBuf<'_, N> {
    fn default() -> Self {
        Self::new()
    }
}
