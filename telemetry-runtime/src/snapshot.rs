//! A cell holding the current snapshot of some immutable value, which readers load
//! with one plain load and no reference-count traffic.
//!
//! The cell owns one strong count of the `Arc` it points to. A reader borrows the value
//! for as long as its read section ([`Guard`]) lasts; a writer that replaces the value
//! hands the old `Arc` to `reclaim`, which drops it only once every read section that
//! was running at the replacement has ended (see `grace` for why that is enough).
#![allow(unsafe_code)]

use std::marker::PhantomData;
use std::ptr;
use std::sync::Arc;

use crate::reclaim::{self, Guard};
use crate::sync::{AtomicPtr, Ordering};

/// The current `Arc<T>`, or nothing.
pub(crate) struct SnapshotCell<T: Send + Sync + 'static> {
    current: AtomicPtr<T>,
    _owns: PhantomData<Arc<T>>,
}

impl<T: Send + Sync + 'static> SnapshotCell<T> {
    /// An empty cell around a null pointer; taking the atomic from the caller keeps this
    /// `const` while the loom model passes its own atomic type.
    pub(crate) const fn new(null: AtomicPtr<T>) -> Self {
        SnapshotCell {
            current: null,
            _owns: PhantomData,
        }
    }

    /// The value published last, borrowed for the read section `guard` holds.
    #[inline(always)]
    pub(crate) fn load<'a>(&'a self, _guard: &'a Guard) -> Option<&'a T> {
        let current = self.current.load(Ordering::Acquire);
        // SAFETY: a non-null pointer came from `Arc::into_raw` in `swap`, and the count
        // it stands for is released only through `reclaim::retire`, which waits until
        // every read section that could have loaded it has ended; `_guard` keeps this
        // one open for as long as the returned reference lives. The value is never
        // written through the pointer.
        unsafe { current.as_ref() }
    }

    /// Publishes `value` and retires the previous one. Writers must not race each other
    /// (the registry's lock orders them); readers may run at any time.
    pub(crate) fn store(&self, value: Option<Arc<T>>) {
        if let Some(old) = self.swap(value) {
            reclaim::retire(Box::new(old));
        }
    }

    /// Puts `value` in the cell and takes back the count the cell held of the previous
    /// one, which the caller must retire, never drop.
    fn swap(&self, value: Option<Arc<T>>) -> Option<Arc<T>> {
        let new = value.map_or(ptr::null_mut(), |value| Arc::into_raw(value).cast_mut());
        let old = self.current.swap(new, Ordering::AcqRel);
        // SAFETY: a non-null `old` came from `Arc::into_raw` in an earlier `swap`, and
        // this swap removed it from the cell, so this takes back the one count the cell
        // held.
        (!old.is_null()).then(|| unsafe { Arc::from_raw(old) })
    }
}

impl<T: Send + Sync + 'static> SnapshotCell<T> {
    /// [`SnapshotCell::store`] for a cell whose every reader executes
    /// `fence(SeqCst)` after opening its read section and before [`SnapshotCell::load`]:
    /// the replaced value is retired with `reclaim::retire_for_fenced_readers`.
    pub(crate) fn store_for_fenced_readers(&self, value: Option<Arc<T>>) {
        if let Some(old) = self.swap(value) {
            reclaim::retire_for_fenced_readers(Box::new(old));
        }
    }
}

impl<T: Send + Sync + 'static> Drop for SnapshotCell<T> {
    fn drop(&mut self) {
        let current = self.current.swap(ptr::null_mut(), Ordering::Relaxed);
        if !current.is_null() {
            // SAFETY: as in `swap`, the cell held this one count. Nothing can still read
            // it: a reference from `load` borrows the cell, and `&mut self` means no
            // borrow of the cell is alive.
            drop(unsafe { Arc::from_raw(current) });
        }
    }
}

// The loom model compiles this file into its own test crate, with its own `reclaim`.
#[cfg(all(test, not(telemetry_loom)))]
mod tests {
    use std::sync::atomic::AtomicBool;
    use std::sync::mpsc;

    use super::*;

    struct Tracked {
        value: u64,
        dropped: Arc<AtomicBool>,
    }

    impl Drop for Tracked {
        fn drop(&mut self) {
            self.dropped.store(true, Ordering::SeqCst);
        }
    }

    fn tracked(value: u64) -> (Arc<Tracked>, Arc<AtomicBool>) {
        let dropped = Arc::new(AtomicBool::new(false));
        let value = Tracked {
            value,
            dropped: Arc::clone(&dropped),
        };
        (Arc::new(value), dropped)
    }

    fn empty() -> SnapshotCell<Tracked> {
        SnapshotCell::new(AtomicPtr::new(ptr::null_mut()))
    }

    /// Read sections of other tests may be open: the drop comes once they end.
    fn dropped_eventually(dropped: &AtomicBool) -> bool {
        for _ in 0..100_000 {
            reclaim::synchronize();
            if dropped.load(Ordering::SeqCst) {
                return true;
            }
            std::thread::yield_now();
        }
        false
    }

    #[test]
    fn a_value_loaded_in_a_read_section_outlives_its_replacement_until_the_section_ends() {
        let cell = Arc::new(empty());
        let (first, first_dropped) = tracked(1);
        cell.store(Some(first));
        let (loaded_tx, loaded_rx) = mpsc::channel();
        let (replaced_tx, replaced_rx) = mpsc::channel::<()>();
        let reader = {
            let cell = Arc::clone(&cell);
            std::thread::spawn(move || {
                let guard = reclaim::pin();
                let value = cell.load(&guard).expect("published");
                loaded_tx.send(()).unwrap();
                replaced_rx.recv().unwrap();
                value.value
            })
        };
        loaded_rx.recv().unwrap();
        let (second, _) = tracked(2);
        cell.store(Some(second));
        reclaim::synchronize();
        assert!(
            !first_dropped.load(Ordering::SeqCst),
            "dropped during a read"
        );
        replaced_tx.send(()).unwrap();
        assert_eq!(reader.join().unwrap(), 1);
        assert!(dropped_eventually(&first_dropped));
    }

    #[test]
    fn a_read_section_opened_after_a_replacement_loads_the_new_value() {
        let cell = empty();
        let (first, first_dropped) = tracked(1);
        let (second, _) = tracked(2);
        cell.store(Some(first));
        cell.store(Some(second));
        reclaim::synchronize();
        let guard = reclaim::pin();
        assert_eq!(cell.load(&guard).map(|v| v.value), Some(2));
        drop(guard);
        assert!(dropped_eventually(&first_dropped));
    }

    #[test]
    fn dropping_the_cell_drops_its_value() {
        let cell = empty();
        let (value, dropped) = tracked(1);
        cell.store(Some(value));
        drop(cell);
        assert!(dropped.load(Ordering::SeqCst));
    }
}
