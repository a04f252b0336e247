//! Read sections and deferred drops: what lets a dispatch use a snapshot with no
//! reference counting, and bounds how long a replaced snapshot lives.
//!
//! Every thread that dispatches gets a [`Record`](crate::grace::Record) from a list that
//! only grows (one record per thread running at once, reused once its thread exits). A
//! dispatch opens a read section ([`pin`]) on its thread's record, nested dispatches
//! only count. A writer that replaces a snapshot [`retire`]s the old one, and at the end
//! of its operation [`synchronize`]s: one heavy fence, then it notes the records inside
//! a read section. A retired snapshot is dropped once each of those has left it:
//!
//! - by `synchronize` itself when no dispatch was running, which is the usual case;
//! - otherwise by the last of those dispatches as it ends: the writer marks each record
//!   it waits for as owed (`Node::owed`), and a dispatch that finds its own record owed
//!   drops what waited for it; a dispatch drops only what waited for it, so that an
//!   emitter frees only what it held back, and a dispatch whose record nobody waits for
//!   reads nothing shared as it ends (a thread attaching and detaching in a loop does
//!   not make every emitter contend for the list of retired snapshots);
//! - failing that (it found the list locked at that moment, or it saw its mark late),
//!   by the next registry operation.
//!
//! Neither side ever waits for the other: a writer does not wait for readers, and a
//! reader only ever `try_lock`s the list of retired snapshots.

use std::any::Any;
use std::cell::Cell;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering, fence};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};

use crate::barrier;
use crate::grace::Record;
use crate::own_line::OwnLine;
use crate::sync::AtomicU64;

/// One element of the list of records; never freed. Alone on its cache lines (two, for
/// the adjacent-line prefetcher): every read section writes its thread's record, and two
/// records side by side, as an allocator may hand them out, would make each emitting
/// thread invalidate the line of the other.
#[repr(align(128))]
struct Node {
    record: Record,
    /// Whether a thread (or a dispatch during a thread's teardown) owns the record.
    taken: AtomicBool,
    /// Set by a writer that noted this record inside a read section, so that the
    /// section, as it ends, drops what waited for it; cleared by that section under the
    /// lock of the retired list.
    owed: AtomicBool,
    next: OnceLock<&'static Node>,
}

static RECORDS: OnceLock<&'static Node> = OnceLock::new();

/// Snapshots replaced, each with the read sections it waits for (`None` until a
/// `synchronize` has fenced and noted them).
struct Retired {
    garbage: Box<dyn Send>,
    /// Its readers fence in full before they load it (`retire_for_fenced_readers`), so an
    /// ordinary fence on the writer's side is enough to see them.
    fenced_readers: bool,
    waits_for: Option<Vec<(&'static Node, u64)>>,
}

static RETIRED: Mutex<Vec<Retired>> = Mutex::new(Vec::new());

/// Whether anything is retired and not dropped yet: lets a writer with nothing to do
/// skip the lock.
static PENDING: OwnLine<AtomicBool> = OwnLine::new(AtomicBool::new(false));

thread_local! {
    /// How deeply this thread's dispatches nest; no destructor, so it stays usable while
    /// the thread's other thread-locals are destroyed.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
    /// This thread's record, once it has one.
    static OWN: Cell<Option<&'static Node>> = const { Cell::new(None) };
    /// Hands the record back when the thread exits.
    static RELEASE: Release = const { Release(Cell::new(None)) };
}

struct Release(Cell<Option<&'static Node>>);

impl Drop for Release {
    fn drop(&mut self) {
        if let Some(node) = self.0.take() {
            let _ = OWN.try_with(|own| own.set(None));
            node.taken.store(false, Ordering::Release);
        }
    }
}

/// An open read section: snapshots loaded under it stay alive until it is dropped.
pub(crate) struct Guard {
    /// How many dispatches were running on this thread when it opened.
    depth: usize,
    /// The record it announced itself in, when it is the thread's outermost.
    node: Option<&'static Node>,
    /// The record was taken for this section alone (the thread is being torn down).
    borrowed: bool,
    _not_send: PhantomData<*const ()>,
}

impl Guard {
    /// How many dispatches were already running on this thread.
    #[inline(always)]
    pub(crate) fn depth(&self) -> usize {
        self.depth
    }
}

/// Opens a read section on the calling thread.
#[inline(always)]
pub(crate) fn pin() -> Guard {
    let depth = DEPTH.get();
    DEPTH.set(depth + 1);
    // Built at the end from plain values: a guard whose address escaped (to the first
    // section's set-up) lived in memory and was copied out with 8-byte loads of fields
    // just written as single bytes (a store-forwarding stall on every dispatch).
    let (node, borrowed) = if depth == 0 {
        let (node, borrowed) = match OWN.get() {
            Some(node) => (node, false),
            None => take_record(),
        };
        node.record.enter();
        (Some(node), borrowed)
    } else {
        (None, false)
    };
    Guard {
        depth,
        node,
        borrowed,
        _not_send: PhantomData,
    }
}

impl Drop for Guard {
    #[inline(always)]
    fn drop(&mut self) {
        DEPTH.set(self.depth);
        if let Some(node) = self.node {
            node.record.exit();
            if self.borrowed {
                node.taken.store(false, Ordering::Release);
            }
            if node.owed.load(Ordering::Relaxed) {
                collect_after_reading(node);
            }
        }
    }
}

/// The thread's first read section: takes a free record or adds one, and tells whether
/// it is borrowed for this section alone (the thread is being torn down).
#[cold]
#[inline(never)]
fn take_record() -> (&'static Node, bool) {
    barrier::register();
    let node = free_record().unwrap_or_else(new_record);
    if RELEASE
        .try_with(|release| release.0.set(Some(node)))
        .is_ok()
    {
        OWN.set(Some(node));
        (node, false)
    } else {
        (node, true)
    }
}

fn free_record() -> Option<&'static Node> {
    let mut next = RECORDS.get().copied();
    while let Some(node) = next {
        if node
            .taken
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            return Some(node);
        }
        next = node.next.get().copied();
    }
    None
}

