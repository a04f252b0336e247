//! Dispatch allocates nothing per event once handlers are attached. A counting global
//! allocator counts this thread's allocations only, so other tests cannot interfere.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

use telemetry_runtime::{
    EventSlot, SpanSlots, Spanned, attach, attach_many, detach, execute, fields, span, spanned,
};

struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to the system allocator; the counter is a
// thread-local `Cell` with a `const` initialiser, which never allocates.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn allocations_during(f: impl FnOnce()) -> u64 {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

static PARSE: SpanSlots = SpanSlots::new(&["alloc", "pack", "parse"]);
static HAVES: EventSlot = EventSlot::new(&["alloc", "object_store", "haves_sent"]);

#[test]
fn execute_and_span_allocate_nothing_per_event_with_handlers_attached() {
    let seen = std::sync::Arc::new(AtomicU64::new(0));
    let s = std::sync::Arc::clone(&seen);
    let handler = move |e: &telemetry_runtime::Event<'_>| {
        // Read every field, as a real handler would.
        for field in e.metadata().iter().chain(e.measurements().iter()) {
            if field.value.as_u64().is_some() || field.value.as_str().is_some() {
                s.fetch_add(1, Ordering::Relaxed);
            }
        }
    };
    attach_many(
        "alloc-handler",
        [
            "alloc.pack.parse.start",
            "alloc.pack.parse.stop",
            "alloc.object_store.haves_sent",
            "alloc.dynamic.event",
            "alloc.dynamic_span.start",
            "alloc.dynamic_span.stop",
        ],
        handler,
    )
    .unwrap();
    attach("alloc-other", "alloc.unrelated", |_| {}).unwrap();

    let emit_all = || {
        HAVES.execute(&fields!(count = 1u64), &fields!(sha = "abc"));
        execute(
            "alloc.dynamic.event",
            &fields!(count = 1u64),
            &fields!(sha = "abc"),
        )
        .unwrap();
        let n = PARSE.spanned(&fields!(byte_size = 10u64), || {
            Spanned::new(3u64, fields!(object_count = 3u64))
        });
        assert_eq!(n, 3);
        span("alloc.dynamic_span", &fields!(sha = "abc"), || ()).unwrap();
        spanned(&["alloc", "dynamic_span"], &[], || {
            Spanned::new((), fields!(x = 1u64))
        })
        .unwrap();
        execute("alloc.nobody.listens", &[], &fields!(sha = "abc")).unwrap();
    };
    emit_all(); // first use registers slots and sets up thread-locals
    assert_eq!(
        allocations_during(|| drop(std::hint::black_box(Box::new(1u64)))),
        1,
        "the counter counts"
    );
    let allocated = allocations_during(|| {
        for _ in 0..1_000 {
            emit_all();
        }
    });
    assert!(seen.load(Ordering::Relaxed) > 0, "the handler ran");
    assert_eq!(allocated, 0, "allocations in 1000 rounds of emission");
    detach("alloc-handler").unwrap();
    detach("alloc-other").unwrap();
}
