//! Static per-event slots: how a call site knows, with one atomic load, whether anybody
//! listens, and reaches its handlers without looking its name up.
//!
//! After `tracing-core`'s callsites: every event the macros know gets a `static`
//! [`EventSlot`]. A slot registers itself with the registry the first time it is used;
//! from then on, attach and detach publish into it an immutable snapshot of the handlers
//! of its event (or nothing, when there are none). An emitter reads the slot's state,
//! returns when idle, and otherwise calls the handlers of the snapshot it loads.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use arc_swap::ArcSwapOption;

use crate::context::SpanContext;
use crate::dispatch::Snapshot;
use crate::event::Event;
use crate::fields::{Field, Fields};
use crate::name::{Name, Phase};
use crate::registry;

const UNREGISTERED: u8 = 0;
const IDLE: u8 = 1;
const ACTIVE: u8 = 2;

/// The static slot of one event name.
///
/// ```
/// use telemetry_runtime::{attach, detach, fields, EventSlot};
/// static HAVES_SENT: EventSlot = EventSlot::new(&["exgit", "object_store", "haves_sent"]);
///
/// assert!(!HAVES_SENT.is_enabled());           // nobody listens: one atomic load
/// attach("doc-slot", "exgit.object_store.haves_sent", |e| {
///     assert_eq!(e.measurements().get("count").and_then(|v| v.as_u64()), Some(3));
/// }).unwrap();
/// assert!(HAVES_SENT.is_enabled());
/// HAVES_SENT.execute(&fields!(count = 3u64), &fields!(sha = "abc"));
/// detach("doc-slot").unwrap();
/// ```
pub struct EventSlot {
    name: Name<'static>,
    state: AtomicU8,
    snapshot: ArcSwapOption<Snapshot>,
}

impl EventSlot {
    /// A slot for the event with these segments; in a `static`, a malformed segment is a
    /// compile error.
    ///
    /// # Panics
    /// When a segment is malformed and the call is evaluated at run time (slots are meant
    /// to live in `static`s, where the check happens at compile time).
    pub const fn new(segments: &'static [&'static str]) -> Self {
        Self::with_name(Name::from_static(segments))
    }

    const fn with_name(name: Name<'static>) -> Self {
        EventSlot {
            name,
            state: AtomicU8::new(UNREGISTERED),
            snapshot: ArcSwapOption::const_empty(),
        }
    }

    /// The event's name.
    pub fn name(&self) -> Name<'static> {
        self.name
    }

    /// Whether any handler (or a running [`capture`](crate::capture())) listens. This is the
    /// whole cost of an event nobody listens to: one atomic load and a branch.
    #[inline(always)]
    pub fn is_enabled(&'static self) -> bool {
        match self.state.load(Ordering::Acquire) {
            ACTIVE => true,
            IDLE => false,
            _ => self.register(),
        }
    }

    #[cold]
    #[inline(never)]
    fn register(&'static self) -> bool {
        registry::register_slot(self);
        self.state.load(Ordering::Acquire) == ACTIVE
    }

    /// Calls every handler of the current snapshot. Call it after [`is_enabled`]
    /// returned `true`, having built the measurements and metadata only then.
    ///
    /// [`is_enabled`]: EventSlot::is_enabled
    #[inline]
    pub fn dispatch(&self, measurements: Fields<'_>, metadata: Fields<'_>) {
        self.dispatch_in_span(measurements, metadata, None);
    }

    #[inline]
    pub(crate) fn dispatch_in_span(
        &self,
        measurements: Fields<'_>,
        metadata: Fields<'_>,
        span: Option<SpanContext>,
    ) {
        let snapshot = self.snapshot.load();
        if let Some(snapshot) = snapshot.as_ref() {
            snapshot.dispatch(&Event::new(self.name, measurements, metadata).with_span(span));
        }
    }

    /// Emits the event if anybody listens: [`is_enabled`](EventSlot::is_enabled), then
    /// [`dispatch`](EventSlot::dispatch).
    #[inline]
    pub fn execute(&'static self, measurements: &[Field<'_>], metadata: &[Field<'_>]) {
        if self.is_enabled() {
            self.dispatch(Fields::new(measurements), Fields::new(metadata));
        }
    }

    /// Installs a new snapshot; called by the registry under its lock.
    pub(crate) fn publish(&self, snapshot: Option<Arc<Snapshot>>) {
        let state = if snapshot.is_some() { ACTIVE } else { IDLE };
        self.snapshot.store(snapshot);
        self.state.store(state, Ordering::Release);
    }

    pub(crate) fn is_active(&self) -> bool {
        self.state.load(Ordering::Acquire) == ACTIVE
    }
}

/// The three slots of one span (`start`, `stop`, `exception`) and one combined state, so
/// that a span nobody listens to costs one atomic load.
pub struct SpanSlots {
    prefix: Name<'static>,
    start: EventSlot,
    stop: EventSlot,
    exception: EventSlot,
    state: AtomicU8,
}

impl SpanSlots {
    /// The slots of the span with this prefix; in a `static`, a malformed segment is a
    /// compile error.
    ///
    /// # Panics
    /// When a segment is malformed and the call is evaluated at run time.
    pub const fn new(prefix: &'static [&'static str]) -> Self {
        let prefix = Name::from_static(prefix);
        SpanSlots {
            prefix,
            start: EventSlot::with_name(prefix.with_phase(Phase::Start)),
            stop: EventSlot::with_name(prefix.with_phase(Phase::Stop)),
            exception: EventSlot::with_name(prefix.with_phase(Phase::Exception)),
            state: AtomicU8::new(UNREGISTERED),
        }
    }

    /// The span's prefix, without a phase.
    pub fn prefix(&self) -> Name<'static> {
        self.prefix
    }

    /// Whether anybody listens to any of the three events: one atomic load.
    #[inline(always)]
    pub fn is_enabled(&'static self) -> bool {
        match self.state.load(Ordering::Acquire) {
            ACTIVE => true,
            IDLE => false,
            _ => self.register(),
        }
    }

    #[cold]
    #[inline(never)]
    fn register(&'static self) -> bool {
        registry::register_span(self);
        self.state.load(Ordering::Acquire) == ACTIVE
    }

    /// The slot of one phase.
    pub fn slot(&'static self, phase: Phase) -> &'static EventSlot {
        match phase {
            Phase::Start => &self.start,
            Phase::Stop => &self.stop,
            Phase::Exception => &self.exception,
        }
    }

    pub(crate) fn slots(&'static self) -> [&'static EventSlot; 3] {
        [&self.start, &self.stop, &self.exception]
    }

    /// Recomputes the combined state from the three slots; called by the registry under
    /// its lock, after publishing into the slots.
    pub(crate) fn refresh(&self) {
        let active = [&self.start, &self.stop, &self.exception]
            .iter()
            .any(|slot| slot.is_active());
        self.state
            .store(if active { ACTIVE } else { IDLE }, Ordering::Release);
    }
}
