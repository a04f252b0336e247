//! Running the body of a `#[span]` function, sync or async, with its span current.

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::context::Entered;
use crate::dispatch::panic_message;
use crate::field_buf::FieldBuf;
use crate::fields::Field;
use crate::slot::SpanSlots;
use crate::span::{ActiveSpan, PANIC, run_entered};
use crate::stop_values::{SpanStop, StopValues};

/// Runs the body of a `#[span]` function whose slots were not idle: out of line, so that
/// the function itself only tests the slots' state and calls its body when nobody listens
/// (no frame for the span, no clock read).
///
/// When somebody listens, `start` builds the start metadata (borrowing the function's
/// arguments), the span starts, `body` runs with the span current (a panic becomes the
/// exception event, then resumes) and the span ends with the stop event and the `stop!`
/// values the body recorded. Otherwise (a first use that found nobody listening) `body`
/// runs without a span. While the body runs, this frame (and `catch_unwind`'s) is all the
/// span keeps on the stack.
#[inline(never)]
pub fn run_span<'a, const M: usize, const N: usize, R>(
    slots: &'static SpanSlots,
    required: &'static [&'static str],
    body: impl FnOnce(SpanStop<'_, N>) -> R,
    start: impl FnOnce() -> FieldBuf<'a, M>,
) -> R {
    if !slots.is_enabled() {
        return body(SpanStop::IDLE);
    }
    let start = start();
    let mut running = Running::<N>::start(slots, required, start.as_slice());
    let values = &running.values;
    match catch_unwind(AssertUnwindSafe(|| body(values.handle()))) {
        Ok(result) => {
            running.finish();
            result
        }
        Err(payload) => running.panicked(payload),
    }
}

/// Runs the body of a `#[span]` function whose slots are idle: without a span, its
/// `stop!` calls doing nothing.
#[inline(always)]
pub fn run_idle<const N: usize, R>(body: impl FnOnce(SpanStop<'_, N>) -> R) -> R {
    body(SpanStop::IDLE)
}

/// What a synchronous span keeps while its body runs: the span, current on the thread,
/// and its `stop!` values. Starting and ending it are out of line, so that their
/// temporaries (the start and stop events) take no room in the frame that stays on the
/// stack while the body runs, nested spans included.
struct Running<'a, const N: usize> {
    span: ActiveSpan<'a>,
    entered: Option<Entered>,
    values: StopValues<N>,
}

impl<'a, const N: usize> Running<'a, N> {
    #[inline(never)]
    fn start(
        slots: &'static SpanSlots,
        required: &'static [&'static str],
        start: &'a [Field<'a>],
    ) -> Self {
        let span = ActiveSpan::start(slots, start);
        let entered = span.enter();
        Running {
            span,
            entered: Some(entered),
            values: StopValues::requiring(true, required),
        }
    }

    /// Ends the span with the stop event, its context no longer current.
    #[inline(never)]
    fn finish(&mut self) {
        self.entered = None;
        self.values.stop_owned(&mut self.span);
    }

    /// Ends the span with the exception event, its context no longer current, and
    /// resumes the panic.
    #[cold]
    #[inline(never)]
    fn panicked(&mut self, payload: Box<dyn Any + Send>) -> ! {
        self.entered = None;
        self.span
            .exception_in_place(PANIC, panic_message(&*payload));
        resume_unwind(payload)
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
