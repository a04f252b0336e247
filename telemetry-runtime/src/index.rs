//! Handlers by event name, for emitters that know only a name: dynamic names, and static
//! slots the registry has not adopted yet.
//!
//! Readers never lock: they load the table, then one bucket, each with a plain load in
//! the dispatch's read section (`snapshot`). The registry is the only
//! writer; it replaces one bucket per change (a copy of that bucket alone), so a change
//! costs the handlers and names of one bucket, not of every event. The table doubles when
//! it fills, which spreads its cost over the changes that filled it.

use std::ptr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering, fence};

use crate::dispatch::{self, Handlers};
use crate::event::Event;
use crate::name::{EventName, Name};
use crate::reclaim::{self, Guard};
use crate::snapshot::SnapshotCell;
use crate::sync::AtomicPtr;

type Bucket = Vec<(EventName, Arc<Handlers>)>;

struct Table {
    buckets: Box<[SnapshotCell<Bucket>]>,
}

impl Table {
    fn with_buckets(count: usize) -> Self {
        Table {
            buckets: (0..count)
                .map(|_| SnapshotCell::new(AtomicPtr::new(ptr::null_mut())))
                .collect(),
        }
    }

    fn bucket(&self, hash: u64) -> &SnapshotCell<Bucket> {
        // The table's length is a power of two.
        &self.buckets[(hash as usize) & (self.buckets.len() - 1)]
    }
}

const INITIAL_BUCKETS: usize = 64;

/// Empty until the first name gets handlers.
static TABLE: SnapshotCell<Table> = SnapshotCell::new(AtomicPtr::new(ptr::null_mut()));

/// Whether any name has handlers; lets an emitter skip the lookup when none has.
static ANY: AtomicBool = AtomicBool::new(false);

/// Calls `f` with the handlers of `name`, if it has any, loaded under `guard`.
pub(crate) fn with_handlers<R>(
    guard: &Guard,
    name: Name<'_>,
    f: impl FnOnce(Option<&Handlers>) -> R,
) -> R {
    if !ANY.load(Ordering::SeqCst) {
        return f(None);
    }
    // The index's writers retire what they replace for fenced readers (an ordinary
    // fence on their side, no interruption of every running thread): this fence orders
    // the read section's announcement before the loads below.
    fence(Ordering::SeqCst);
    let handlers = TABLE
        .load(guard)
        .and_then(|table| table.bucket(name.segments_hash()).load(guard))
        .and_then(|bucket| bucket.iter().find(|(n, _)| name == *n))
        .map(|(_, handlers)| &**handlers);
    f(handlers)
}

/// Whether `name` has handlers now.
pub(crate) fn has_handlers(name: Name<'_>) -> bool {
    let guard = reclaim::pin();
    with_handlers(&guard, name, |handlers| handlers.is_some())
}

/// Dispatches `event` to the handlers of its name and to the running captures.
pub(crate) fn dispatch(guard: &Guard, event: &Event<'_>) {
    with_handlers(guard, event.name(), |handlers| {
        dispatch::dispatch(guard, handlers, event);
    });
}

/// The registry's handle on the index; there is one, held under the registry's lock, so
/// that writes never race each other.
pub(crate) struct IndexWriter {
    /// The published table, which only this writer replaces.
    table: Arc<Table>,
    names: usize,
}

impl IndexWriter {
    pub(crate) fn new() -> Self {
        let table = Arc::new(Table::with_buckets(INITIAL_BUCKETS));
        TABLE.store_for_fenced_readers(Some(Arc::clone(&table)));
        IndexWriter { table, names: 0 }
    }

    /// Publishes the handlers of `name` (none removes the name).
    pub(crate) fn set(&mut self, name: &EventName, handlers: Option<Arc<Handlers>>) {
        let slot = self.table.bucket(name.as_name().segments_hash());
        let mut bucket: Bucket = {
            let guard = reclaim::pin();
            slot.load(&guard).cloned().unwrap_or_default()
        };
        let existing = bucket.iter().position(|(n, _)| n == name);
        match (existing, handlers) {
            (Some(i), Some(handlers)) => bucket[i].1 = handlers,
            (Some(i), None) => {
                bucket.swap_remove(i);
                self.names -= 1;
            }
            (None, Some(handlers)) => {
                bucket.push((name.clone(), handlers));
                self.names += 1;
            }
            (None, None) => return,
        }
        slot.store_for_fenced_readers((!bucket.is_empty()).then(|| Arc::new(bucket)));
        // Written only when it changes: emitters of unadopted slots read it.
        if ANY.load(Ordering::Relaxed) != (self.names > 0) {
            ANY.store(self.names > 0, Ordering::SeqCst);
        }
        if self.names > 2 * self.table.buckets.len() {
            self.grow();
        }
    }

    fn grow(&mut self) {
        let grown = Table::with_buckets(self.table.buckets.len() * 2);
        let mut buckets: Vec<Bucket> = vec![Vec::new(); grown.buckets.len()];
        let mask = grown.buckets.len() - 1;
        {
            let guard = reclaim::pin();
            for slot in self.table.buckets.iter() {
                for (name, handlers) in slot.load(&guard).iter().flat_map(|b| b.iter()) {
                    let i = (name.as_name().segments_hash() as usize) & mask;
                    buckets[i].push((name.clone(), Arc::clone(handlers)));
                }
            }
        }
        for (slot, bucket) in grown.buckets.iter().zip(buckets) {
            if !bucket.is_empty() {
                slot.store_for_fenced_readers(Some(Arc::new(bucket)));
            }
        }
        self.table = Arc::new(grown);
        TABLE.store_for_fenced_readers(Some(Arc::clone(&self.table)));
    }
}

/// Whether no name has handlers.
pub(crate) fn is_empty() -> bool {
    !ANY.load(Ordering::SeqCst)
}
