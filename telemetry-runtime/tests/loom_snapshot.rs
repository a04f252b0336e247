//! Model check of the dispatch snapshots' protocol under every interleaving loom
//! explores: readers open a read section, load the current snapshot and read it, while
//! a writer replaces it and reclaims what it replaced. The payload's cell is loom's, and
//! dropping it writes to it: a snapshot freed while a read section could still use it is
//! a data race loom reports. After every run, everything replaced has been dropped once
//! all readers have left.
//!
//! `grace.rs` (the records) and `snapshot.rs` (the cell) are the runtime's own source,
//! compiled against loom's atomics. The fences are modelled by their portable form (a
//! `SeqCst` fence on both sides); the `membarrier` form gives the reader the same
//! ordering, from the writer's side. The retire list follows `reclaim.rs` step by step,
//! with one record per reader thread. Run by `.ci/loom.sh`.
#![cfg(telemetry_loom)]

mod sync {
    pub(crate) use loom::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
}

mod barrier {
    use loom::sync::atomic::{Ordering, fence};

    pub(crate) fn light() {
        fence(Ordering::SeqCst);
    }

    pub(crate) fn heavy() -> bool {
        fence(Ordering::SeqCst);
        true
    }
}

#[path = "../src/grace.rs"]
#[allow(dead_code, unreachable_pub)]
mod grace;

#[path = "../src/snapshot.rs"]
#[allow(dead_code, unreachable_pub)]
mod snapshot;

mod reclaim {
    use loom::sync::atomic::{AtomicBool, Ordering};
    use loom::sync::{Mutex, MutexGuard};

    use crate::barrier;
    use crate::grace::Record;
    use crate::sync::AtomicU64;

    struct Retired {
        garbage: Box<dyn Send>,
        waits_for: Option<Vec<(usize, u64)>>,
    }

    loom::lazy_static! {
        static ref RECORDS: [Record; 2] =
            [Record::new(AtomicU64::new(0)), Record::new(AtomicU64::new(0))];
        static ref RETIRED: Mutex<Vec<Retired>> = Mutex::new(Vec::new());
        static ref PENDING: AtomicBool = AtomicBool::new(false);
    }

    /// A read section on record `reader` (one per reader thread).
    pub(crate) struct Guard {
        reader: usize,
    }

    pub(crate) fn pin(reader: usize) -> Guard {
        RECORDS[reader].enter();
        Guard { reader }
    }

    impl Drop for Guard {
        fn drop(&mut self) {
            RECORDS[self.reader].exit();
            if PENDING.load(Ordering::Relaxed) {
                let reader = self.reader;
                let held_back = |waits: &[(usize, u64)]| waits.iter().any(|(r, _)| *r == reader);
                while let Some(garbage) = take_one_done(RETIRED.try_lock().ok(), held_back) {
                    drop(garbage);
                }
            }
        }
    }

    pub(crate) fn retire(garbage: Box<dyn Send>) {
        RETIRED.lock().unwrap().push(Retired {
            garbage,
            waits_for: None,
        });
        PENDING.store(true, Ordering::Relaxed);
    }

    /// The model's readers always fence in full, so this is [`retire`].
    pub(crate) fn retire_for_fenced_readers(garbage: Box<dyn Send>) {
        retire(garbage);
    }

    pub(crate) fn synchronize() {
        if !PENDING.load(Ordering::Relaxed) {
            return;
        }
        let mut retired = RETIRED.lock().unwrap();
        if retired.iter().any(|r| r.waits_for.is_none()) && barrier::heavy() {
            let inside: Vec<(usize, u64)> = RECORDS
                .iter()
                .enumerate()
                .filter_map(|(i, record)| record.inside().map(|count| (i, count)))
                .collect();
            for r in retired.iter_mut().filter(|r| r.waits_for.is_none()) {
                r.waits_for = Some(inside.clone());
            }
        }
        drop(retired);
        while let Some(garbage) = take_one_done(Some(RETIRED.lock().unwrap()), |_| true) {
            drop(garbage);
        }
    }

