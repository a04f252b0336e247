//! Span identity and the current context of each thread: which span new spans are
//! children of, and what a thread or task carries along with it.

use std::any::Any;
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use crate::id_source;
pub(crate) use crate::ids::SpanId;
use crate::ids::TraceId;
use crate::traceparent::{TraceFlags, TraceParent, TraceParentError};
use crate::tracestate::TraceState;

/// What the three events of one span share: the trace it belongs to, the span's own id,
/// its parent's id and the trace flags.
///
/// A span started while another span is current (on this thread, or carried to it by a
/// [`TraceContext`]) is that span's child: same trace, same flags. A span started with no
/// current span is the root of a new trace with a fresh random [`TraceId`]. A span started
/// under a remote context continues the remote trace, its parent being the remote span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SpanContext {
    trace_id: TraceId,
    id: SpanId,
    parent: Option<SpanId>,
    flags: TraceFlags,
    is_remote: bool,
    parent_is_remote: bool,
}

impl SpanContext {
    /// The trace this span belongs to.
    pub fn trace_id(&self) -> TraceId {
        self.trace_id
    }

    /// This span's id.
    pub fn id(&self) -> SpanId {
        self.id
    }

    /// The enclosing span's id, if any (a remote parent's included).
    pub fn parent(&self) -> Option<SpanId> {
        self.parent
    }

    /// The trace flags, inherited from the root (sampled for a trace begun here).
    pub fn flags(&self) -> TraceFlags {
        self.flags
    }

    /// Whether this context stands for a span of another process, read from a
    /// `traceparent`, rather than a span started here.
    pub fn is_remote(&self) -> bool {
        self.is_remote
    }

    /// Whether the parent is a span of another process.
    pub fn parent_is_remote(&self) -> bool {
        self.parent_is_remote
    }

    /// This span as the parent of work done elsewhere: the `traceparent` to send along.
    pub fn traceparent(&self) -> TraceParent {
        TraceParent::new(self.trace_id, self.id, self.flags)
    }

    /// The context of the span a `traceparent` names, to continue its trace here.
    pub fn from_traceparent(parent: TraceParent) -> Self {
        SpanContext {
            trace_id: parent.trace_id(),
            id: parent.parent_id(),
            parent: None,
            flags: parent.flags(),
            is_remote: true,
            parent_is_remote: false,
        }
    }

    /// A new span's context: a child of the current span, or the root of a new trace.
    pub(crate) fn new_child_of_current() -> Self {
        let id = id_source::next_span_id();
        match current() {
            Some(parent) => SpanContext {
                trace_id: parent.trace_id,
                id,
                parent: Some(parent.id),
                flags: parent.flags,
                is_remote: false,
                parent_is_remote: parent.is_remote,
            },
            None => SpanContext {
                trace_id: id_source::next_trace_id(),
                id,
                parent: None,
                flags: TraceFlags::SAMPLED,
                is_remote: false,
                parent_is_remote: false,
            },
        }
    }
}

/// What travels with a context besides its span: things that change rarely (a remote
/// trace state, a running capture), shared rather than copied on every enter.
#[derive(Default)]
pub(crate) struct Carried {
    trace_state: Option<TraceState>,
    /// The capture recording this context's events; opaque here, read by the capture
    /// module, which sits above this one.
    capture: Option<Arc<dyn Any + Send + Sync>>,
}

thread_local! {
    static CURRENT: Cell<Option<SpanContext>> = const { Cell::new(None) };
    static CARRIED: Cell<Option<Arc<Carried>>> = const { Cell::new(None) };
}

/// The span the current thread is inside, if any (a remote parent made current by a
/// [`TraceContext`] included).
pub fn current() -> Option<SpanContext> {
    CURRENT.try_with(Cell::get).ok().flatten()
}

fn current_carried() -> Option<Arc<Carried>> {
    CARRIED
        .try_with(|cell| {
            let carried = cell.take();
            cell.set(carried.clone());
            carried
        })
        .ok()
        .flatten()
}

/// Makes `span` the thread's current span until the guard drops, which restores the
/// previous one; what else the thread carries (trace state, capture) stays.
pub(crate) fn enter(span: SpanContext) -> Entered {
    let previous = CURRENT.try_with(|c| c.replace(Some(span))).ok().flatten();
    Entered {
        previous,
        previous_carried: None,
        not_send: PhantomData,
    }
}

/// Keeps a context current on this thread; dropping it restores the one current before.
///
/// It cannot leave its thread: dropped on another one it would restore the wrong thread.
/// Guards drop in the reverse order they were made, as scopes do.
///
/// ```compile_fail
/// fn must_be_send<T: Send>(_: T) {}
/// let guard = telemetry_runtime::TraceContext::current().enter();
/// must_be_send(guard); // `Entered` is not `Send`
/// ```
#[must_use = "the context stays current only while the guard lives"]
pub struct Entered {
    previous: Option<SpanContext>,
    /// `Some` when the guard replaced the carried part too.
    previous_carried: Option<Option<Arc<Carried>>>,
    not_send: PhantomData<*const ()>,
}

impl Drop for Entered {
    fn drop(&mut self) {
        let _ = CURRENT.try_with(|c| c.set(self.previous));
        if let Some(carried) = self.previous_carried.take() {
            let _ = CARRIED.try_with(|c| c.set(carried));
        }
    }
}

impl fmt::Debug for Entered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entered")
            .field("previous", &self.previous)
            .finish_non_exhaustive()
    }
}

/// Everything a thread's current context holds, as a value that can move to another
/// thread or task: the current span (or remote parent), the remote trace state, and the
/// [`capture`](crate::capture()) recording it, if any.
///
/// Take it with [`current`](TraceContext::current) where work is handed off, and make it
/// current where the work runs: [`enter`](TraceContext::enter) on a thread, or
/// [`in_context`](crate::InContext::in_context) on a future. Spans started there are
/// children of its span, in its trace.
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
#[derive(Clone, Default)]
pub struct TraceContext {
    span: Option<SpanContext>,
    carried: Option<Arc<Carried>>,
}

impl TraceContext {
    /// The current thread's context.
    pub fn current() -> Self {
        TraceContext {
            span: current(),
            carried: current_carried(),
        }
    }

    /// An empty context: no span, no trace state, no capture. Spans started under it are
    /// roots of new traces.
    pub fn empty() -> Self {
        TraceContext::default()
    }

    /// A context whose span is the remote span a `traceparent` names: spans started under
    /// it continue that trace, as its children.
    pub fn remote(parent: TraceParent) -> Self {
        TraceContext::from(SpanContext::from_traceparent(parent))
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
    pub fn trace_state(&self) -> Option<&TraceState> {
        self.carried.as_ref()?.trace_state.as_ref()
    }

    /// Makes this context current on this thread until the guard drops.
    pub fn enter(&self) -> Entered {
        let previous = CURRENT.try_with(|c| c.replace(self.span)).ok().flatten();
        let previous_carried = CARRIED.try_with(|c| c.replace(self.carried.clone())).ok();
        Entered {
            previous,
            previous_carried,
            not_send: PhantomData,
        }
    }

    fn with_carried(mut self, carried: Carried) -> Self {
        self.carried = Some(Arc::new(carried));
        self
    }
}

/// The context made of `span` alone: no trace state, no capture.
impl From<SpanContext> for TraceContext {
    fn from(span: SpanContext) -> Self {
        TraceContext {
            span: Some(span),
            carried: None,
        }
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
