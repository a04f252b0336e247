//! Calling the handlers of one event: the bottom layer of the runtime.
//!
//! # Layers
//! The event path reads one way; each layer uses only the layers below it:
//!
//! 0. `snapshot`, on `reclaim`, `grace` and `barrier`: the cell a snapshot is published
//!    in, which a dispatch loads with a plain load inside a read section, and the
//!    deferred drop of the snapshots it replaced.
//! 1. `dispatch` (this module): a snapshot of one event's handlers, the call loop with
//!    panic isolation, the per-thread bound on re-entrant dispatch, capture recording.
//! 2. `index`: handlers by event name, readable without a lock.
//! 3. `slot`: the static slot of each event, one load to know whether anybody listens.
//! 4. `registry`: attach, detach, list, dynamic names and `execute`; the only writer of
//!    the layers below.
//! 5. `capture` and `with_handler`, built on the registry.
//!
//! # Where a lower layer needs a higher one
//! Three needs point up; each is met by something the higher layer hands down or
//! collects, never by a call upwards:
//! - A handler that panics must be detached, which is the registry's business. The call
//!   loop marks it detached (it is skipped from then on) and queues it on a deferred
//!   list ([`take_failed`]); the registry drains that list at the start of its next
//!   operation. An emitter never takes the registry's lock.
//! - A slot used for the first time must become known to the registry. It queues itself
//!   on the slot layer's deferred list, which the registry drains whenever it releases
//!   its lock, and meanwhile reads its handlers from the index. To be adopted at once,
//!   the slot calls the adopter the registry installed (`slot::install_adopter`), which
//!   only ever tries the lock: a busy registry adopts the slot itself when it is done.
//! - Capture recording belongs to the capture layer. Starting a capture passes its
//!   recorder down ([`begin_capture`]); the call loop calls it while any capture runs.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use crate::event::Event;
use crate::fields::Fields;
use crate::handler::{Durability, Handler};
use crate::name::Name;
use crate::own_line::OwnLine;
use crate::reclaim::{self, Guard};
use crate::snapshot::SnapshotCell;
use crate::sync::AtomicPtr;
use crate::value::Value;

/// The name of the event reported when a handler panics.
pub const HANDLER_FAILURE: &[&str] = &["telemetry", "handler", "failure"];

const FAILURE_NAME: Name<'static> = Name::from_static(HANDLER_FAILURE);

/// How deeply dispatch may nest on one thread: a handler that emits an event starts a
/// nested dispatch. An event emitted deeper than this is dropped and counted by
/// [`dropped_nested_events`], so that a handler emitting its own event cannot overflow
/// the stack.
pub const MAX_DISPATCH_DEPTH: usize = 16;

/// The handlers of one event at one moment; immutable once published.
pub(crate) struct Handlers {
    list: Box<[Arc<Handler>]>,
    /// Whether any of them is a typed handler.
    any_typed: bool,
}

impl Handlers {
    pub(crate) fn new(list: Vec<Arc<Handler>>) -> Self {
        Handlers {
            any_typed: list.iter().any(|handler| handler.typed.is_some()),
            list: list.into_boxed_slice(),
        }
    }

    /// Whether any of them is a typed handler.
    pub(crate) fn any_typed(&self) -> bool {
        self.any_typed
    }
}

/// Where a layer above publishes the handlers of one event for emitters to load.
pub(crate) type HandlersCell = SnapshotCell<Handlers>;

/// An empty cell, in a `const` context.
pub(crate) const fn empty_handlers() -> HandlersCell {
    SnapshotCell::new(AtomicPtr::new(std::ptr::null_mut()))
}

/// The handlers of `telemetry.handler.failure`, which the call loop itself emits.
pub(crate) static FAILURE_HANDLERS: HandlersCell = empty_handlers();

/// Handlers that panicked and must be detached, until the registry drains them.
static FAILED: Mutex<Vec<Arc<Handler>>> = Mutex::new(Vec::new());

/// How many captures run, on all threads.
static CAPTURES: OwnLine<AtomicUsize> = OwnLine::new(AtomicUsize::new(0));

