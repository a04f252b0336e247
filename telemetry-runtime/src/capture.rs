//! Test capture: the events a closure or a future emits, as owned values, isolated from
//! whatever else runs in the process.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use crate::event::{Event, OwnedEvent};
use crate::name::Phase;
use crate::recording::{self, Recording};
use crate::registry;
use crate::trace_context::TraceContext;

/// What [`capture`] and [`capture_async`] return: the result and the events emitted
/// meanwhile.
#[derive(Debug)]
pub struct Captured<R> {
    /// What the closure returned, or the future's output.
    pub result: R,
    /// Every event the capture recorded, in order (see [`capture`](crate::capture()#what-a-capture-records)
    /// for what it records).
    pub events: Vec<OwnedEvent>,
}

impl<R> Captured<R> {
    /// The captured events with this dotted name.
    pub fn named<'s, 'n>(
        &'s self,
        dotted: &'n str,
    ) -> impl Iterator<Item = &'s OwnedEvent> + use<'s, 'n, R> {
        self.events.iter().filter(move |e| e.name() == dotted)
    }

    /// The dotted names of the captured events, in order.
    pub fn names(&self) -> Vec<&str> {
        self.events.iter().map(|e| e.name().as_str()).collect()
    }

    /// The one captured event with this dotted name; `None` when there is none, or more
    /// than one.
    ///
    /// ```
    /// use telemetry_runtime::{capture, execute, fields};
    /// let captured = capture(|| execute("charon.session.create", &fields!(count = 1u64), &[]));
    /// assert!(captured.only("charon.session.create").is_some());
    /// assert!(captured.only("charon.session.delete").is_none());
    /// ```
    pub fn only(&self, dotted: &str) -> Option<&OwnedEvent> {
        let mut found = self.events.iter().filter(|e| e.name() == dotted);
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }

    /// Every captured span named `prefix`, in the order they started: each start with the
    /// events of the same span that ended it (its stop or exception; empty while it has
    /// not ended within the capture, more than one only if the span broke its promise).
    ///
    /// ```
    /// use telemetry_runtime::{capture, fields, span, Phase};
    /// let captured = capture(|| span("exgit.fs.stat", &fields!(path = "README"), || 7));
    /// let spans = captured.spans("exgit.fs.stat");
    /// assert_eq!(spans.len(), 1);
    /// assert_eq!(spans[0].end().map(|e| e.name().phase()), Some(Some(Phase::Stop)));
    /// ```
    pub fn spans(&self, prefix: &str) -> Vec<CapturedSpan<'_>> {
        let of_span = |event: &OwnedEvent, phase: Phase| {
            event.name().phase() == Some(phase)
                && event.name().span_prefix().is_some_and(|p| p == prefix)
        };
        self.events
            .iter()
            .filter(|e| of_span(e, Phase::Start))
            .map(|start| CapturedSpan {
                start,
                ends: self
                    .events
                    .iter()
                    .filter(|e| {
                        e.span_context().is_some()
                            && e.span_context() == start.span_context()
                            && (of_span(e, Phase::Stop) || of_span(e, Phase::Exception))
                    })
                    .collect(),
            })
            .collect()
    }

    /// The one captured span named `prefix`; `None` when there is none, or more than one.
    pub fn the_span(&self, prefix: &str) -> Option<CapturedSpan<'_>> {
        let mut spans = self.spans(prefix);
        (spans.len() == 1).then(|| spans.remove(0))
    }
}

/// One span in a [`Captured`]: its start event and what ended it.
#[derive(Debug, Clone)]
pub struct CapturedSpan<'c> {
    /// The start event.
    pub start: &'c OwnedEvent,
    /// The stop or exception events with the start's span context: exactly one for a span
    /// that ended within the capture.
    pub ends: Vec<&'c OwnedEvent>,
}

impl<'c> CapturedSpan<'c> {
    /// The event that ended the span, when exactly one did.
    pub fn end(&self) -> Option<&'c OwnedEvent> {
        match self.ends.as_slice() {
            [end] => Some(end),
            _ => None,
        }
    }
}