fn new_record() -> &'static Node {
    let node: &'static Node = Box::leak(Box::new(Node {
        record: Record::new(AtomicU64::new(0)),
        taken: AtomicBool::new(true),
        owed: AtomicBool::new(false),
        next: OnceLock::new(),
    }));
    let mut link = &RECORDS;
    while let Err(_taken) = link.set(node) {
        link = &link.get().expect("set by another thread").next;
    }
    node
}

/// Hands a replaced snapshot over, to be dropped once no read section can use it. The
/// caller then calls [`synchronize`] once its writes are done.
pub(crate) fn retire(garbage: Box<dyn Send>) {
    retire_with(garbage, false);
}

/// [`retire`] for a snapshot whose readers execute a full fence between opening their
/// read section and loading it (the index, a slow path): the writer then needs only an
/// ordinary fence, not the heavy one that interrupts every running thread. A thread
/// attaching and detaching in a loop replaces index buckets on every operation; with
/// the heavy fence it would interrupt every emitter each time.
pub(crate) fn retire_for_fenced_readers(garbage: Box<dyn Send>) {
    retire_with(garbage, true);
}

fn retire_with(garbage: Box<dyn Send>, fenced_readers: bool) {
    let mut retired = RETIRED.lock().unwrap_or_else(PoisonError::into_inner);
    retired.push(Retired {
        garbage,
        fenced_readers,
        waits_for: None,
    });
    PENDING.store(true, Ordering::Relaxed);
}

