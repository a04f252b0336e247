//! Running the body of a `#[span]` function, sync or async, with its span current.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::lazy::run_recording;
use crate::span::{ActiveSpan, run_entered};

/// Runs the body of a `#[span]` function: with the span current, turning a panic into
/// the exception event before it resumes.
#[inline]
pub fn run_sync<R>(span: &mut Option<ActiveSpan<'_>>, body: impl FnOnce() -> R) -> R {
    if span.as_ref().is_some_and(ActiveSpan::keeps_stop_values) {
        return run_owned_body(span, body);
    }
    run_entered(span, body)
}

/// The body of a lazy span started with `ActiveSpan::start_owned`, which keeps the
/// body's `stop!` values; out of line, so that other spans' frames stay small.
#[inline(never)]
fn run_owned_body<R>(span: &mut Option<ActiveSpan<'_>>, body: impl FnOnce() -> R) -> R {
    run_recording(span, body)
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
        let inner = &mut this.inner;
        run_entered(this.span, || inner.as_mut().poll(cx))
    }
}
