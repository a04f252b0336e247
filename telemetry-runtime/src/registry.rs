//! The handler registry: who is attached to what, and the snapshots published from it.
//!
//! Every change (attach, detach, a capture starting or ending, a slot registering) takes
//! one lock, updates the table, and publishes fresh immutable snapshots into the affected
//! slots and into the table used by dynamic names. Emitters never take the lock: they
//! only load snapshots. Handlers are never called with the lock held, so a handler may
//! attach, detach or emit without deadlock.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use arc_swap::ArcSwapOption;

use crate::context::SpanContext;
use crate::dispatch::Snapshot;
use crate::error::{AttachError, DetachError};
use crate::event::Event;
use crate::fields::Fields;
use crate::handler::{Callback, Durability, Entry, HandlerId, HandlerInfo};
use crate::name::{EventName, IntoName, Name};
use crate::slot::{EventSlot, SpanSlots};

struct Registration {
    id: HandlerId,
    events: Vec<EventName>,
    callback: Arc<Callback>,
    durability: Durability,
}

struct Registry {
    handlers: Vec<Registration>,
    slots: Vec<&'static EventSlot>,
    spans: Vec<&'static SpanSlots>,
    captures: usize,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    handlers: Vec::new(),
    slots: Vec::new(),
    spans: Vec::new(),
    captures: 0,
});

/// Handlers by event name, for names that have no static slot.
static DYNAMIC: ArcSwapOption<DynamicTable> = ArcSwapOption::const_empty();

/// Whether anything at all listens; lets a dynamic name skip its lookup when nobody does.
static ANY_LISTENER: AtomicBool = AtomicBool::new(false);

fn registry() -> MutexGuard<'static, Registry> {
    // The lock is never held while user code runs, so a poisoned lock still guards a
    // consistent table.
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Registry {
    fn snapshot_for(&self, name: Name<'_>) -> Option<Arc<Snapshot>> {
        let handlers: Vec<Entry> = self
            .handlers
            .iter()
            .filter(|r| r.events.iter().any(|e| name == *e))
            .map(|r| Entry {
                id: r.id.clone(),
                callback: Arc::clone(&r.callback),
                durability: r.durability,
            })
            .collect();
        let capture = self.captures > 0;
        (capture || !handlers.is_empty()).then(|| Arc::new(Snapshot::new(handlers, capture)))
    }

    /// Publishes fresh snapshots into the slots of `changed` events (all slots when
    /// `None`, as when a capture starts or ends), and a fresh dynamic table.
    fn publish(&self, changed: Option<&[EventName]>) {
        let affected =
            |slot: &EventSlot| changed.is_none_or(|names| names.iter().any(|n| slot.name() == *n));
        for slot in self.slots.iter().filter(|s| affected(s)) {
            slot.publish(self.snapshot_for(slot.name()));
        }
        for span in &self.spans {
            span.refresh();
        }
        DYNAMIC.store(Some(Arc::new(DynamicTable::build(self))));
        ANY_LISTENER.store(
            self.captures > 0 || !self.handlers.is_empty(),
            Ordering::Release,
        );
    }

    fn register_slot(&mut self, slot: &'static EventSlot) {
        if !self.slots.iter().any(|s| std::ptr::eq(*s, slot)) {
            self.slots.push(slot);
        }
        slot.publish(self.snapshot_for(slot.name()));
    }
}

/// Handlers by the hash of their event's segments, so that a dynamic name is looked up
/// without allocating.
struct DynamicTable {
    by_hash: HashMap<u64, Vec<(EventName, Arc<Snapshot>)>>,
    /// While a capture runs, events that no handler listens to are still recorded.
    capture_only: Option<Arc<Snapshot>>,
}

impl DynamicTable {
    fn build(registry: &Registry) -> Self {
        let mut by_hash: HashMap<u64, Vec<(EventName, Arc<Snapshot>)>> = HashMap::new();
        for name in registry.handlers.iter().flat_map(|r| r.events.iter()) {
            let hash = name.as_name().segments_hash();
            let bucket = by_hash.entry(hash).or_default();
            if bucket.iter().any(|(n, _)| n == name) {
                continue;
            }
            if let Some(snapshot) = registry.snapshot_for(name.as_name()) {
                bucket.push((name.clone(), snapshot));
            }
        }
        let capture_only =
            (registry.captures > 0).then(|| Arc::new(Snapshot::new(Vec::new(), true)));
        DynamicTable {
            by_hash,
            capture_only,
        }
    }

    fn lookup(&self, name: Name<'_>) -> Option<&Arc<Snapshot>> {
        self.by_hash
            .get(&name.segments_hash())
            .and_then(|bucket| bucket.iter().find(|(n, _)| name == *n))
            .map(|(_, snapshot)| snapshot)
            .or(self.capture_only.as_ref())
    }
}

