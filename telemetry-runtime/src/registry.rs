//! The handler registry: who is attached to what, and the only writer of the layers below.
//!
//! Every change takes one lock and touches only the events it names: it rebuilds the
//! handler list of each such event and publishes it into the index and into that
//! event's slots. Emitters never take the lock; slots first used and handlers that failed
//! wait on deferred lists that every change drains (see the `dispatch` module for the
//! seams). Handlers are never called, and closures never dropped, with the lock held, so
//! a handler may attach, detach or emit without deadlock.
//!
//! # When a detached handler stops being called
//! Once [`detach`] (or the end of [`with_handler`](crate::with_handler())) has returned,
//! no call of that handler starts that happens after the return (on the same thread, or
//! on a thread that synchronised with it): the handler is flagged before the call returns,
//! and dispatch checks the flag before each call, even through a snapshot loaded earlier.
//! A call already running may finish.
//!
//! # When its closure is dropped
//! Dispatch reads the handler lists without reference counting (see `reclaim`), so a
//! list that an attach or detach replaced is dropped once no dispatch can still use it,
//! and a closure with the last list (or registration) that holds it:
//! - before `detach` returns, when no dispatch was running on any thread at that moment;
//! - otherwise when the last dispatch that was running at that moment ends (a handler
//!   that detaches itself: when its own dispatch ends);
//! - at the latest, should that dispatch find another thread dropping lists at that
//!   instant, at the next registry operation.
//!
//! A handler detached by its own panic is removed at the registry's next operation, and
//! dropped by the same rules from then on.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{Ordering, fence};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError, TryLockError};

use crate::context::SpanContext;
use crate::dispatch::{self, FAILURE_HANDLERS, HANDLER_FAILURE, Handlers};
use crate::error::{AttachError, DetachError};
use crate::event::Event;
use crate::fields::Fields;
use crate::handler::{Callbacks, Durability, Handler, HandlerId, HandlerInfo};
use crate::index::{self, IndexWriter};
use crate::name::{EventName, IntoName, Name};
use crate::reclaim;
use crate::slot::{self, EventSlot, SpanSlots};

struct Registration {
    handler: Arc<Handler>,
    events: Vec<EventName>,
}

/// What the registry knows about one event name.
#[derive(Default)]
struct EventEntry {
    handlers: Vec<Arc<Handler>>,
    slots: Vec<&'static EventSlot>,
    spans: Vec<&'static SpanSlots>,
}

struct Registry {
    /// By serial, which is attach order.
    registrations: BTreeMap<u64, Registration>,
    ids: HashMap<HandlerId, u64>,
    events: HashMap<EventName, EventEntry>,
    index: IndexWriter,
    next_serial: u64,
    /// Whether the slots carry the capture bit.
    capture_on: bool,
    /// Removed registrations, dropped once the lock is released.
    released: Vec<Registration>,
}

static REGISTRY: LazyLock<Mutex<Registry>> = LazyLock::new(|| {
    slot::install_adopter(try_adopt);
    Mutex::new(Registry {
        registrations: BTreeMap::new(),
        ids: HashMap::new(),
        events: HashMap::new(),
        index: IndexWriter::new(),
        next_serial: 0,
        capture_on: false,
        released: Vec::new(),
    })
});

