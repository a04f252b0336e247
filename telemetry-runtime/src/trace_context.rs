//! The current context as a value: what moves with work handed to another thread or
//! task, and what arrives from another process.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use crate::context::{self, Carried, Entered, SpanContext};
use crate::traceparent::{TraceParent, TraceParentError};
use crate::tracestate::TraceState;

/// Everything a thread's current context holds, as a value that can move to another
/// thread or task: the current span (or remote parent), the remote trace state, and the
/// [`capture`](crate::capture()) recording it, if any.
///
/// Take it with [`current`](TraceContext::current) where work is handed off, and make it
/// current where the work runs: [`enter`](TraceContext::enter) on a thread, or
/// [`in_context`](crate::InContext::in_context) on a future. Spans started there are
/// children of its span, in its trace. A context made while a capture runs (taken with
/// `current`, or built from a remote parent) belongs to that capture: what runs in it is
/// recorded there.
///
/// ```
/// use telemetry_runtime::{capture, current_span, span, TraceContext};
/// capture(|| {
///     span("exgit.pack.parse", &[], || {
///         let parse = current_span().unwrap();
///         let context = TraceContext::current();
///         let index = std::thread::spawn(move || {
///             let _entered = context.enter();
///             span("exgit.pack.index", &[], || current_span().unwrap()).unwrap()
///         })
///         .join()
///         .unwrap();
///         assert_eq!(index.parent(), Some(parse.id()));
///         assert_eq!(index.trace_id(), parse.trace_id());
///     })
/// });
/// ```
#[derive(Clone)]
pub struct TraceContext {
    span: Option<SpanContext>,
    carried: Option<Arc<Carried>>,
}

impl TraceContext {
    /// The current thread's context.
    pub fn current() -> Self {
        TraceContext {
            span: context::current(),
            carried: context::current_carried(),
        }
    }

    /// An empty context: no span, no trace state. Spans started under it are roots of new
    /// traces (a capture running where it is entered still records them).
    pub fn empty() -> Self {
        TraceContext::made_here(None)
    }

    /// A context whose span is the remote span a `traceparent` names: spans started under
    /// it continue that trace, as its children.
    pub fn remote(parent: TraceParent) -> Self {
        TraceContext::made_here(Some(SpanContext::from_traceparent(parent)))
    }

    /// A context with this span (or none), in the capture running here, if any.
    fn made_here(span: Option<SpanContext>) -> Self {
        let carried = context::current_capture().map(|capture| {
            Arc::new(Carried {
                trace_state: None,
                capture: Some(capture),
            })
        });
        TraceContext { span, carried }
    }

    /// The context that incoming `traceparent` and `tracestate` header values describe.
    ///
    /// An invalid `traceparent` is an error. A `tracestate` that cannot be kept (see
    /// [`TraceState::parse`]) is left out, as W3C Trace Context requires: it must not
    /// make the `traceparent` fail.
    ///
    /// ```
    /// use telemetry_runtime::{capture, fields, span, TraceContext};
    /// let incoming = TraceContext::from_headers(
    ///     "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    ///     Some("rojo=00f067aa0ba902b7"),
    /// )?;
    /// let captured = capture(|| {
    ///     let _entered = incoming.enter();
    ///     span("charon.session.create", &[], || TraceContext::current().traceparent())
    /// });
    /// let start = captured.events[0].span_context().unwrap();
    /// assert_eq!(start.trace_id().to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
    /// assert_eq!(start.parent().unwrap().to_string(), "00f067aa0ba902b7");
    /// // Handed on: the same trace, this span as the parent.
    /// let outgoing = captured.result.unwrap().unwrap();
    /// assert_eq!(outgoing.parent_id(), start.id());
    /// # Ok::<(), telemetry_runtime::TraceParentError>(())
    /// ```
    pub fn from_headers(
        traceparent: &str,
        tracestate: Option<&str>,
    ) -> Result<Self, TraceParentError> {
        let context = TraceContext::remote(TraceParent::parse(traceparent)?);
        Ok(match tracestate.map(TraceState::parse) {
            Some(Ok(state)) if !state.as_str().is_empty() => context.with_trace_state(state),
            _ => context,
        })
    }