/// Whether anything listens to `name`, for names without a static slot.
pub(crate) fn dynamic_enabled(name: Name<'_>) -> bool {
    if !ANY_LISTENER.load(Ordering::Acquire) {
        return false;
    }
    DYNAMIC
        .load()
        .as_ref()
        .is_some_and(|table| table.lookup(name).is_some())
}

/// Dispatches an event whose name has no static slot.
pub(crate) fn dispatch_dynamic(
    name: Name<'_>,
    measurements: Fields<'_>,
    metadata: Fields<'_>,
    span: Option<SpanContext>,
) {
    if !ANY_LISTENER.load(Ordering::Acquire) {
        return;
    }
    let table = DYNAMIC.load();
    if let Some(snapshot) = table.as_ref().and_then(|t| t.lookup(name)) {
        snapshot.dispatch(&Event::new(name, measurements, metadata).with_span(span));
    }
}

pub(crate) fn register_slot(slot: &'static EventSlot) {
    registry().register_slot(slot);
}

pub(crate) fn register_span(span: &'static SpanSlots) {
    let mut registry = registry();
    for slot in span.slots() {
        registry.register_slot(slot);
    }
    if !registry.spans.iter().any(|s| std::ptr::eq(*s, span)) {
        registry.spans.push(span);
    }
    span.refresh();
}

pub(crate) fn begin_capture() {
    let mut registry = registry();
    registry.captures += 1;
    registry.publish(None);
}

pub(crate) fn end_capture() {
    let mut registry = registry();
    registry.captures = registry.captures.saturating_sub(1);
    registry.publish(None);
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
    let id = id.into();
    let mut names: Vec<EventName> = Vec::new();
    for event in events {
        let name = event.into_name()?.to_event_name();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let mut registry = registry();
    if registry.handlers.iter().any(|r| r.id == id) {
        return Err(AttachError::DuplicateId(id));
    }
    let changed = names.clone();
    registry.handlers.push(Registration {
        id,
        events: names,
        callback: Arc::new(handler),
        durability,
    });
    registry.publish(Some(&changed));
    Ok(())
}

/// Detaches the handler with this `id` from every event it was attached to.
pub fn detach(id: impl Into<HandlerId>) -> Result<(), DetachError> {
    let id = id.into();
    let removed = remove_where(|r| r.id == id);
    if removed.is_empty() {
        return Err(DetachError::UnknownId(id));
    }
    Ok(())
}

/// Removes matching registrations and publishes; the removed handlers are dropped after
/// the lock is released, because dropping a closure runs user code.
fn remove_where(matches: impl Fn(&Registration) -> bool) -> Vec<Registration> {
    let mut registry = registry();
    let removed: Vec<Registration> = registry.handlers.extract_if(.., |r| matches(r)).collect();
    if !removed.is_empty() {
        let changed: Vec<EventName> = removed
            .iter()
            .flat_map(|r| r.events.iter().cloned())
            .collect();
        registry.publish(Some(&changed));
    }
    removed
}

/// Detaches a handler that panicked, unless its id has meanwhile been detached and
/// attached again with another callback.
pub(crate) fn detach_failed(id: &HandlerId, callback: &Arc<Callback>) {
    drop(remove_where(|r| {
        r.id == *id && Arc::ptr_eq(&r.callback, callback)
    }));
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
        .handlers
        .iter()
        .flat_map(|r| {
            r.events
                .iter()
                .filter(|e| e.starts_with(prefix))
                .map(|e| HandlerInfo {
                    id: r.id.clone(),
                    event: e.clone(),
                    durability: r.durability,
                })
        })
        .collect()
}

/// Attaches `handler` to `events` while `f` runs, and detaches it afterwards, also when
/// `f` panics. Returns what `f` returns.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
/// use telemetry_runtime::{execute, with_handler};
/// let seen = Arc::new(AtomicUsize::new(0));
/// let counter = Arc::clone(&seen);
/// let answer = with_handler(
///     move |_| { counter.fetch_add(1, Ordering::Relaxed); },
///     ["exgit.pack.parse.stop"],
///     || { execute("exgit.pack.parse.stop", &[], &[]).unwrap(); 42 },
/// )?;
/// assert_eq!((answer, seen.load(Ordering::Relaxed)), (42, 1));
/// execute("exgit.pack.parse.stop", &[], &[])?; // detached by now
/// assert_eq!(seen.load(Ordering::Relaxed), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn with_handler<'n, N, F, R>(
    handler: F,
    events: impl IntoIterator<Item = N>,
    f: impl FnOnce() -> R,
) -> Result<R, AttachError>
where
    N: IntoName<'n>,
    F: Fn(&Event<'_>) + Send + Sync + 'static,
{
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let id = HandlerId::from(format!(
        "telemetry.with_handler#{}",
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    attach_many(id.clone(), events, handler)?;
    struct DetachOnDrop(HandlerId);
    impl Drop for DetachOnDrop {
        fn drop(&mut self) {
            // Already gone when the handler panicked and was detached: nothing to undo.
            let _ = detach(self.0.clone());
        }
    }
    let _detach = DetachOnDrop(id);
    Ok(f())
}
