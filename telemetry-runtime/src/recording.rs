//! What a running capture holds, and how an emitted event finds the captures it belongs
//! to: those carried by the emitting thread's current context, and those that recorded
//! the start of the span the event ends.

use std::any::Any;
use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use crate::context;
use crate::event::{Event, OwnedEvent};
use crate::fields::{Field, Fields};
use crate::ids::SpanId;
use crate::name::Phase;
use crate::value::Value;

/// The buffer of one running capture. Events are appended in the order their emission
/// began: a slot is reserved before the event is copied, because copying runs `Debug`
/// impls, which may emit events of their own.
pub(crate) struct Recording {
    events: Mutex<Vec<Option<OwnedEvent>>>,
    open: AtomicBool,
    /// The capture this one runs inside: it sees this one's events too.
    outer: Option<Arc<Recording>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // No user code runs under these locks, so a poisoned one still holds consistent data.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Recording {
    /// A new recording inside the current thread's capture, if any.
    pub(crate) fn start() -> Arc<Self> {
        Arc::new(Recording {
            events: Mutex::new(Vec::new()),
            open: AtomicBool::new(true),
            outer: current(),
        })
    }

    /// Stops recording and returns what was recorded. An event whose emission had begun
    /// on another thread and not yet finished copying is not part of it: it was emitted
    /// while the capture ended, not before.
    pub(crate) fn finish(self: &Arc<Self>) -> Vec<OwnedEvent> {
        self.open.store(false, Ordering::Release);
        SPAN_OWNERS.forget(self);
        let events = std::mem::take(&mut *lock(&self.events));
        events.into_iter().flatten().collect()
    }

    fn reserve(&self) -> Option<usize> {
        let mut events = lock(&self.events);
        // Checked under the lock: `finish` empties the buffer after clearing the flag.
        self.open.load(Ordering::Acquire).then(|| {
            events.push(None);
            events.len() - 1
        })
    }

    fn fill(&self, index: usize, event: OwnedEvent) {
        if let Some(slot) = lock(&self.events).get_mut(index) {
            *slot = Some(event);
        }
    }
}

/// The recording of the current thread's capture, if any.
pub(crate) fn current() -> Option<Arc<Recording>> {
    context::current_capture().and_then(|c| c.downcast::<Recording>().ok())
}

/// A recording in the opaque form the context carries.
pub(crate) fn as_carried(recording: &Arc<Recording>) -> Arc<dyn Any + Send + Sync> {
    Arc::clone(recording) as Arc<dyn Any + Send + Sync>
}

/// Records `event` into every capture it belongs to.
pub(crate) fn record(event: &Event<'_>) {
    let mut targets: Vec<Arc<Recording>> = Vec::new();
    let mut next = current();
    while let Some(recording) = next {
        next = recording.outer.clone();
        targets.push(recording);
    }
    if let Some(span) = event.span_context() {
        match event.name().phase() {
            Some(Phase::Start) if !targets.is_empty() => SPAN_OWNERS.insert(span.id(), &targets),
            Some(Phase::Stop | Phase::Exception) => {
                for owner in SPAN_OWNERS.take(span.id()) {
                    if !targets.iter().any(|t| Arc::ptr_eq(t, &owner)) {
                        targets.push(owner);
                    }
                }
            }
            _ => {}
        }
    }
    if targets.is_empty() {
        return;
    }
    let reserved: Vec<(Arc<Recording>, usize)> = targets
        .into_iter()
        .filter_map(|t| t.reserve().map(|index| (t, index)))
        .collect();
    if reserved.is_empty() {
        return;
    }
    let owned = owned_copy(event);
    for (recording, index) in reserved {
        recording.fill(index, owned.clone());
    }
}

/// The owned copy of `event`. A value whose `Debug` impl panics is recorded as the panic
/// message rather than losing the whole event or unwinding into the emitting code.
fn owned_copy(event: &Event<'_>) -> OwnedEvent {
    if let Ok(owned) = catch_unwind(AssertUnwindSafe(|| event.to_owned_event())) {
        return owned;
    }
    let measurements = PanicFree::of(event.measurements());
    let metadata = PanicFree::of(event.metadata());
    let (measurements, metadata) = (measurements.fields(), metadata.fields());
    Event::in_span(
        event.name(),
        Fields::new(&measurements),
        Fields::new(&metadata),
        event.span_context(),
    )
    .to_owned_event()
}

/// Fields whose values copy without panicking: a `Debug` value that panicked replaced
/// by the text of its panic.
struct PanicFree<'a> {
    fields: Vec<(&'a str, Result<Value<'a>, String>)>,
}

impl<'a> PanicFree<'a> {
    fn of(fields: Fields<'a>) -> Self {
        let fields = fields
            .iter()
            .map(|field| {
                let copied = catch_unwind(AssertUnwindSafe(|| field.value.to_owned_value()));
                let value = copied
                    .map(|_| field.value)
                    .map_err(|payload| format!("<Debug panicked: {}>", panic_text(&*payload)));
                (field.key, value)
            })
            .collect();
        PanicFree { fields }
    }

    fn fields(&self) -> Vec<Field<'_>> {
        self.fields
            .iter()
            .map(|(key, value)| Field {
                key,
                value: match value {
                    Ok(value) => *value,
                    Err(message) => Value::Str(message),
                },
            })
            .collect()
    }
}

/// The text of a panic. (Dispatch has the same reading; this module sits below it.)
fn panic_text(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&'static str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("panic with a non-string payload")
}

/// The captures that recorded the start of a span still open, so that its end reaches
/// them on whatever thread it happens.
struct SpanOwners {
    owners: Mutex<Option<HashMap<SpanId, Vec<Weak<Recording>>>>>,
    /// How many spans are in the map: ending a span captured by nobody skips the lock.
    len: AtomicUsize,
}

static SPAN_OWNERS: SpanOwners = SpanOwners {
    owners: Mutex::new(None),
    len: AtomicUsize::new(0),
};

impl SpanOwners {
    fn insert(&self, span: SpanId, recordings: &[Arc<Recording>]) {
        let mut owners = lock(&self.owners);
        let owners = owners.get_or_insert_with(HashMap::new);
        owners.insert(span, recordings.iter().map(Arc::downgrade).collect());
        self.len.store(owners.len(), Ordering::Release);
    }

    fn take(&self, span: SpanId) -> Vec<Arc<Recording>> {
        if self.len.load(Ordering::Acquire) == 0 {
            return Vec::new();
        }
        let mut owners = lock(&self.owners);
        let Some(owners) = owners.as_mut() else {
            return Vec::new();
        };
        let taken = owners.remove(&span).unwrap_or_default();
        self.len.store(owners.len(), Ordering::Release);
        taken.iter().filter_map(Weak::upgrade).collect()
    }

    /// Forgets the spans of a finished recording, so that spans it saw start and never
    /// saw end (leaked, or still running) take no memory once it is over.
    fn forget(&self, finished: &Arc<Recording>) {
        let mut owners = lock(&self.owners);
        let Some(owners) = owners.as_mut() else {
            return;
        };
        owners.retain(|_, recordings| {
            recordings.retain(|r| {
                r.upgrade()
                    .is_some_and(|r| !Arc::ptr_eq(&r, finished) && r.open.load(Ordering::Acquire))
            });
            !recordings.is_empty()
        });
        self.len.store(owners.len(), Ordering::Release);
    }
}
