//! The stop-only metadata of a `#[span]` function, kept from `stop!` until the span ends.

use std::sync::{Mutex, PoisonError};

use crate::field_buf::FieldBuf;
use crate::span::ActiveSpan;
use crate::value::{OwnedValue, Value};

/// The stop-only metadata a `#[span]` function sets with `stop!`, kept until it returns.
/// Values are owned because they may borrow locals that end before the span does; the
/// lock (uncontended, taken only when somebody listens) keeps an `async fn`'s future
/// `Send`.
pub struct StopValues<const N: usize> {
    enabled: bool,
    /// Filled on the first `set`, so that a span nobody listens to initialises nothing.
    values: Mutex<Option<[Option<StopValue>; N]>>,
}

/// One recorded stop key and its value.
type StopValue = (&'static str, OwnedValue);

impl<const N: usize> StopValues<N> {
    /// Storage that keeps values only when `enabled` (somebody listens to the span).
    #[inline]
    pub fn new(enabled: bool) -> Self {
        StopValues {
            enabled,
            values: Mutex::new(None),
        }
    }

    /// Whether `stop!` should evaluate and keep its values.
    #[inline]
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Records the stop key number `index`; a later value wins.
    pub fn set(&self, index: usize, key: &'static str, value: Value<'_>) {
        let mut values = self.values.lock().unwrap_or_else(PoisonError::into_inner);
        let values = values.get_or_insert([const { None }; N]);
        if let Some(slot) = values.get_mut(index) {
            *slot = Some((key, value.to_owned_value()));
        }
    }

    /// Ends `span` (if any) with the stop event carrying the recorded values.
    #[inline]
    pub fn finish(&self, span: &mut Option<ActiveSpan<'_>>) {
        if let Some(span) = span.take() {
            self.stop(span);
        }
    }

    fn stop(&self, span: ActiveSpan<'_>) {
        let values = self.values.lock().unwrap_or_else(PoisonError::into_inner);
        let mut fields = FieldBuf::<N>::new();
        for (key, value) in values.iter().flatten().flatten() {
            fields.push(key, value.as_value());
        }
        span.stop(fields.as_slice());
    }
}