/// What records an event into the current thread's captures.
static RECORDER: OnceLock<fn(&Event<'_>)> = OnceLock::new();

static DROPPED_NESTED: AtomicU64 = AtomicU64::new(0);

/// Events dropped so far, on all threads, because they were emitted deeper than
/// [`MAX_DISPATCH_DEPTH`] nested dispatches.
///
/// ```
/// use telemetry_runtime::{attach, detach, dropped_nested_events, execute, MAX_DISPATCH_DEPTH};
/// let before = dropped_nested_events();
/// attach("doc-echo", "doc.echo.loop", |_| execute("doc.echo.loop", &[], &[]).unwrap())?;
/// execute("doc.echo.loop", &[], &[])?;
/// detach("doc-echo")?;
/// assert!(dropped_nested_events() > before);
/// # let _ = MAX_DISPATCH_DEPTH;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn dropped_nested_events() -> u64 {
    DROPPED_NESTED.load(Ordering::Relaxed)
}

/// The emitter's own value, which a typed handler of its type receives instead of the
/// event (no struct rebuilt from the fields). The emitter of a typed event passes it down
/// (`record.rs`); every other emission passes [`Untyped`].
pub(crate) trait Origin {
    /// Calls `typed` with the emitter's value and `measurements` if `typed` is a typed
    /// handler of the value's type; returns whether it did.
    fn deliver(&self, typed: &(dyn Any + Send + Sync), measurements: Fields<'_>) -> bool;
}

/// An emission without a typed value: every handler receives the event.
pub(crate) struct Untyped;

impl Origin for Untyped {
    #[inline(always)]
    fn deliver(&self, _: &(dyn Any + Send + Sync), _: Fields<'_>) -> bool {
        false
    }
}

/// A typed value being emitted, whose event is built only when something needs it: a
/// handler that is not one of the value's typed handlers, a capture, a failure report.
pub(crate) trait Emission: Origin {
    /// The measurements that typed handlers receive, built once, before the dispatch
    /// began (the event builds its own fields when it is needed).
    fn measurements(&self) -> Fields<'_>;

