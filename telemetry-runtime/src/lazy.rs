//! Spans over lazy work: a span that stays open until the iterator a function returned
//! is exhausted or dropped, as exgit's `walk` and `grep` need.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use crate::context::SpanId;
use crate::fields::Field;
use crate::span::{ActiveSpan, run_entered};
use crate::value::{OwnedValue, Value};

/// Stop metadata recorded so far for one span.
type StopFields = Vec<(&'static str, OwnedValue)>;

/// Stop metadata recorded so far, per open lazy span.
static PENDING: Mutex<Option<HashMap<SpanId, StopFields>>> = Mutex::new(None);

fn pending<R>(f: impl FnOnce(&mut HashMap<SpanId, StopFields>) -> R) -> R {
    let mut guard = PENDING.lock().unwrap_or_else(PoisonError::into_inner);
    f(guard.get_or_insert_with(HashMap::new))
}

/// Where `stop!` records stop metadata in a lazy span. It is `Copy`, so the closures of
/// the returned iterator can each capture it; it does nothing when nobody listens.
#[derive(Clone, Copy, Debug)]
pub struct LazyStop {
    span: Option<SpanId>,
}

impl LazyStop {
    /// The handle of `span`, or an inert one when the span is not recorded.
    pub fn of(span: Option<&ActiveSpan<'_>>) -> Self {
        LazyStop {
            span: span.map(|s| s.context().id()),
        }
    }

    /// Whether the values given to [`set`](LazyStop::set) are kept; `stop!` evaluates its
    /// arguments only then.
    #[inline]
    pub fn is_enabled(&self) -> bool {
        self.span.is_some()
    }

    /// Records `key = value` for the stop event; a later value for the same key wins.
    pub fn set(&self, key: &'static str, value: Value<'_>) {
        let Some(id) = self.span else { return };
        let value = value.to_owned_value();
        pending(|all| {
            let values = all.entry(id).or_default();
            match values.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => values.push((key, value)),
            }
        });
    }

    fn take(&self) -> StopFields {
        match self.span {
            Some(id) => pending(|all| all.remove(&id)).unwrap_or_default(),
            None => Vec::new(),
        }
    }
}

/// An iterator that ends its span when it is exhausted or dropped (with the stop event
/// and the stop metadata recorded meanwhile), or when `next` panics (with the exception
/// event). Each call to `next` runs with the span current, so spans started by the
/// iterator's work are its children.
pub struct LazySpan<I> {
    inner: I,
    span: Option<ActiveSpan<'static>>,
    stop: LazyStop,
}

impl<I> LazySpan<I> {
    /// Wraps `inner`, which was produced inside `span`.
    pub fn new(inner: I, span: Option<ActiveSpan<'static>>, stop: LazyStop) -> Self {
        LazySpan { inner, span, stop }
    }

    fn finish(&mut self) {
        if let Some(span) = self.span.take() {
            let values = self.stop.take();
            let fields: Vec<Field<'_>> = values
                .iter()
                .map(|(key, value)| Field {
                    key,
                    value: value.as_value(),
                })
                .collect();
            span.stop(&fields);
        }
    }
}

impl<I: Iterator> Iterator for LazySpan<I> {
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        let inner = &mut self.inner;
        let item = run_entered(&mut self.span, || inner.next());
        if item.is_none() {
            self.finish();
        }
        item
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<I> Drop for LazySpan<I> {
    fn drop(&mut self) {
        // Dropping a partly consumed iterator is ordinary use (`find`, `take`): the
        // operation ended normally, with what it had found so far. After a panic the span
        // has already ended; its pending values are discarded.
        self.finish();
        let _ = self.stop.take();
    }
}
