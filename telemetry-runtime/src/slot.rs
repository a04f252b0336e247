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

/// Whether anybody listens, in one byte: unregistered until first used, then idle or
/// active as the registry publishes.
struct Interest(AtomicU8);

impl Interest {
    const fn new() -> Self {
        Interest(AtomicU8::new(UNREGISTERED))
    }

    /// One atomic load; on first use, `register` makes the registry set the state.
    #[inline(always)]
    fn get(&self, register: impl FnOnce()) -> bool {
        match self.0.load(Ordering::Acquire) {
            ACTIVE => true,
            IDLE => false,
            _ => self.register_then_get(register),
        }
    }

    #[cold]
    #[inline(never)]
    fn register_then_get(&self, register: impl FnOnce()) -> bool {
        register();
        self.is_active()
    }

    fn set(&self, active: bool) {
        self.0
            .store(if active { ACTIVE } else { IDLE }, Ordering::Release);
    }

    fn is_active(&self) -> bool {
        self.0.load(Ordering::Acquire) == ACTIVE
    }
}

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
    /// The keys whose values this event carries as sensitive.
    sensitive: &'static [&'static str],
    interest: Interest,
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
        Self::with_name(Name::from_static(segments), &[])
    }

    /// [`EventSlot::new`] for an event whose values under `sensitive_keys` are sensitive
    /// ([`Event::is_sensitive`](crate::Event::is_sensitive)): what the macros declare for
    /// the keys the catalogue marks `sensitive`.
    ///
    /// # Panics
    /// As [`EventSlot::new`].
    pub const fn with_sensitive_keys(
        segments: &'static [&'static str],
        sensitive_keys: &'static [&'static str],
    ) -> Self {
        Self::with_name(Name::from_static(segments), sensitive_keys)
    }

    const fn with_name(name: Name<'static>, sensitive: &'static [&'static str]) -> Self {
        EventSlot {
            name,
            sensitive,
            interest: Interest::new(),
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
        self.interest.get(|| registry::register_slot(self))
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
            let measurements = measurements.with_sensitive_keys(self.sensitive);
            let metadata = metadata.with_sensitive_keys(self.sensitive);
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
        let active = snapshot.is_some();
        self.snapshot.store(snapshot);
        self.interest.set(active);
    }

    pub(crate) fn is_active(&self) -> bool {
        self.interest.is_active()
    }
}

/// The three slots of one span (`start`, `stop`, `exception`) and one combined state, so
/// that a span nobody listens to costs one atomic load.
pub struct SpanSlots {
    prefix: Name<'static>,
    start: EventSlot,
    stop: EventSlot,
    exception: EventSlot,
    interest: Interest,
}

impl SpanSlots {
    /// The slots of the span with this prefix; in a `static`, a malformed segment is a
    /// compile error.
    ///
    /// # Panics
    /// When a segment is malformed and the call is evaluated at run time.
    pub const fn new(prefix: &'static [&'static str]) -> Self {
        Self::with_sensitive_keys(prefix, &[])
    }

    /// [`SpanSlots::new`] for a span whose values under `sensitive_keys` (start or stop
    /// metadata) are sensitive in all three of its events.
    ///
    /// # Panics
    /// As [`SpanSlots::new`].
    pub const fn with_sensitive_keys(
        prefix: &'static [&'static str],
        sensitive_keys: &'static [&'static str],
    ) -> Self {
        let prefix = Name::from_static(prefix);
        let sensitive = sensitive_keys;
        SpanSlots {
            prefix,
            start: EventSlot::with_name(prefix.with_phase(Phase::Start), sensitive),
            stop: EventSlot::with_name(prefix.with_phase(Phase::Stop), sensitive),
            exception: EventSlot::with_name(prefix.with_phase(Phase::Exception), sensitive),
            interest: Interest::new(),
        }
    }

    /// The span's prefix, without a phase.
    pub fn prefix(&self) -> Name<'static> {
        self.prefix
    }

    /// Whether anybody listens to any of the three events: one atomic load.
    #[inline(always)]
    pub fn is_enabled(&'static self) -> bool {
        self.interest.get(|| registry::register_span(self))
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
        self.interest.set(active);
    }
}
