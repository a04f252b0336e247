//! Running the body of a `#[span]` function, sync or async, with its span current.

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::dispatch::{drop_payload, panic_message};
use crate::fields::Field;
use crate::slot::SpanSlots;
use crate::span::{ActiveSpan, PANIC, run_entered};
use crate::static_span::StaticOpened;
use crate::stop_values::{BodyStop, SpanStop, StopKeys};

/// Runs the body of a `#[span]` function whose slots were not idle: out of line, so that
/// the function itself only tests the slots' state and calls its body when nobody listens
/// (no frame for the span, no clock read).
///
/// When somebody listens, the span starts with the metadata `start` builds (borrowing the
/// function's arguments), `body` runs with the span current (a panic becomes the
/// exception event, then resumes) and the span ends with the stop event: `start`'s
/// metadata, built again from the same borrows, merged with the `stop!` values the body
/// recorded. Otherwise (a first use that found nobody listening) `body` runs without a
/// span. While the body runs, this frame keeps only the span's identity, the context to
/// restore and the `stop!` values (plus `catch_unwind`'s frames): the start metadata is
/// not kept, so that deep recursion through instrumented functions costs about 200 bytes
/// of stack per level in a release build (see the `span` module's "Stack").
#[inline(never)]
pub fn run_span<'a, S: AsRef<[Field<'a>]>, const N: usize, R>(
    slots: &'static SpanSlots,
    stop_keys: &'static StopKeys,
    body: impl FnOnce(SpanStop<'_, N>) -> R,
    start: impl Fn() -> S,
) -> R {
    // Borrowed where the callee built it: moving it out would copy it, and the copy's
    // room would stay in this frame.
    let mut running = Running::<N>::start(slots, &start);
    let Some(running) = running.as_mut() else {
        return body(SpanStop::IDLE);
    };
    let outcome = {
        let values = &running.values;
        catch_unwind(AssertUnwindSafe(|| body(values.handle())))
    };
    match outcome {
        Ok(result) => {
            running.stop(slots, stop_keys, &start);
            result
        }
        Err(payload) => running.panicked(slots, &start, payload),
    }
}

/// Runs the body of a `#[span]` function whose slots are idle: without a span, its
/// `stop!` calls doing nothing.
#[inline(always)]
pub fn run_idle<const N: usize, R>(body: impl FnOnce(SpanStop<'_, N>) -> R) -> R {
    body(SpanStop::IDLE)
}

/// What a synchronous span keeps while its body runs: when it started, its lineage
/// (whose parent is the context to restore) and the `stop!` values. Starting and ending
/// are out of line, so that their temporaries (the start metadata, the events) take no
/// room in the frame that stays on the stack while the body runs, nested spans included.
struct Running<const N: usize> {
    span: StaticOpened,
    values: BodyStop<N>,
}

impl<const N: usize> Running<N> {
    /// Starts the span, or `None` when nobody listens after all (its first use).
    #[inline(never)]
    fn start<'a, S: AsRef<[Field<'a>]>>(
        slots: &'static SpanSlots,
        start: &impl Fn() -> S,
    ) -> Option<Self> {
        if !slots.is_enabled() {
            return None;
        }
        Some(Running {
            span: StaticOpened::start_current(slots, start().as_ref()),
            values: BodyStop::new(),
        })
    }

    /// Ends the span with the stop event, its context no longer current.
    #[inline(never)]
    fn stop<'a, S: AsRef<[Field<'a>]>>(
        &mut self,
        slots: &'static SpanSlots,
        stop_keys: &StopKeys,
        start: &impl Fn() -> S,
    ) {
        self.span.restore_parent();
        let span = &self.span;
        match catch_unwind(AssertUnwindSafe(start)) {
            Ok(start) => self.values.stop(stop_keys, slots, |extra| {
                span.stop(slots, start.as_ref(), extra);
            }),
            // The start metadata built once and failed the second time (a conversion
            // that panics): the span still ends, with the exception event, and the panic
            // reaches the caller as a panic of the function would.
            Err(payload) => {
                span.exception(slots, &[], PANIC, panic_message(&*payload));
                resume_unwind(payload)
            }
        }
    }

    /// Ends the span with the exception event, its context no longer current, and
    /// resumes the panic.
    #[cold]
    #[inline(never)]
    fn panicked<'a, S: AsRef<[Field<'a>]>>(
        &self,
        slots: &'static SpanSlots,
        start: &impl Fn() -> S,
        payload: Box<dyn Any + Send>,
    ) -> ! {
        self.span.restore_parent();
        let reason = panic_message(&*payload);
        match catch_unwind(AssertUnwindSafe(start)) {
            Ok(start) => self.span.exception(slots, start.as_ref(), PANIC, reason),
            // The body's panic is the one the caller sees; the conversion's is dropped
            // without letting a panicking payload escape.
            Err(nested) => {
                drop_payload(nested);
                self.span.exception(slots, &[], PANIC, reason);
            }
        }
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