/// Fences once for everything retired since the last call, notes the read sections it
/// waits for, and drops what none waits for. Called by the writer, after its writes and
/// without its own lock held (dropping a handler runs user code).
pub(crate) fn synchronize() {
    if !PENDING.load(Ordering::Relaxed) {
        return;
    }
    let mut retired = RETIRED.lock().unwrap_or_else(PoisonError::into_inner);
    let unnoted = || retired.iter().filter(|r| r.waits_for.is_none());
    let fenced = if unnoted().next().is_none() {
        false
    } else if unnoted().all(|r| r.fenced_readers) {
        fence(Ordering::SeqCst);
        true
    } else {
        barrier::heavy()
    };
    if fenced {
        let inside: Vec<(&'static Node, u64)> = records()
            .filter_map(|node| node.record.inside().map(|count| (node, count)))
            .collect();
        for (node, _) in &inside {
            node.owed.store(true, Ordering::Relaxed);
        }
        for r in retired.iter_mut().filter(|r| r.waits_for.is_none()) {
            r.waits_for = Some(inside.clone());
        }
    }
    drop(retired);
    while let Some(garbage) = take_one_done(
        Some(RETIRED.lock().unwrap_or_else(PoisonError::into_inner)),
        |_| true,
    ) {
        drop_quietly(garbage);
    }
}

/// A dispatch whose record a writer waits for ended: drops what waited for this section
/// and for no other open one, unless the list is locked at that moment (the mark stays,
/// so the thread's next section tries again). Allocates nothing. What waited for no
/// section at all is the writer's to drop, so that a dispatch frees only what it held
/// back.
#[cold]
#[inline(never)]
fn collect_after_reading(node: &'static Node) {
    let held_back = |waits: &[(&'static Node, u64)]| waits.iter().any(|(n, _)| ptr::eq(*n, node));
    loop {
        let Ok(retired) = RETIRED.try_lock() else {
            return;
        };
        node.owed.store(false, Ordering::Relaxed);
        match take_one_done(Some(retired), held_back) {
            Some(garbage) => drop_quietly(garbage),
            None => return,
        }
    }
}

/// Removes one retired snapshot that no read section waits for any more; the lock is
/// released before the caller drops it (a closure's `Drop` may attach or detach).
fn take_one_done(
    retired: Option<MutexGuard<'_, Vec<Retired>>>,
    mine: impl Fn(&[(&'static Node, u64)]) -> bool,
) -> Option<Box<dyn Send>> {
    let mut retired = retired?;
    let done = retired.iter().position(|r| {
        r.waits_for.as_deref().is_some_and(|waits| {
            mine(waits) && waits.iter().all(|(node, seen)| node.record.left(*seen))
        })
    });
    let garbage = done.map(|i| retired.swap_remove(i).garbage);
    PENDING.store(!retired.is_empty(), Ordering::Relaxed);
    garbage
}

/// Drops a snapshot (and with the last of them, handlers' closures) without letting a
/// panic of a closure's `Drop` reach the caller.
fn drop_quietly(garbage: Box<dyn Send>) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(move || drop(garbage))) {
        // Dropping the payload could panic again: it is leaked instead.
        std::mem::forget::<Box<dyn Any + Send>>(payload);
    }
}

fn records() -> impl Iterator<Item = &'static Node> {
    std::iter::successors(RECORDS.get().copied(), |node| node.next.get().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own() -> &'static Node {
        OWN.get().expect("the thread has a record once it pinned")
    }

    #[test]
    fn nested_read_sections_announce_once_and_leave_with_the_outermost() {
        let outer = pin();
        let seen = own().record.inside().expect("inside after pin");
        let inner = pin();
        assert_eq!(inner.depth(), outer.depth() + 1);
        assert_eq!(
            own().record.inside(),
            Some(seen),
            "a nested pin announced again"
        );
        drop(inner);
        assert_eq!(
            own().record.inside(),
            Some(seen),
            "a nested guard left the section"
        );
        drop(outer);
        assert!(own().record.left(seen));
        assert_eq!(own().record.inside(), None);
    }

    #[test]
    fn records_of_two_running_threads_share_no_cache_line() {
        let record_of_a_thread = || {
            std::thread::spawn(|| {
                drop(pin());
                let node = own();
                // Keeps the record taken (the thread is running) until the other thread
                // has one too.
                std::thread::sleep(std::time::Duration::from_millis(50));
                std::ptr::from_ref(node) as usize
            })
        };
        let (a, b) = (record_of_a_thread(), record_of_a_thread());
        let (a, b) = (a.join().unwrap(), b.join().unwrap());
        let size = std::mem::size_of::<Node>();
        assert!(a / 128 != b / 128 && (a + size - 1) / 128 != (b + size - 1) / 128);
        assert!(a.abs_diff(b) >= 128, "records at {a:#x} and {b:#x}");
    }

    #[test]
    fn records_of_exited_threads_are_reused() {
        let before = records().count();
        for _ in 0..40 {
            std::thread::spawn(|| drop(pin())).join().unwrap();
        }
        // Without reuse, forty threads would add forty records; tests running meanwhile
        // add at most a few.
        assert!(records().count() - before < 10, "records are not reused");
    }

    struct DispatchOnExit;

    static BORROWED_AND_RETURNED: AtomicBool = AtomicBool::new(false);

    impl Drop for DispatchOnExit {
        fn drop(&mut self) {
            let guard = pin();
            let node = guard.node.expect("an outermost section has a record");
            assert!(node.record.inside().is_some());
            let borrowed = guard.borrowed;
            drop(guard);
            let returned = !node.taken.load(Ordering::Acquire);
            BORROWED_AND_RETURNED.store(borrowed && returned, Ordering::SeqCst);
        }
    }

    thread_local! {
        static LATE: DispatchOnExit = const { DispatchOnExit };
    }

    #[test]
    fn a_read_section_during_thread_teardown_borrows_a_record_and_returns_it() {
        std::thread::spawn(|| {
            // Registered before the thread's record, so destroyed after it is released.
            LATE.with(|_| ());
            drop(pin());
        })
        .join()
        .unwrap();
        assert!(BORROWED_AND_RETURNED.load(Ordering::SeqCst));
    }
}