    fn take_one_done(
        retired: Option<MutexGuard<'_, Vec<Retired>>>,
        mine: impl Fn(&[(usize, u64)]) -> bool,
    ) -> Option<Box<dyn Send>> {
        let mut retired = retired?;
        let done = retired.iter().position(|r| {
            r.waits_for.as_deref().is_some_and(|waits| {
                mine(waits)
                    && waits
                        .iter()
                        .all(|(reader, seen)| RECORDS[*reader].left(*seen))
            })
        });
        let garbage = done.map(|i| retired.swap_remove(i).garbage);
        PENDING.store(!retired.is_empty(), Ordering::Relaxed);
        garbage
    }

    pub(crate) fn retired() -> usize {
        RETIRED.lock().unwrap().len()
    }
}

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use loom::cell::UnsafeCell;
use loom::thread;
use snapshot::SnapshotCell;

/// A snapshot whose drop is a write loom checks against every read of it.
struct Payload {
    value: UnsafeCell<u64>,
    dropped: Arc<AtomicUsize>,
}

// SAFETY: readers only read the cell and the one write is the drop, after the last
// shared reference; loom's cell checks that every read happens before that write.
#[allow(unsafe_code)]
unsafe impl Sync for Payload {}

impl Payload {
    fn new(value: u64, dropped: &Arc<AtomicUsize>) -> Option<Arc<Payload>> {
        Some(Arc::new(Payload {
            value: UnsafeCell::new(value),
            dropped: Arc::clone(dropped),
        }))
    }
}

impl Drop for Payload {
    fn drop(&mut self) {
        self.value.with_mut(|_| ());
        self.dropped.fetch_add(1, Ordering::Relaxed);
    }
}

fn read(cell: &SnapshotCell<Payload>, reader: usize) {
    let guard = reclaim::pin(reader);
    if let Some(payload) = cell.load(&guard) {
        payload.value.with(|_| ());
    }
}

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    builder.check(f);
}

#[test]
fn a_snapshot_replaced_during_a_read_is_dropped_only_after_the_read() {
    model(|| {
        let dropped = Arc::new(AtomicUsize::new(0));
        let cell = loom::sync::Arc::new(SnapshotCell::new(sync::AtomicPtr::new(
            std::ptr::null_mut(),
        )));
        cell.store(Payload::new(1, &dropped));
        let reader = {
            let cell = loom::sync::Arc::clone(&cell);
            thread::spawn(move || read(&cell, 0))
        };
        cell.store(Payload::new(2, &dropped));
        reclaim::synchronize();
        reader.join().unwrap();
        reclaim::synchronize();
        assert_eq!(
            reclaim::retired(),
            0,
            "a replaced snapshot outlived every read"
        );
        assert_eq!(dropped.load(Ordering::Relaxed), 1);
    });
}

#[test]
fn two_readers_and_two_replacements_free_each_snapshot_once_nobody_reads_it() {
    model(|| {
        let dropped = Arc::new(AtomicUsize::new(0));
        let cell = loom::sync::Arc::new(SnapshotCell::new(sync::AtomicPtr::new(
            std::ptr::null_mut(),
        )));
        cell.store(Payload::new(1, &dropped));
        let readers: Vec<_> = (0..2)
            .map(|reader| {
                let cell = loom::sync::Arc::clone(&cell);
                thread::spawn(move || read(&cell, reader))
            })
            .collect();
        cell.store(Payload::new(2, &dropped));
        reclaim::synchronize();
        cell.store(None);
        reclaim::synchronize();
        for reader in readers {
            reader.join().unwrap();
        }
        reclaim::synchronize();
        assert_eq!(
            reclaim::retired(),
            0,
            "a replaced snapshot outlived every read"
        );
        assert_eq!(dropped.load(Ordering::Relaxed), 2);
    });
}
