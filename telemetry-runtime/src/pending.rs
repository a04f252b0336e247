//! Where `stop!` values of a lazy span go while its code runs.
//!
//! A lazy span's `stop!` sits in closures that outlive the call that started the span,
//! so they cannot point at the span's storage, which moves with the iterator. Instead,
//! whoever runs the span's code (its body, then each `next` or `poll_next`) opens a
//! [`Recording`] on the thread; `stop!` appends to the thread's scratch list, and the
//! recording moves what its span's code appended into the span when that code returns.
//! If the code panics, the recording's guard discards it. Nothing outlives the call, so
//! nothing can leak, and the scratch list keeps its capacity: no allocation per call.

use std::cell::{Cell, RefCell};
use std::marker::PhantomData;

use crate::context::SpanId;
use crate::kept::KeptValue;
use crate::value::Value;

thread_local! {
    static SCRATCH: RefCell<Vec<(SpanId, &'static str, KeptValue)>> = const { RefCell::new(Vec::new()) };
    static OPEN: Cell<usize> = const { Cell::new(0) };
}

/// A span that keeps the `stop!` values recorded for it.
pub(crate) trait KeepsStopValues {
    /// Keeps `key = value`; a later value for the same key wins.
    fn keep_stop_value(&mut self, key: &'static str, value: KeptValue);
}

/// Records `key = value` for `span`, if some code of a span runs on this thread under a
/// [`Recording`]; otherwise there is nobody to keep it and it is dropped.
pub(crate) fn record(span: SpanId, key: &'static str, value: Value<'_>) {
    if OPEN.try_with(Cell::get).unwrap_or(0) == 0 {
        return;
    }
    let _ = SCRATCH.try_with(|scratch| {
        let Ok(mut scratch) = scratch.try_borrow_mut() else {
            return;
        };
        // A later value replaces the earlier one in place, so a step that sets a key a
        // million times keeps one entry, not a million.
        let value = KeptValue::keep(value);
        match scratch
            .iter_mut()
            .rev()
            .find(|(s, k, _)| *s == span && *k == key)
        {
            Some(entry) => entry.2 = value,
            None => scratch.push((span, key, value)),
        }
    });
}

/// Collects the values recorded for one span while its code runs on this thread.
pub(crate) struct Recording {
    span: SpanId,
    mark: usize,
    /// Opened and finished on one thread, within one call.
    _not_send: PhantomData<*const ()>,
}

impl Recording {
    /// Starts collecting for `span`.
    pub(crate) fn begin(span: SpanId) -> Self {
        let _ = OPEN.try_with(|open| open.set(open.get() + 1));
        // Without the scratch list (thread teardown), the recording collects nothing.
        let mark = SCRATCH
            .try_with(|scratch| scratch.try_borrow().map_or(usize::MAX, |s| s.len()))
            .unwrap_or(usize::MAX);
        Recording {
            span,
            mark,
            _not_send: PhantomData,
        }
    }

    /// Moves what was recorded for the span into `keeper`; values recorded meanwhile for
    /// other spans (by code that outlived its own) are dropped.
    pub(crate) fn finish(self, keeper: &mut impl KeepsStopValues) {
        let _ = SCRATCH.try_with(|scratch| {
            if let Ok(mut scratch) = scratch.try_borrow_mut()
                && scratch.len() > self.mark
            {
                for (span, key, value) in scratch.drain(self.mark..) {
                    if span == self.span {
                        keeper.keep_stop_value(key, value);
                    }
                }
            }
        });
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        let mark = self.mark;
        let _ = SCRATCH.try_with(|scratch| {
            if let Ok(mut scratch) = scratch.try_borrow_mut() {
                scratch.truncate(mark);
            }
        });
        let _ = OPEN.try_with(|open| open.set(open.get().saturating_sub(1)));
    }
}
