//! Spans over lazy work: a span that stays open until the iterator (or stream) a
//! function returned is exhausted or dropped, as exgit's `walk` and `grep` need.
//!
//! The span owns everything it repeats at its end: its start metadata and the `stop!`
//! values recorded so far ([`OwnedSpan`], inline, no allocation for scalars and short
//! strings). `stop!` reaches it through the thread's recording (see `pending.rs`), never
//! through a global table: a span that ends, however it ends, takes its values with it.

use std::fmt::{self, Write as _};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::context::{SpanContext, SpanId};
use crate::kept::{KeptFields, KeptValue};
use crate::pending::{self, KeepsStopValues, Recording};
use crate::slot::SpanSlots;
use crate::span::{ERROR, EndsByPanic, Opened, PANIC, run_entered};
use crate::stop_values::report_missing;
use crate::value::Value;

/// Where `stop!` records stop metadata in a lazy span. It is `Copy`, so the closures of
/// the returned iterator can each capture it; it does nothing when nobody listens.
#[derive(Clone, Copy, Debug)]
pub struct LazyStop {
    span: Option<SpanId>,
}

impl LazyStop {
    /// The handle of an [`OwnedSpan`], or an inert one when the span is not recorded.
    pub fn of_owned<const M: usize, const N: usize>(span: Option<&OwnedSpan<M, N>>) -> Self {
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
    /// Scalars and strings up to [`INLINE_CAPACITY`](crate::INLINE_CAPACITY) bytes are
    /// kept without allocating.
    pub fn set(&self, key: &'static str, value: Value<'_>) {
        if let Some(span) = self.span {
            pending::record(span, key, value);
        }
    }
}

/// The state of a lazy span: its start metadata (up to `M` keys) and the stop values
/// recorded so far (up to `N` keys), owned inline.
///
/// Dropped before it ended, it emits the exception event with `kind` = `cancelled`.
pub struct OwnedSpan<const M: usize, const N: usize> {
    opened: Opened<'static>,
    start: KeptFields<M>,
    stop: KeptFields<N>,
    required: &'static [&'static str],
    ended: bool,
}

impl<const M: usize, const N: usize> OwnedSpan<M, N> {
    /// Starts a span on these slots, emitting the start event with `start` as its
    /// metadata. Call it only after [`SpanSlots::is_enabled`] returned `true`.
    pub fn start(slots: &'static SpanSlots, start: KeptFields<M>) -> Self {
        let opened = start.with_fields(|fields| Opened::start_static(slots, fields));
        OwnedSpan {
            opened,
            start,
            stop: KeptFields::new(),
            required: &[],
            ended: false,
        }
    }

    /// Declares the stop keys the catalogue marks required: a normal stop without one of
    /// them is reported (see [`StopValues::requiring`](crate::__private::StopValues::requiring)).
    pub fn requiring(mut self, keys: &'static [&'static str]) -> Self {
        self.required = keys;
        self
    }

    /// The identity shared by this span's events.
    pub fn context(&self) -> SpanContext {
        self.opened.context()
    }

    fn stop(mut self) {
        self.ended = true;
        let opened = self.opened;
        self.start.with_fields(|start| {
            self.stop.with_fields(|stop| opened.stop(start, stop));
        });
        for key in self.required.iter().filter(|key| !self.stop.contains(key)) {
            report_missing(opened.prefix(), key);
        }
    }

    fn exception(mut self, kind: &'static str, reason: &str) {
        self.ended = true;
        let opened = self.opened;
        self.start
            .with_fields(|start| opened.exception(start, kind, reason));
    }
}

impl<const M: usize, const N: usize> EndsByPanic for OwnedSpan<M, N> {
    fn context(&self) -> SpanContext {
        self.opened.context()
    }

    fn end_by_panic(self, reason: &str) {
        self.exception(PANIC, reason);
    }
}

impl<const M: usize, const N: usize> KeepsStopValues for OwnedSpan<M, N> {
    fn keep_stop_value(&mut self, key: &'static str, value: KeptValue) {
        self.stop.push_kept(key, value);
    }
}

impl<const M: usize, const N: usize> Drop for OwnedSpan<M, N> {
    fn drop(&mut self) {
        if !self.ended {
            self.ended = true;
            let opened = self.opened;
            self.start.with_fields(|start| opened.end_unfinished(start));
        }
    }
}

/// Runs `work` with `span` current, keeping the `stop!` values it records: the body of a
/// lazy span's function, then each step of the iterator or stream it returned. A panic
/// ends the span with the exception event and drops what was recorded.
pub(crate) fn run_recording<S, R>(span: &mut Option<S>, work: impl FnOnce() -> R) -> R
where
    S: EndsByPanic + KeepsStopValues,
{
    let Some(id) = span.as_ref().map(|s| s.context().id()) else {
        return work();
    };
    let recording = Recording::begin(id);
    let output = run_entered(span, work);
    if let Some(span) = span.as_mut() {
        recording.finish(span);
    }
    output
}