/// The locked registry. Taking it first detaches the handlers that failed meanwhile;
/// releasing it first adopts the slots used meanwhile, then drops what was removed.
/// The second field says whether releasing it drops retired snapshots: an emitter that
/// adopted its slot retired nothing, and must not wait for another thread's drop.
struct Locked(Option<MutexGuard<'static, Registry>>, bool);

fn registry() -> Locked {
    // The lock is never held while user code runs, so a poisoned lock still guards a
    // consistent table.
    let mut guard = REGISTRY.lock().unwrap_or_else(PoisonError::into_inner);
    guard.detach_failed();
    Locked(Some(guard), true)
}

/// Adopts the slots first used meanwhile if the lock is free; never waits for it. A busy
/// registry adopts them itself before it releases the lock.
fn try_adopt() {
    let guard = match REGISTRY.try_lock() {
        Ok(guard) => guard,
        Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
        Err(TryLockError::WouldBlock) => return,
    };
    drop(Locked(Some(guard), false));
}

impl Deref for Locked {
    type Target = Registry;
    fn deref(&self) -> &Registry {
        self.0.as_ref().expect("held until dropped")
    }
}

impl DerefMut for Locked {
    fn deref_mut(&mut self) -> &mut Registry {
        self.0.as_mut().expect("held until dropped")
    }
}

impl Drop for Locked {
    fn drop(&mut self) {
        let released = self.0.as_mut().map(|registry| {
            // Pairs with the fence of a slot's first use: every change published above
            // is visible to it, or it is in the queue drained here.
            fence(Ordering::SeqCst);
            registry.adopt_new_slots();
            std::mem::take(&mut registry.released)
        });
        self.0 = None;
        // Drops the snapshots replaced meanwhile that no dispatch uses any more, outside
        // the lock: dropping a handler runs its closure's `Drop`.
        if self.1 {
            reclaim::synchronize();
        }
        drop(released);
    }
}

impl Registry {
    fn detach_failed(&mut self) {
        for handler in dispatch::take_failed() {
            self.remove(handler.serial);
        }
    }

    fn adopt_new_slots(&mut self) {
        let (slots, spans) = slot::take_new();
        for slot in slots {
            let entry = self.events.entry(slot.name().to_event_name()).or_default();
            if !entry.slots.iter().any(|s| std::ptr::eq(*s, slot)) {
                entry.slots.push(slot);
            }
            slot.publish(handlers_of(entry));
            slot.set_capture(self.capture_on);
        }
        for span in spans {
            for slot in span.slots() {
                let entry = self.events.entry(slot.name().to_event_name()).or_default();
                if !entry.spans.iter().any(|s| std::ptr::eq(*s, span)) {
                    entry.spans.push(span);
                }
            }
            span.refresh();
            span.set_capture(self.capture_on);
        }
    }

    /// Publishes the handlers of `name` into the index and its slots.
    fn publish(&mut self, name: &EventName) {
        let Some(entry) = self.events.get(name) else {
            return;
        };
        let handlers = handlers_of(entry);
        self.index.set(name, handlers.clone());
        if name.as_name() == Name::from_static(HANDLER_FAILURE) {
            FAILURE_HANDLERS.store(handlers.clone());
        }
        for slot in &entry.slots {
            slot.publish(handlers.clone());
        }
        for span in &entry.spans {
            span.refresh();
        }
        if entry.handlers.is_empty() && entry.slots.is_empty() && entry.spans.is_empty() {
            self.events.remove(name);
        }
    }

    fn add(
        &mut self,
        id: HandlerId,
        names: Vec<EventName>,
        callbacks: Callbacks,
        durability: Durability,
    ) -> u64 {
        let serial = self.next_serial;
        self.next_serial += 1;
        let handler = Arc::new(Handler::new(id.clone(), callbacks, durability, serial));
        for name in &names {
            let entry = self.events.entry(name.clone()).or_default();
            entry.handlers.push(Arc::clone(&handler));
            self.publish(name);
        }
        self.ids.insert(id, serial);
        self.registrations.insert(
            serial,
            Registration {
                handler,
                events: names,
            },
        );
        serial
    }

    /// Removes one registration; whether it was there.
    fn remove(&mut self, serial: u64) -> bool {
        let Some(registration) = self.registrations.remove(&serial) else {
            return false;
        };
        registration.handler.mark_detached();
        self.ids.remove(&registration.handler.id);
        for name in &registration.events {
            if let Some(entry) = self.events.get_mut(name) {
                entry.handlers.retain(|h| h.serial != serial);
                self.publish(name);
            }
        }
        self.released.push(registration);
        true
    }

    /// Sets or clears the capture bit of every slot, as captures start and end.
    fn sweep_capture(&mut self) {
        let on = dispatch::capturing();
        if on == self.capture_on {
            return;
        }
        self.capture_on = on;
        for entry in self.events.values() {
            for slot in &entry.slots {
                slot.set_capture(on);
            }
            for span in &entry.spans {
                span.set_capture(on);
            }
        }
    }
}

fn handlers_of(entry: &EventEntry) -> Option<Arc<Handlers>> {
    (!entry.handlers.is_empty()).then(|| Arc::new(Handlers::new(entry.handlers.clone())))
}

/// Counts a capture in; `recorder` records an event into the calling thread's captures.
pub(crate) fn begin_capture(recorder: fn(&Event<'_>)) {
    // Counted before the lock, so that a slot first used from now on sees the count, and
    // a slot first used before is in the queue drained when the lock is taken.
    dispatch::begin_capture(recorder);
    let mut registry = registry();
    fence(Ordering::SeqCst);
    registry.adopt_new_slots();
    registry.sweep_capture();
}

/// Counts a capture out.
pub(crate) fn end_capture() {
    dispatch::end_capture();
    registry().sweep_capture();
}

/// Whether anything listens to `name`, for names without a static slot.
pub(crate) fn dynamic_enabled(name: Name<'_>) -> bool {
    dispatch::capturing() || index::has_handlers(name)
}

/// Dispatches an event whose name has no static slot.
pub(crate) fn dispatch_dynamic(
    name: Name<'_>,
    measurements: Fields<'_>,
    metadata: Fields<'_>,
    span: Option<SpanContext>,
) {
    if index::is_empty() && !dispatch::capturing() {
        return;
    }
    let guard = reclaim::pin();
    index::dispatch(&guard, &Event::in_span(name, measurements, metadata, span));
}

/// Attaches `handler` to one event under a unique `id`.
///
/// The handler runs synchronously, in the emitting thread, for every event with exactly
/// this name. A handler that panics is detached and reported as a
/// `telemetry.handler.failure` event (see [`attach_with`] for durable handlers).
///
/// ```
/// use telemetry_runtime::{attach, detach, execute, fields, AttachError};
/// attach("doc-attach", "charon.session.create", |event| {
///     println!("{} {:?}", event.name(), event.metadata());
/// })?;
/// execute("charon.session.create", &fields!(count = 1u64), &fields!(session_id = "s1"))?;
/// assert!(matches!(attach("doc-attach", "charon.session.create", |_| {}), Err(AttachError::DuplicateId(_))));
/// detach("doc-attach")?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn attach<'n, F>(
    id: impl Into<HandlerId>,
    event: impl IntoName<'n>,
    handler: F,
) -> Result<(), AttachError>
where
    F: Fn(&Event<'_>) + Send + Sync + 'static,
{
    attach_with(id, [event], Durability::DetachOnPanic, handler)
}

/// Attaches `handler` to several events under one `id`; [`detach`] removes it from all.
///
/// ```
/// use telemetry_runtime::{attach_many, AttachError};
/// let none: [&str; 0] = [];
/// assert!(matches!(attach_many("doc-none", none, |_| {}), Err(AttachError::NoEvents(_))));
/// ```
pub fn attach_many<'n, N, F>(
    id: impl Into<HandlerId>,
    events: impl IntoIterator<Item = N>,
    handler: F,
) -> Result<(), AttachError>
where
    N: IntoName<'n>,
    F: Fn(&Event<'_>) + Send + Sync + 'static,
{
    attach_with(id, events, Durability::DetachOnPanic, handler)
}

/// [`attach_many`] with a choice of what happens when the handler panics.
pub fn attach_with<'n, N, F>(
    id: impl Into<HandlerId>,
    events: impl IntoIterator<Item = N>,
    durability: Durability,
    handler: F,
) -> Result<(), AttachError>
where
    N: IntoName<'n>,
    F: Fn(&Event<'_>) + Send + Sync + 'static,
{
    attach_registration(id.into(), events, durability, Callbacks::generic(handler)).map(drop)
}

/// Attaches and returns the registration's serial, which tells it from a later
/// registration under the same id.
pub(crate) fn attach_registration<'n, N>(
    id: HandlerId,
    events: impl IntoIterator<Item = N>,
    durability: Durability,
    callbacks: Callbacks,
) -> Result<u64, AttachError>
where
    N: IntoName<'n>,
{
    let mut names: Vec<EventName> = Vec::new();
    let mut seen: HashSet<EventName> = HashSet::new();
    for event in events {
        let name = event.into_name()?.to_event_name();
        if seen.insert(name.clone()) {
            names.push(name);
        }
    }
    if names.is_empty() {
        return Err(AttachError::NoEvents(id));
    }
    let mut registry = registry();
    if registry.ids.contains_key(&id) {
        drop(registry);
        return Err(AttachError::DuplicateId(id));
    }
    Ok(registry.add(id, names, callbacks, durability))
}

/// Detaches the handler with this `id` from every event it was attached to.
///
/// Once it has returned, no call of the handler starts. Its closure is dropped before it
/// returns when no event is being dispatched at that moment, otherwise as soon as the
/// dispatches running at that moment end.
pub fn detach(id: impl Into<HandlerId>) -> Result<(), DetachError> {
    let id = id.into();
    let mut registry = registry();
    match registry.ids.get(&id).copied() {
        Some(serial) => {
            registry.remove(serial);
            Ok(())
        }
        None => Err(DetachError::UnknownId(id)),
    }
}

/// Detaches the registration with this serial, if it is still attached.
pub(crate) fn detach_registration(serial: u64) {
    registry().remove(serial);
}

/// Every (handler, event) pair whose event name starts with `prefix`, segment by segment;
/// an empty prefix lists all. Ordered by attach order, then by event.
///
/// ```
/// use telemetry_runtime::{attach_many, detach, list_handlers};
/// attach_many("doc-list", ["exgit.fs.grep.stop", "exgit.fs.walk.stop"], |_| {})?;
/// assert_eq!(list_handlers(&["exgit", "fs", "grep"]).len(), 1);
/// assert_eq!(list_handlers(&["exgit", "fs"]).len(), 2);
/// assert!(list_handlers(&["exgit", "f"]).is_empty());
/// detach("doc-list")?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn list_handlers(prefix: &[&str]) -> Vec<HandlerInfo> {
    let registry = registry();
    registry
        .registrations
        .values()
        .flat_map(|r| {
            r.events
                .iter()
                .filter(|e| e.starts_with(prefix))
                .map(|e| HandlerInfo {
                    id: r.handler.id.clone(),
                    event: e.clone(),
                    durability: r.handler.durability,
                })
        })
        .collect()
}

/// Runs `f` with the registry's lock held, as a long attach or detach would: emitters on
/// other threads must still complete meanwhile. For tests of that promise only.
#[doc(hidden)]
pub fn hold_registry_for_tests<R>(f: impl FnOnce() -> R) -> R {
    let _registry = registry();
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_finds_every_name_while_its_table_grows_and_shrinks_back() {
        let names: Vec<String> = (0..200).map(|i| format!("index.grow.n{i}")).collect();
        for (i, name) in names.iter().enumerate() {
            attach(format!("index-grow-{i}"), name.as_str(), |_| {}).unwrap();
        }
        for name in &names {
            let name = Name::parse(name).unwrap();
            assert!(index::has_handlers(name), "{name} lost");
        }
        for i in 0..names.len() {
            detach(format!("index-grow-{i}")).unwrap();
        }
        for name in &names {
            assert!(!index::has_handlers(Name::parse(name).unwrap()));
        }
    }
}
