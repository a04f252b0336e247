//! Span identity and the current context of each thread: which span new spans are
//! children of, and what else the thread carries (see [`TraceContext`] for the context as
//! a value that moves between threads and tasks).
//!
//! [`TraceContext`]: crate::TraceContext

use std::any::Any;
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use crate::id_source;
pub(crate) use crate::ids::SpanId;
use crate::ids::TraceId;
use crate::traceparent::{TraceFlags, TraceParent};
use crate::tracestate::TraceState;

/// What the three events of one span share: the trace it belongs to, the span's own id,
/// its parent's id and the trace flags.
///
/// A span started while another span is current (on this thread, or carried to it by a
/// [`TraceContext`](crate::TraceContext)) is that span's child: same trace, same flags. A span started with no
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
        Lineage::new_child_of_current().context()
    }
}

/// A new span's identity together with what restores its parent's context. A runner
/// that makes the span current must keep the parent's context anyway, to restore it when
/// the span ends; a span and its parent share their trace and flags, so both contexts fit
/// in the room of one plus the parent's own parent (keeping the two contexts side by side
/// would cost 40 bytes more on every nested level). Flat fields rather than an enum of
/// parent kinds: both contexts are then plain copies of fields, without a branch or a
/// copy of an enum's padding.
#[derive(Clone, Copy)]
pub(crate) struct Lineage {
    trace_id: TraceId,
    id: SpanId,
    /// The parent's id; `None` for the root of a new trace.
    parent: Option<SpanId>,
    /// The parent's own parent.
    grandparent: Option<SpanId>,
    flags: TraceFlags,
    parent_is_remote: bool,
    grandparent_is_remote: bool,
}

impl Lineage {
    /// A child of the current span, or the root of a new trace.
    // Inlined into the span's start, which has saved its registers already: out of line,
    // a call, six saves and restores and the result's copy cost a quarter of the draws.
    #[inline(always)]
    pub(crate) fn new_child_of_current() -> Self {
        match current() {
            Some(parent) => Lineage {
                trace_id: parent.trace_id,
                id: id_source::next_span_id(),
                parent: Some(parent.id),
                grandparent: parent.parent,
                flags: parent.flags,
                parent_is_remote: parent.is_remote,
                grandparent_is_remote: parent.parent_is_remote,
            },
            None => {
                let (trace_id, id) = id_source::next_root_ids();
                Lineage {
                    trace_id,
                    id,
                    parent: None,
                    grandparent: None,
                    flags: TraceFlags::SAMPLED,
                    parent_is_remote: false,
                    grandparent_is_remote: false,
                }
            }
        }
    }

    /// The span's own context.
    #[inline(always)]
    pub(crate) fn context(self) -> SpanContext {
        SpanContext {
            trace_id: self.trace_id,
            id: self.id,
            parent: self.parent,
            flags: self.flags,
            is_remote: false,
            parent_is_remote: self.parent_is_remote,
        }
    }

    /// Makes the context that was current when the span started current again.
    #[inline(always)]
    pub(crate) fn restore_parent(self) {
        match self.parent {
            Some(id) => restore_current(Some(SpanContext {
                trace_id: self.trace_id,
                id,
                parent: self.grandparent,
                flags: self.flags,
                is_remote: self.parent_is_remote,
                parent_is_remote: self.grandparent_is_remote,
            })),
            // A separate store of `None`: merged with the other arm, the whole context
            // would be written, its bytes read from stack that the body's calls may just
            // have written in other sizes (a store-forwarding stall).
            None => restore_current(None),
        }
    }
}

/// What travels with a context besides its span: things that change rarely (a remote
/// trace state, a running capture), shared rather than copied on every enter.
pub(crate) struct Carried {
    pub(crate) trace_state: Option<TraceState>,
    /// The capture recording this context's events; opaque here, read by the capture
    /// module, which sits above this one.
    pub(crate) capture: Option<Arc<dyn Any + Send + Sync>>,
}

thread_local! {
    static CURRENT: Cell<Option<SpanContext>> = const { Cell::new(None) };
    static CARRIED: Cell<Option<Arc<Carried>>> = const { Cell::new(None) };
}

/// The span the current thread is inside, if any (a remote parent made current by a
/// [`TraceContext`](crate::TraceContext) included).
pub fn current() -> Option<SpanContext> {
    CURRENT.try_with(Cell::get).ok().flatten()
}

pub(crate) fn current_carried() -> Option<Arc<Carried>> {
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

/// Makes `span` the thread's current span, for a runner that keeps what to restore
/// itself (a [`Lineage`]'s parent) and calls [`restore_current`] on every path out.
#[inline(always)]
pub(crate) fn set_current(span: SpanContext) {
    restore_current(Some(span));
}

/// Makes `previous` (what an [`Entered`] guard replaced, or a [`Lineage`]'s parent) the
/// thread's current span again.
#[inline(always)]
pub(crate) fn restore_current(previous: Option<SpanContext>) {
    let _ = CURRENT.try_with(|c| c.set(previous));
}

/// Makes `span` and `carried` the thread's current context until the guard drops.
pub(crate) fn enter_with(span: Option<SpanContext>, carried: Option<Arc<Carried>>) -> Entered {
    let previous = CURRENT.try_with(|c| c.replace(span)).ok().flatten();
    let previous_carried = CARRIED.try_with(|c| c.replace(carried)).ok();
    Entered {
        previous,
        previous_carried,
        not_send: PhantomData,
    }
}

/// Keeps a context current on this thread; dropping it restores the one current before.
///
/// It cannot leave its thread: dropped on another one it would restore the wrong thread.
/// Guards drop in the reverse order they were made, as scopes do. Do not hold one across
/// an `.await`: the task may be suspended with the context still current on the thread,
/// which then runs other tasks in it; give the future its context with
/// [`in_context`](crate::InContext::in_context) instead.
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
        restore_current(self.previous);
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

/// The capture recording the current thread's events, if any.
pub(crate) fn current_capture() -> Option<Arc<dyn Any + Send + Sync>> {
    current_carried().and_then(|c| c.capture.clone())
}