/// Runs the body of a lazy `#[span]` function: with its span current, keeping the
/// `stop!` values it sets, turning a panic into the exception event.
pub fn run_lazy_body<const M: usize, const N: usize, R>(
    span: &mut Option<OwnedSpan<M, N>>,
    body: impl FnOnce() -> R,
) -> R {
    run_recording(span, body)
}

/// An iterator (or a stream) that ends its span when it is exhausted or dropped (with
/// the stop event and the stop metadata recorded meanwhile), or when a step panics (with
/// the exception event). Each step runs with the span current, so spans started by the
/// iterator's work are its children.
///
/// A partly consumed iterator that is dropped (`find`, `take`) ends its span with the
/// stop event: the operation ended normally, with what it had found so far.
pub struct LazySpan<I, const M: usize = 0, const N: usize = 0> {
    inner: I,
    span: Option<OwnedSpan<M, N>>,
}

impl<I, const M: usize, const N: usize> LazySpan<I, M, N> {
    /// Wraps `inner`, an iterator or a stream produced inside `span` by
    /// [`run_lazy_body`].
    pub fn over(inner: I, span: Option<OwnedSpan<M, N>>) -> Self {
        LazySpan { inner, span }
    }

    /// For a function returning `Result<impl Iterator, E>`: `Ok` is wrapped as by
    /// [`over`](LazySpan::over); `Err` ends the span at once with the exception event,
    /// `kind` = [`ERROR`](crate::ERROR) and `reason` = the error's `Debug` form, and is
    /// returned unchanged.
    pub fn over_result<E: fmt::Debug>(
        result: Result<I, E>,
        span: Option<OwnedSpan<M, N>>,
    ) -> Result<Self, E> {
        match result {
            Ok(inner) => Ok(Self::over(inner, span)),
            Err(error) => {
                if let Some(span) = span {
                    let mut reason = Reason::default();
                    let _ = write!(reason, "{error:?}");
                    span.exception(ERROR, reason.as_str());
                }
                Err(error)
            }
        }
    }

    /// For a function returning `Option<impl Iterator>`: `Some` is wrapped as by
    /// [`over`](LazySpan::over); `None` (nothing to iterate, which is not a failure)
    /// ends the span at once with the stop event and the values recorded so far.
    pub fn over_option(option: Option<I>, span: Option<OwnedSpan<M, N>>) -> Option<Self> {
        match option {
            Some(inner) => Some(Self::over(inner, span)),
            None => {
                if let Some(span) = span {
                    span.stop();
                }
                None
            }
        }
    }

    fn finish(&mut self) {
        if let Some(span) = self.span.take() {
            span.stop();
        }
    }
}

impl<I: Iterator, const M: usize, const N: usize> Iterator for LazySpan<I, M, N> {
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        let inner = &mut self.inner;
        let item = run_recording(&mut self.span, || inner.next());
        if item.is_none() {
            self.finish();
        }
        item
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

/// A stream must be `Unpin` to be wrapped in place; pin a `!Unpin` one first
/// (`Box::pin(stream)`).
impl<S: Stream + Unpin, const M: usize, const N: usize> Stream for LazySpan<S, M, N> {
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let this = self.get_mut();
        let inner = &mut this.inner;
        let poll = run_recording(&mut this.span, || Pin::new(inner).poll_next(cx));
        if let Poll::Ready(None) = poll {
            this.finish();
        }
        poll
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<I, const M: usize, const N: usize> Drop for LazySpan<I, M, N> {
    fn drop(&mut self) {
        // Dropping a partly consumed iterator is ordinary use (`find`, `take`): the
        // operation ended normally, with what it had found so far. After a panic the
        // span has already ended.
        self.finish();
    }
}

/// An error's `Debug` form for `reason`, cut at [`Reason::CAPACITY`] bytes, on the stack.
struct Reason {
    len: usize,
    bytes: [u8; Reason::CAPACITY],
}

impl Reason {
    const CAPACITY: usize = 256;

    fn as_str(&self) -> &str {
        // Only whole characters are written.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }
}

impl Default for Reason {
    fn default() -> Self {
        Reason {
            len: 0,
            bytes: [0; Reason::CAPACITY],
        }
    }
}

impl fmt::Write for Reason {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        for c in text.chars() {
            let end = self.len + c.len_utf8();
            let Some(room) = self.bytes.get_mut(self.len..end) else {
                return Err(fmt::Error);
            };
            c.encode_utf8(room);
            self.len = end;
        }
        Ok(())
    }
}