    /// This context with `state` as its trace state, which spans under it carry along.
    pub fn with_trace_state(self, state: TraceState) -> Self {
        let capture = self.carried.as_ref().and_then(|c| c.capture.clone());
        self.with_carried(Carried {
            trace_state: Some(state),
            capture,
        })
    }

    /// This context with `span` as its current span; the rest is kept.
    pub fn with_span(mut self, span: SpanContext) -> Self {
        self.span = Some(span);
        self
    }

    /// The current span (or remote parent).
    pub fn span(&self) -> Option<SpanContext> {
        self.span
    }

    /// The `traceparent` to send to the next process: this context's trace, its span as
    /// the parent. `None` when no span is current.
    pub fn traceparent(&self) -> Option<TraceParent> {
        self.span.map(|span| span.traceparent())
    }

    /// The trace state received with the remote context this one descends from.
    ///
    /// A handler finds the trace state of a span's start event here, through
    /// `TraceContext::current()`: handlers run on the emitting thread, in the context the
    /// span starts in.
    pub fn trace_state(&self) -> Option<&TraceState> {
        self.carried.as_ref()?.trace_state.as_ref()
    }

    /// Makes this context current on this thread until the guard drops.
    ///
    /// A context taken outside any capture does not end the capture running here: its
    /// span and trace state become current, and the capture keeps recording.
    pub fn enter(&self) -> Entered {
        let carried = match &self.carried {
            Some(own) if own.capture.is_some() => Some(Arc::clone(own)),
            own => match context::current_capture() {
                None => own.clone(),
                Some(capture) => Some(Arc::new(Carried {
                    trace_state: own.as_ref().and_then(|c| c.trace_state.clone()),
                    capture: Some(capture),
                })),
            },
        };
        context::enter_with(self.span, carried)
    }

    /// Runs `f` with this context current, then restores the thread's own: the closure
    /// form of [`enter`](TraceContext::enter), for work handed to a thread or a pool.
    ///
    /// ```
    /// use telemetry_runtime::{capture, current_span, span, TraceContext};
    /// let captured = capture(|| {
    ///     span("exgit.fs.walk", &[], || {
    ///         let context = TraceContext::current();
    ///         std::thread::spawn(move || context.in_scope(|| span("exgit.fs.stat", &[], || ())))
    ///             .join()
    ///             .unwrap()
    ///             .unwrap();
    ///     })
    /// });
    /// let walk = captured.named("exgit.fs.walk.start").next().unwrap().span_context().unwrap();
    /// let stat = captured.named("exgit.fs.stat.start").next().unwrap().span_context().unwrap();
    /// assert_eq!(stat.parent(), Some(walk.id()));
    /// ```
    pub fn in_scope<R>(&self, f: impl FnOnce() -> R) -> R {
        let _entered = self.enter();
        f()
    }

    /// This context with `capture` recording its events.
    pub(crate) fn with_capture(self, capture: Arc<dyn Any + Send + Sync>) -> Self {
        let trace_state = self.trace_state().cloned();
        self.with_carried(Carried {
            trace_state,
            capture: Some(capture),
        })
    }

    fn with_carried(mut self, carried: Carried) -> Self {
        self.carried = Some(Arc::new(carried));
        self
    }
}

/// The context made of `span` alone: no trace state (in the capture running here, if any).
impl From<SpanContext> for TraceContext {
    fn from(span: SpanContext) -> Self {
        TraceContext::made_here(Some(span))
    }
}

/// The [empty](TraceContext::empty) context.
impl Default for TraceContext {
    fn default() -> Self {
        TraceContext::empty()
    }
}

impl fmt::Debug for TraceContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TraceContext")
            .field("span", &self.span)
            .field("trace_state", &self.trace_state())
            .field(
                "capturing",
                &self.carried.as_ref().is_some_and(|c| c.capture.is_some()),
            )
            .finish()
    }
}
