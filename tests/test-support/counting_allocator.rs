//! A counting global allocator for the allocation and memory tests of every crate
//! (included with `#[path]`; each test file installs it with
//! `#[global_allocator] static GLOBAL: CountingAllocator = CountingAllocator;`).
//!
//! It counts, per thread, the allocations made and the bytes kept alive, so that tests
//! running in parallel cannot interfere; and, for the whole process, the bytes alive, for
//! tests whose memory may be freed on another thread than the one that allocated it.

// Each test file uses the part it needs.
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, Ordering};

/// Forwards to the system allocator, counting as it goes.
pub(crate) struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
    static LIVE_BYTES: Cell<i64> = const { Cell::new(0) };
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

static PROCESS_LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

fn allocated(bytes: usize) {
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
    let _ = LIVE_BYTES.try_with(|n| n.set(n.get() + bytes as i64));
    PROCESS_LIVE_BYTES.fetch_add(bytes as isize, Ordering::Relaxed);
}

fn freed(bytes: usize) {
    let _ = LIVE_BYTES.try_with(|n| n.set(n.get() - bytes as i64));
    PROCESS_LIVE_BYTES.fetch_sub(bytes as isize, Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to the system allocator; the counters are
// thread-local `Cell`s with `const` initialisers and one atomic, none of which allocates.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        allocated(layout.size());
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        allocated(layout.size());
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        freed(layout.size());
        allocated(new_size);
        // SAFETY: `ptr` came from this allocator with `layout`; forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        freed(layout.size());
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// How many allocations this thread made while `f` ran (a reallocation counts as one).
pub(crate) fn allocations_during(f: impl FnOnce()) -> u64 {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

/// Bytes allocated and not freed by this thread while `f` ran.
pub(crate) fn bytes_kept_by(f: impl FnOnce()) -> i64 {
    let before = LIVE_BYTES.with(Cell::get);
    f();
    LIVE_BYTES.with(Cell::get) - before
}

/// The bytes alive in the whole process.
pub(crate) fn process_live_bytes() -> isize {
    PROCESS_LIVE_BYTES.load(Ordering::Relaxed)
}

/// Runs `f` with this thread's panics unreported (their messages would allocate in the
/// test's output buffer); other threads' panics are reported as usual.
pub(crate) fn quietly<R>(f: impl FnOnce() -> R) -> R {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                report(info);
            }
        }));
    });
    QUIET.with(|quiet| quiet.set(true));
    let result = f();
    QUIET.with(|quiet| quiet.set(false));
    result
}