    /// Builds the event and calls `f` with it.
    fn with_event(&self, f: &mut dyn FnMut(&Event<'_>));
}

/// Delivers `event` to the running captures and to `handlers`, loaded under `guard`:
/// every emission ends here.
///
/// A panicking handler does not reach the emitter and does not keep the handlers after
/// it from running; a handler detached meanwhile is skipped although `handlers` still
/// holds it.
#[inline]
pub(crate) fn dispatch(guard: &Guard, handlers: Option<&Handlers>, event: &Event<'_>) {
    dispatch_from(guard, handlers, event, &Untyped);
}

/// [`dispatch`], where a typed handler of `origin`'s type receives `origin`'s value
/// instead of `event`.
#[inline]
fn dispatch_from(
    guard: &Guard,
    handlers: Option<&Handlers>,
    event: &Event<'_>,
    origin: &(impl Origin + ?Sized),
) {
    if guard.depth() >= MAX_DISPATCH_DEPTH {
        DROPPED_NESTED.fetch_add(1, Ordering::Relaxed);
        return;
    }
    if CAPTURES.load(Ordering::Relaxed) != 0 {
        record(event);
    }
    if let Some(handlers) = handlers {
        call_each(&handlers.list, event, origin);
    }
}

/// [`dispatch`] of a typed value: as long as the handlers are typed handlers of the
/// value's type, they receive the value and no event is built; the first one that needs
/// the event has it built, once, and so have the handlers after it.
///
/// Not generic (the emission is a trait object), so that the loop is compiled once here
/// rather than once for every event type in the crates that emit them.
#[inline]
pub(crate) fn dispatch_emission(guard: &Guard, handlers: &Handlers, emission: &dyn Emission) {
    if !handlers.any_typed {
        emission.with_event(&mut |event| dispatch(guard, Some(handlers), event));
        return;
    }
    if guard.depth() >= MAX_DISPATCH_DEPTH || CAPTURES.load(Ordering::Relaxed) != 0 {
        emission.with_event(&mut |event| dispatch_from(guard, Some(handlers), event, emission));
        return;
    }
    let list = &handlers.list;
    for (at, handler) in list.iter().enumerate() {
        if handler.is_detached() {
            continue;
        }
        let delivered = handler.typed.as_deref().map(|typed| {
            catch_unwind(AssertUnwindSafe(|| {
                emission.deliver(typed, emission.measurements())
            }))
        });
        match delivered {
            Some(Ok(true)) => {}
            Some(Err(payload)) => {
                let mut payload = Some(payload);
                emission.with_event(&mut |event| {
                    if let Some(payload) = payload.take() {
                        handler_failed(handler, event, payload);
                    }
                });
            }
            // Not a typed handler of the value's type: it and the ones after it get the
            // event.
            None | Some(Ok(false)) => {
                emission.with_event(&mut |event| call_each(&list[at..], event, emission));
                return;
            }
        }
    }
}

/// Calls each of `handlers` with `event`, or with `origin`'s value if it is one of the
/// value's typed handlers.
#[inline]
fn call_each(handlers: &[Arc<Handler>], event: &Event<'_>, origin: &(impl Origin + ?Sized)) {
    for handler in handlers {
        if handler.is_detached() {
            continue;
        }
        let call = || {
            let typed = handler.typed.as_deref();
            if !typed.is_some_and(|typed| origin.deliver(typed, event.measurements())) {
                (handler.callback)(event);
            }
        };
        if let Err(payload) = catch_unwind(AssertUnwindSafe(call)) {
            handler_failed(handler, event, payload);
        }
    }
}

/// Records into the captures; a panic escaping the recorder is contained here, so that
/// the emitting code never sees it (the recorder itself records a panicking `Debug`
/// value as the text of its panic).
#[cold]
#[inline(never)]
fn record(event: &Event<'_>) {
    if let Some(recorder) = RECORDER.get()
        && let Err(payload) = catch_unwind(AssertUnwindSafe(|| recorder(event)))
    {
        drop_payload(payload);
    }
}

#[cold]
#[inline(never)]
fn handler_failed(handler: &Arc<Handler>, event: &Event<'_>, payload: Box<dyn Any + Send>) {
    if handler.durability == Durability::DetachOnPanic && handler.mark_detached() {
        FAILED
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Arc::clone(handler));
    }
    // A failing handler of the failure event itself is not reported again: a durable one
    // would otherwise report its own failures forever.
    if event.name() != FAILURE_NAME {
        let event_name = event.name().to_string();
        let metadata = crate::fields!(
            handler_id = handler.id.as_str(),
            event_name = event_name.as_str(),
            kind = Value::atom("panic"),
            reason = panic_message(&*payload),
        );
        let failure = Event::new(FAILURE_NAME, Fields::new(&[]), Fields::new(&metadata));
        let guard = reclaim::pin();
        dispatch(&guard, FAILURE_HANDLERS.load(&guard), &failure);
    }
    drop_payload(payload);
}

/// Drops a panic payload without letting a panic of its own `Drop` escape.
pub(crate) fn drop_payload(payload: Box<dyn Any + Send>) {
    if let Err(nested) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        // Dropping this one could panic again, and so on: it is leaked instead.
        std::mem::forget(nested);
    }
}

/// The text of a panic, as `reason` of failure and exception events.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "panic with a non-string payload"
    }
}

/// Handlers that panicked since the last call; the registry detaches them.
pub(crate) fn take_failed() -> Vec<Arc<Handler>> {
    std::mem::take(&mut *FAILED.lock().unwrap_or_else(PoisonError::into_inner))
}

/// Counts a capture in; `recorder` records an event into the calling thread's captures.
/// Returns whether it is the only one running.
pub(crate) fn begin_capture(recorder: fn(&Event<'_>)) -> bool {
    let _ = RECORDER.set(recorder);
    CAPTURES.fetch_add(1, Ordering::SeqCst) == 0
}

/// Counts a capture out; returns whether none runs any more.
pub(crate) fn end_capture() -> bool {
    CAPTURES
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok_and(|before| before == 1)
}

/// Whether a capture runs on any thread.
pub(crate) fn capturing() -> bool {
    CAPTURES.load(Ordering::SeqCst) != 0
}
