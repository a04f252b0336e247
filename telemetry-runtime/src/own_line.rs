//! A value alone on its cache line (two lines, for the adjacent-line prefetcher), for
//! the flags every dispatch reads: a write elsewhere, by a thread attaching or detaching
//! in a loop, must not invalidate the line an emitter reads.

use std::ops::Deref;

#[repr(align(128))]
pub(crate) struct OwnLine<T>(T);

impl<T> OwnLine<T> {
    pub(crate) const fn new(value: T) -> Self {
        OwnLine(value)
    }
}

impl<T> Deref for OwnLine<T> {
    type Target = T;

    #[inline(always)]
    fn deref(&self) -> &T {
        &self.0
    }
}