/// Runs `f` and returns the events it emitted meanwhile, whether or not any handler is
/// attached to them, like `telemetry_test` but isolated: events of threads that do not
/// carry its context (other tests running in parallel) are not captured.
///
/// # What a capture records
/// While it runs, a capture records, whether or not any handler listens:
/// - every event emitted in its scope: by the closure on the calling thread, or by the
///   future on whichever thread polls it;
/// - every event emitted on a thread or in a task that carries its context: a
///   [`TraceContext`](crate::TraceContext) taken inside it and [entered](crate::TraceContext::enter) elsewhere, or a
///   future made with [`in_current_context`](crate::InContext::in_current_context) inside it;
/// - the stop or exception event of every span whose start it recorded, on whatever thread
///   the span ends;
/// - an event emitted while another event is copied (from a value's `Debug` impl), right
///   after that event;
/// - an event with a value whose `Debug` impl panics, that value recorded as the text of
///   the panic (the panic does not reach the emitting code).
///
/// Events are in the order their emission began. A capture running inside another one
/// records into both. It does not record events of threads or tasks that do not carry its
/// context (other tests running in parallel), events emitted after it ended (by a task
/// that outlives it), nor an emission still in progress on another thread at the moment
/// it ends.
///
/// ```
/// use telemetry_runtime::{capture, execute, fields, TraceContext};
/// let captured = capture(|| {
///     execute("charon.session.create", &fields!(count = 1u64), &fields!(session_id = "s1")).unwrap();
///     // A thread that does not carry the capture's context is not recorded...
///     std::thread::spawn(|| execute("charon.session.delete", &[], &[]).unwrap()).join().unwrap();
///     // ...one that does is.
///     let context = TraceContext::current();
///     std::thread::spawn(move || {
///         let _entered = context.enter();
///         execute("charon.session.refresh", &[], &[]).unwrap();
///     })
///     .join()
///     .unwrap();
/// });
/// assert_eq!(captured.names(), ["charon.session.create", "charon.session.refresh"]);
/// ```
pub fn capture<R>(f: impl FnOnce() -> R) -> Captured<R> {
    let session = Session::begin();
    let result = {
        let _entered = session.context().enter();
        f()
    };
    let events = session.finish();
    Captured { result, events }
}

/// Captures what `future` emits, on whichever thread polls it, and what the tasks and
/// threads that carry its context emit (spawn them with
/// [`in_current_context`](crate::InContext::in_current_context)): the form of
/// [`capture`] for async tests on a multi-threaded runtime.
///
/// The capture starts here and ends when the future completes (or is dropped).
///
/// ```
/// use telemetry_runtime::{capture_async, execute, InContext};
/// # fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
/// #     let mut future = std::pin::pin!(future);
/// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// #     loop {
/// #         if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut cx) {
/// #             return output;
/// #         }
/// #     }
/// # }
/// let captured = block_on(capture_async(async {
///     execute("charon.session.create", &[], &[]).unwrap();
///     // A task spawned with its context, here run on another thread.
///     let task = async { execute("charon.session.delete", &[], &[]).unwrap() }.in_current_context();
///     std::thread::spawn(move || block_on(task)).join().unwrap();
///     7
/// }));
/// assert_eq!(captured.result, 7);
/// assert_eq!(captured.names(), ["charon.session.create", "charon.session.delete"]);
/// ```
pub fn capture_async<F: Future>(future: F) -> CaptureFuture<F> {
    let session = Session::begin();
    CaptureFuture {
        inner: future,
        context: session.context(),
        session: Some(session),
    }
}

pin_project_lite::pin_project! {
    /// The future [`capture_async`] returns: the inner future's output and what was
    /// captured meanwhile.
    #[must_use = "futures do nothing unless polled"]
    pub struct CaptureFuture<F> {
        #[pin]
        inner: F,
        context: TraceContext,
        session: Option<Session>,
    }
}

impl<F: Future> Future for CaptureFuture<F> {
    type Output = Captured<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let polled = {
            let _entered = this.context.enter();
            this.inner.poll(cx)
        };
        polled.map(|result| Captured {
            result,
            events: this.session.take().map(Session::finish).unwrap_or_default(),
        })
    }
}

impl<F> std::fmt::Debug for CaptureFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaptureFuture")
            .field("context", &self.context)
            .field("finished", &self.session.is_none())
            .finish_non_exhaustive()
    }
}

/// One running capture: registered with the registry (so that events are recorded even
/// when no handler listens) until it finishes or is dropped.
struct Session {
    recording: Arc<Recording>,
    finished: bool,
}

impl Session {
    fn begin() -> Self {
        let recording = Recording::start();
        registry::begin_capture(record);
        Session {
            recording,
            finished: false,
        }
    }

    /// The current context, with this capture recording it.
    fn context(&self) -> TraceContext {
        TraceContext::current().with_capture(recording::as_carried(&self.recording))
    }

    fn finish(mut self) -> Vec<OwnedEvent> {
        self.finished = true;
        registry::end_capture();
        self.recording.finish()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if !self.finished {
            registry::end_capture();
            drop(self.recording.finish());
        }
    }
}

/// Records `event` into every capture it belongs to.
pub(crate) fn record(event: &Event<'_>) {
    recording::record(event);
}
