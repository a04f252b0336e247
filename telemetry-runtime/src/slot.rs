//! Static per-event slots: how a call site knows, with one atomic load, whether anybody
//! listens, and reaches its handlers without looking its name up.
//!
//! After `tracing-core`'s callsites: every event the macros know gets a `static`
//! [`EventSlot`]. The first time a slot is used it queues itself for the registry and
//! reads its state from the index, without waiting for the registry's lock; once the
//! registry has adopted it, attach and detach publish into it an immutable snapshot of
//! the handlers of its event (or nothing, when there are none). An emitter reads the
//! slot's state, returns when idle, and otherwise calls the handlers of the snapshot it
//! loads (or, before adoption, those the index holds for its name).

use std::sync::atomic::{AtomicBool, Ordering, fence};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use crate::context::SpanContext;
use crate::dispatch::{self, Emission, Handlers, HandlersCell};
use crate::event::Event;
use crate::fields::{Field, Fields};
use crate::index;
use crate::interest::{CAPTURE, HANDLERS, Interest, TYPED};
use crate::name::{Name, Phase};
use crate::reclaim::{self, Guard};
use crate::sync::AtomicU8;

/// Slots used for the first time, until the registry adopts them: registering never
/// waits for the registry.
static NEW_SLOTS: Mutex<Vec<&'static EventSlot>> = Mutex::new(Vec::new());
static NEW_SPANS: Mutex<Vec<&'static SpanSlots>> = Mutex::new(Vec::new());

/// How the registry adopts queued slots when its lock is free, without waiting for it;
/// the registry installs it when it is first used.
static ADOPT: OnceLock<fn()> = OnceLock::new();

pub(crate) fn install_adopter(adopt: fn()) {
    let _ = ADOPT.set(adopt);
}

fn try_adopt() {
    if let Some(adopt) = ADOPT.get() {
        adopt();
    }
}

/// Slots and spans first used since the last call; the registry adopts them.
pub(crate) fn take_new() -> (Vec<&'static EventSlot>, Vec<&'static SpanSlots>) {
    let slots = std::mem::take(&mut *NEW_SLOTS.lock().unwrap_or_else(PoisonError::into_inner));
    let spans = std::mem::take(&mut *NEW_SPANS.lock().unwrap_or_else(PoisonError::into_inner));
    (slots, spans)
}

