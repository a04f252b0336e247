//! Support for the code the macros generate. Not a public API: names and signatures may
//! change in any release.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll};

use crate::dispatch::panic_message;
use crate::fields::Field;
use crate::span::{ActiveSpan, PANIC};
use crate::value::{OwnedValue, Value};

pub use crate::convert::{FromValue, ToValue};

/// Whether every atom of an enum is among the values a closed atom key declares.
pub const fn atoms_within(atoms: &[&str], declared: &[&str]) -> bool {
    let mut i = 0;
    while i < atoms.len() {
        let mut found = false;
        let mut j = 0;
        while j < declared.len() {
            if str_eq(atoms[i], declared[j]) {
                found = true;
            }
            j += 1;
        }
        if !found {
            return false;
        }
        i += 1;
    }
    true
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

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

impl<const N: usize> Default for FieldBuf<'_, N> {
    fn default() -> Self {
        Self::new()
    }
}

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

/// Runs the body of a `#[span]` function: with the span current, turning a panic into
/// the exception event before it resumes.
#[inline]
pub fn run_sync<R>(span: &mut Option<ActiveSpan<'_>>, body: impl FnOnce() -> R) -> R {
    let Some(active) = span.as_ref() else {
        return body();
    };
    let outcome = {
        let _entered = active.enter();
        catch_unwind(AssertUnwindSafe(body))
    };
    match outcome {
        Ok(result) => result,
        Err(payload) => {
            if let Some(active) = span.take() {
                active.exception(PANIC, panic_message(&*payload));
            }
            resume_unwind(payload)
        }
    }
}

/// The body of an `async fn` span: polled with the span current, a panic turned into
/// the exception event. Dropping the future before it completes drops the span, which
/// then emits the exception event with `kind` = `cancelled`.
pub struct Instrumented<'s, 'a, F: ?Sized> {
    inner: Pin<&'s mut F>,
    span: &'s mut Option<ActiveSpan<'a>>,
}

impl<'s, 'a, F: ?Sized> Instrumented<'s, 'a, F> {
    /// Instruments a pinned future.
    pub fn new(inner: Pin<&'s mut F>, span: &'s mut Option<ActiveSpan<'a>>) -> Self {
        Instrumented { inner, span }
    }
}

impl<F: Future + ?Sized> Future for Instrumented<'_, '_, F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let Some(active) = this.span.as_ref() else {
            return this.inner.as_mut().poll(cx);
        };
        let outcome = {
            let _entered = active.enter();
            catch_unwind(AssertUnwindSafe(|| this.inner.as_mut().poll(cx)))
        };
        match outcome {
            Ok(poll) => poll,
            Err(payload) => {
                if let Some(active) = this.span.take() {
                    active.exception(PANIC, panic_message(&*payload));
                }
                resume_unwind(payload)
            }
        }
    }
}
