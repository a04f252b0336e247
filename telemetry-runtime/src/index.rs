//! Handlers by event name, for emitters that know only a name: dynamic names, and static
//! slots the registry has not adopted yet.
//!
//! Readers never lock: they load the table, then one bucket. The registry is the only
//! writer; it replaces one bucket per change (a copy of that bucket alone), so a change
//! costs the handlers and names of one bucket, not of every event. The table doubles when
//! it fills, which spreads its cost over the changes that filled it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use arc_swap::{ArcSwap, ArcSwapOption};

use crate::dispatch::{self, Handlers};
use crate::event::Event;
use crate::name::{EventName, Name};
use crate::reclaim::Guard;

type Bucket = Vec<(EventName, Arc<Handlers>)>;

struct Table {
    buckets: Box<[ArcSwapOption<Bucket>]>,
}

impl Table {
    fn with_buckets(count: usize) -> Self {
        Table {
            buckets: (0..count).map(|_| ArcSwapOption::const_empty()).collect(),
        }
    }

    fn bucket(&self, hash: u64) -> &ArcSwapOption<Bucket> {
        // The table's length is a power of two.
        &self.buckets[(hash as usize) & (self.buckets.len() - 1)]
    }
}

const INITIAL_BUCKETS: usize = 64;

static TABLE: std::sync::LazyLock<ArcSwap<Table>> =
    std::sync::LazyLock::new(|| ArcSwap::from_pointee(Table::with_buckets(INITIAL_BUCKETS)));

/// Whether any name has handlers; lets an emitter skip the lookup when none has.
static ANY: AtomicBool = AtomicBool::new(false);

/// Calls `f` with the handlers of `name`, if it has any.
fn with_handlers<R>(name: Name<'_>, f: impl FnOnce(Option<&Handlers>) -> R) -> R {
    if !ANY.load(Ordering::SeqCst) {
        return f(None);
    }
    let table = TABLE.load();
    let bucket = table.bucket(name.segments_hash()).load();
    let handlers = bucket
        .as_deref()
        .and_then(|b| b.iter().find(|(n, _)| name == *n))
        .map(|(_, handlers)| &**handlers);
    f(handlers)
}

/// Whether `name` has handlers now.
pub(crate) fn has_handlers(name: Name<'_>) -> bool {
    with_handlers(name, |handlers| handlers.is_some())
}

/// Dispatches `event` to the handlers of its name and to the running captures.
pub(crate) fn dispatch(guard: &Guard, event: &Event<'_>) {
    with_handlers(event.name(), |handlers| {
        dispatch::dispatch(guard, handlers, event);
    });
}

/// The registry's handle on the index; there is one, held under the registry's lock, so
/// that writes never race each other.
pub(crate) struct IndexWriter {
    names: usize,
    buckets: usize,
}

impl IndexWriter {
    pub(crate) const fn new() -> Self {
        IndexWriter {
            names: 0,
            buckets: INITIAL_BUCKETS,
        }
    }

    /// Publishes the handlers of `name` (none removes the name).
    pub(crate) fn set(&mut self, name: &EventName, handlers: Option<Arc<Handlers>>) {
        let table = TABLE.load();
        let slot = table.bucket(name.as_name().segments_hash());
        let old = slot.load_full();
        let mut bucket: Bucket = old.as_deref().cloned().unwrap_or_default();
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
        slot.store((!bucket.is_empty()).then(|| Arc::new(bucket)));
        ANY.store(self.names > 0, Ordering::SeqCst);
        if self.names > 2 * self.buckets {
            self.grow(&table);
        }
    }

    fn grow(&mut self, old: &Table) {
        let grown = Table::with_buckets(self.buckets * 2);
        let mut buckets: Vec<Bucket> = vec![Vec::new(); grown.buckets.len()];
        let mask = grown.buckets.len() - 1;
        for slot in old.buckets.iter() {
            for (name, handlers) in slot.load().iter().flat_map(|b| b.iter()) {
                let i = (name.as_name().segments_hash() as usize) & mask;
                buckets[i].push((name.clone(), Arc::clone(handlers)));
            }
        }
        for (slot, bucket) in grown.buckets.iter().zip(buckets) {
            if !bucket.is_empty() {
                slot.store(Some(Arc::new(bucket)));
            }
        }
        self.buckets = grown.buckets.len();
        TABLE.store(Arc::new(grown));
    }
}

/// Whether no name has handlers.
pub(crate) fn is_empty() -> bool {
    !ANY.load(Ordering::SeqCst)
}