/// Queues `item` for the registry, then reads the state it would publish. The fence
/// pairs with the registry's (it publishes, fences, then drains the queue): either this
/// read sees the registry's change or the registry sees this slot and publishes into it.
fn queue_then_read<T>(queue: &Mutex<Vec<T>>, item: T, read: impl FnOnce() -> u8) -> u8 {
    queue
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(item);
    fence(Ordering::SeqCst);
    let capture = if dispatch::capturing() { CAPTURE } else { 0 };
    let reasons = read() | capture;
    try_adopt();
    reasons
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
    handlers: HandlersCell,
    /// Whether the registry publishes into this slot yet.
    adopted: AtomicBool,
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
            interest: Interest::new(AtomicU8::new(0)),
            handlers: dispatch::empty_handlers(),
            adopted: AtomicBool::new(false),
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
        self.interest.get(|| self.first_use())
    }

    /// Whether the slot is known to the registry and nobody listens: one load and one
    /// compare. `false` means "ask [`is_enabled`](EventSlot::is_enabled)", which also
    /// registers a slot used for the first time; emitters test this inline and keep the
    /// rest out of line.
    #[inline(always)]
    pub fn is_idle(&'static self) -> bool {
        self.interest.is_idle()
    }

    /// Whether the slot was used before, so that its state is known: a registered slot
    /// that is not [idle](EventSlot::is_idle) has somebody listening. `emit!` tests it to
    /// keep the first use, which registers the slot, on a path of its own.
    #[inline(always)]
    pub fn is_registered(&'static self) -> bool {
        self.interest.is_registered()
    }

    /// Queues the slot for the registry and reads its handlers from the index.
    fn first_use(&'static self) -> u8 {
        queue_then_read(&NEW_SLOTS, self, || {
            let guard = reclaim::pin();
            index::with_handlers(&guard, self.name, |handlers| match handlers {
                Some(handlers) if handlers.any_typed() => HANDLERS | TYPED,
                Some(_) => HANDLERS,
                None => 0,
            })
        })
    }

    /// Registers the slot if it is used for the first time.
    fn ensure_registered(&'static self) {
        self.interest.get(|| self.first_use());
    }

    /// Calls every handler of the current snapshot. Call it after [`is_enabled`]
    /// returned `true`, having built the measurements and metadata only then.
    ///
    /// [`is_enabled`]: EventSlot::is_enabled
    #[inline]
    pub fn dispatch(&self, measurements: Fields<'_>, metadata: Fields<'_>) {
        self.dispatch_in_span(measurements, metadata, None);
    }

    // Always inline: its fields arrive through memory otherwise, written by the caller
    // word by word just before and read back in 16-byte loads, which stall on store
    // forwarding (the largest single cost of a dispatch in time, invisible in its
    // instruction count).
    #[inline(always)]
    pub(crate) fn dispatch_in_span(
        &self,
        measurements: Fields<'_>,
        metadata: Fields<'_>,
        span: Option<SpanContext>,
    ) {
        let event = self.event(measurements, metadata, span);
        let guard = reclaim::pin();
        match self.handlers.load(&guard) {
            Some(handlers) => dispatch::dispatch(&guard, Some(handlers), &event),
            None => self.dispatch_without_handlers(&guard, &event),
        }
    }

    /// Whether some handlers are typed handlers, as a hint: an emitter of a typed value
    /// that takes [`dispatch_emission`](EventSlot::dispatch_emission) on a wrong hint, or
    /// [`dispatch`](EventSlot::dispatch), delivers the same, only slower.
    #[inline(always)]
    pub(crate) fn hints_typed_handlers(&self) -> bool {
        self.interest.hints(TYPED)
    }

    /// Dispatches a typed value, whose event is built only if a handler needs it.
    #[inline(always)]
    pub(crate) fn dispatch_emission(&self, emission: &dyn Emission) {
        let guard = reclaim::pin();
        match self.handlers.load(&guard) {
            Some(handlers) => dispatch::dispatch_emission(&guard, handlers, emission),
            None => self.dispatch_emission_without_handlers(&guard, emission),
        }
    }

    /// [`dispatch_without_handlers`](EventSlot::dispatch_without_handlers) of a typed
    /// value: its typed handlers receive it as they would from an adopted slot.
    #[cold]
    #[inline(never)]
    fn dispatch_emission_without_handlers(&self, guard: &Guard, emission: &dyn Emission) {
        if !self.adopted.load(Ordering::Acquire) {
            try_adopt();
        }
        index::with_handlers(guard, self.name, |handlers| match handlers {
            Some(handlers) => dispatch::dispatch_emission(guard, handlers, emission),
            None => emission.with_event(&mut |event| dispatch::dispatch(guard, None, event)),
        });
    }

    /// The event of this slot with these fields, carrying the slot's sensitive keys.
    #[inline(always)]
    pub(crate) fn event<'a>(
        &self,
        measurements: Fields<'a>,
        metadata: Fields<'a>,
        span: Option<SpanContext>,
    ) -> Event<'a> {
        let (measurements, metadata) = (self.marked(measurements), self.marked(metadata));
        Event::in_span(self.name, measurements, metadata, span)
    }

    /// `fields`, telling which of them this event carries as sensitive.
    #[inline(always)]
    pub(crate) fn marked<'a>(&self, fields: Fields<'a>) -> Fields<'a> {
        fields.with_sensitive_keys(self.sensitive)
    }

    /// Not adopted by the registry yet (its handlers are in the index), or only a
    /// capture listens.
    #[cold]
    #[inline(never)]
    fn dispatch_without_handlers(&self, guard: &Guard, event: &Event<'_>) {
        if !self.adopted.load(Ordering::Acquire) {
            try_adopt();
        }
        index::dispatch(guard, event);
    }

    /// Emits the event if anybody listens: [`is_enabled`](EventSlot::is_enabled), then
    /// [`dispatch`](EventSlot::dispatch).
    #[inline]
    pub fn execute(&'static self, measurements: &[Field<'_>], metadata: &[Field<'_>]) {
        if self.is_enabled() {
            self.dispatch(Fields::new(measurements), Fields::new(metadata));
        }
    }

    /// Installs the handlers of the slot's event; called by the registry under its lock.
    pub(crate) fn publish(&self, handlers: Option<Arc<Handlers>>) {
        let active = handlers.is_some();
        let typed = handlers
            .as_ref()
            .is_some_and(|handlers| handlers.any_typed());
        self.handlers.store(handlers);
        self.interest.set(HANDLERS, active);
        self.interest.set(TYPED, typed);
        self.adopted.store(true, Ordering::Release);
    }

    /// Marks whether a capture runs; called by the registry under its lock.
    pub(crate) fn set_capture(&self, on: bool) {
        self.interest.set(CAPTURE, on);
    }

    fn has_handlers(&self) -> bool {
        self.interest.has(HANDLERS)
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
            interest: Interest::new(AtomicU8::new(0)),
        }
    }

    /// The span's prefix, without a phase.
    pub fn prefix(&self) -> Name<'static> {
        self.prefix
    }

    /// Whether anybody listens to any of the three events: one atomic load.
    #[inline(always)]
    pub fn is_enabled(&'static self) -> bool {
        self.interest.get(|| self.first_use())
    }

    /// Whether the span is known to the registry and nobody listens to any of its three
    /// events: one load and one compare. `false` means "ask
    /// [`is_enabled`](SpanSlots::is_enabled)", which also registers slots used for the
    /// first time; `#[span]` functions test this inline and keep the rest out of line.
    #[inline(always)]
    pub fn is_idle(&'static self) -> bool {
        self.interest.is_idle()
    }

    fn first_use(&'static self) -> u8 {
        for slot in self.slots() {
            slot.ensure_registered();
        }
        queue_then_read(&NEW_SPANS, self, || {
            let prefix = self.prefix;
            let any = [Phase::Start, Phase::Stop, Phase::Exception]
                .into_iter()
                .any(|phase| index::has_handlers(prefix.with_phase(phase)));
            if any { HANDLERS } else { 0 }
        })
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
            .any(|slot| slot.has_handlers());
        self.interest.set(HANDLERS, active);
    }

    /// Marks whether a capture runs; called by the registry under its lock.
    pub(crate) fn set_capture(&self, on: bool) {
        self.interest.set(CAPTURE, on);
    }
}
