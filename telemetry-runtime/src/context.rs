//! Span identity: ids, parent links, and the current span of each thread.

use std::cell::Cell;
use std::fmt;
use std::num::NonZeroU64;
use std::sync::atomic::{AtomicU64, Ordering};

/// A span's identity, unique within the process.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpanId(NonZeroU64);

impl SpanId {
    /// The numeric id.
    pub fn get(self) -> u64 {
        self.0.get()
    }
}

impl fmt::Debug for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SpanId({:#x})", self.0)
    }
}

impl fmt::Display for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// What the three events of one span share: the span's id, and its parent's id when the
/// span started inside another span on the same thread (or task).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SpanContext {
    id: SpanId,
    parent: Option<SpanId>,
}

impl SpanContext {
    /// This span's id.
    pub fn id(&self) -> SpanId {
        self.id
    }

    /// The enclosing span's id, if any.
    pub fn parent(&self) -> Option<SpanId> {
        self.parent
    }

    /// A new context whose parent is the thread's current span.
    pub(crate) fn new_child_of_current() -> Self {
        SpanContext {
            id: next_id(),
            parent: current().map(|c| c.id),
        }
    }
}

/// Ids are handed to each thread in blocks, so that two threads starting spans never
/// contend on one counter.
const BLOCK: u64 = 1 << 16;
static NEXT_BLOCK: AtomicU64 = AtomicU64::new(1);

thread_local! {
    static IDS: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
    static CURRENT: Cell<Option<SpanContext>> = const { Cell::new(None) };
}

fn next_id() -> SpanId {
    // During thread teardown the thread-local is gone; take a block of one instead.
    let id = IDS
        .try_with(|ids| {
            let (mut next, mut end) = ids.get();
            if next == end {
                next = NEXT_BLOCK.fetch_add(BLOCK, Ordering::Relaxed);
                end = next + BLOCK;
            }
            ids.set((next + 1, end));
            next
        })
        .unwrap_or_else(|_| NEXT_BLOCK.fetch_add(1, Ordering::Relaxed));
    // Blocks start at 1 and only grow, so an id is never zero.
    SpanId(NonZeroU64::new(id).unwrap_or(NonZeroU64::MIN))
}

/// The span the current thread is inside, if any.
pub fn current() -> Option<SpanContext> {
    CURRENT.try_with(Cell::get).ok().flatten()
}

/// Makes `context` the thread's current span until the guard drops, which restores the
/// previous one. Async code enters on every poll, so the current span follows the task.
pub(crate) fn enter(context: SpanContext) -> Entered {
    let previous = CURRENT
        .try_with(|c| c.replace(Some(context)))
        .ok()
        .flatten();
    Entered { previous }
}

/// Restores the previous current span when dropped.
#[must_use = "the span stays current only while the guard lives"]
pub struct Entered {
    previous: Option<SpanContext>,
}

impl Drop for Entered {
    fn drop(&mut self) {
        let _ = CURRENT.try_with(|c| c.set(self.previous));
    }
}
