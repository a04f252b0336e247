//! Running the body of a `#[span]` function, sync or async, with its span current.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::fields::Field;
use crate::slot::SpanSlots;
use crate::span::{ActiveSpan, run_entered};
use crate::stop_values::{SpanStop, StopValues};

/// Runs the body of a `#[span]` function whose slots were not idle: out of line, so that
/// the function itself only tests the slots' state and calls its body when nobody listens
/// (no frame for the span, no clock read).
///
/// When somebody listens, `start` builds the start metadata on its own stack and hands it
/// to the [`SpanRun`] it receives, which starts the span, runs `body` with the span
/// current and ends it. Otherwise (a first use that found nobody listening) `body` runs
/// without a span.
#[cold]
#[inline(never)]
pub fn run_span<const N: usize, R, B, S>(
    slots: &'static SpanSlots,
    required: &'static [&'static str],
    body: B,
    start: S,
) -> R
where
    B: FnOnce(SpanStop<'_, N>) -> R,
    S: FnOnce(SpanRun<B, N>) -> R,
{
    if !slots.is_enabled() {
        return body(SpanStop::IDLE);
    }
    start(SpanRun {
        slots,
        required,
        body,
    })
}

/// Runs the body of a `#[span]` function whose slots are idle: without a span, its
/// `stop!` calls doing nothing.
#[inline(always)]
pub fn run_idle<const N: usize, R>(body: impl FnOnce(SpanStop<'_, N>) -> R) -> R {
    body(SpanStop::IDLE)
}

/// A span about to start, with the body it runs: see [`run_span`].
pub struct SpanRun<B, const N: usize> {
    slots: &'static SpanSlots,
    required: &'static [&'static str],
    body: B,
}

impl<B, const N: usize> SpanRun<B, N> {
    /// Starts the span with `start` as its metadata, runs the body with the span current
    /// (a panic becomes the exception event, then resumes) and ends it with the stop
    /// event and the `stop!` values the body recorded.
    pub fn with<R>(self, start: &[Field<'_>]) -> R
    where
        B: FnOnce(SpanStop<'_, N>) -> R,
    {
        let values = StopValues::<N>::requiring(true, self.required);
        let mut span = Some(ActiveSpan::start(self.slots, start));
        let body = self.body;
        let result = run_entered(&mut span, || body(values.handle()));
        values.finish(&mut span);
        result
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
        let inner = &mut this.inner;
        run_entered(this.span, || inner.as_mut().poll(cx))
    }
}
