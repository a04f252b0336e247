//! One reader's announcement, which tells a writer whether that reader may still hold
//! a snapshot the writer replaced.
//!
//! A reader's record counts its read sections: odd while the reader is inside one. A
//! reader makes it odd, fences, and only then loads a snapshot pointer; a writer
//! replaces the pointer, fences, and only then reads the records. Whichever fence comes
//! first, either the writer sees the reader inside, or the reader loads the new pointer.
//! A record the writer saw odd holds back the old snapshot until its count moves on,
//! which its owner does, with a release store, once it no longer touches the snapshot.
//!
//! The fences are asymmetric (`barrier`): on Linux the writer's is a `membarrier`
//! system call, which makes every running thread of the process execute a full fence,
//! so the reader's is only a compiler fence; elsewhere both are ordinary `SeqCst`
//! fences.

use crate::barrier;
use crate::sync::{AtomicU64, Ordering};

/// The read sections of one thread: odd while it is inside one.
pub(crate) struct Record {
    sections: AtomicU64,
}

impl Record {
    /// Wraps a count that starts at zero (even: outside); taking the atomic from the
    /// caller keeps this `const` while the loom model passes its own atomic type.
    pub(crate) const fn new(outside: AtomicU64) -> Self {
        Record { sections: outside }
    }

    /// Enters a read section: from now on, until [`Record::exit`], snapshots loaded by
    /// this thread stay alive. Only the record's owner calls it.
    #[inline(always)]
    pub(crate) fn enter(&self) {
        let count = self.sections.load(Ordering::Relaxed);
        self.sections.store(count + 1, Ordering::Relaxed);
        barrier::light();
    }

    /// Leaves the read section: every access to a snapshot loaded in it happens before
    /// a writer that sees the new count frees that snapshot.
    #[inline(always)]
    pub(crate) fn exit(&self) {
        let count = self.sections.load(Ordering::Relaxed);
        self.sections.store(count + 1, Ordering::Release);
    }

    /// The count while the owner is inside a read section, read by a writer after its
    /// [`barrier::heavy`].
    pub(crate) fn inside(&self) -> Option<u64> {
        let count = self.sections.load(Ordering::Acquire);
        (count % 2 == 1).then_some(count)
    }

    /// Whether the owner has left the read section in which it read `seen`.
    pub(crate) fn left(&self, seen: u64) -> bool {
        self.sections.load(Ordering::Acquire) != seen
    }
}
