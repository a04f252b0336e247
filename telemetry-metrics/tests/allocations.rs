//! Once a tag set has been seen, an event observed by metric definitions and recorded
//! through the `metrics` facade allocates nothing: no label string, no key, no lookup by
//! name. A counting global allocator counts the current thread's allocations only.
//! (Histograms are left out: the Prometheus recorder's sample buffer allocates a block
//! every few dozen samples, which is its storage, not the definition layer.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;

use charon_like::events::{SessionCreate, SessionType};
use metrics_exporter_prometheus::PrometheusBuilder;
use telemetry_runtime::emit;

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
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: `ptr` came from this allocator with `layout`; forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
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

fn create(kind: SessionType) {
    emit!(SessionCreate {
        session_id: "sid-1",
        user_id: 7,
        session_type: kind,
    });
}

#[test]
fn a_repeated_tag_set_is_recorded_without_allocating() {
    let definitions = telemetry_metrics::metrics! {
        use charon_like;
        counter("charon.session.create.count", tags = ["session_type"]),
        sum("charon.session.create.total", event_name = "charon.session.create", measurement = "count"),
        last_value("charon.session.create.user", event_name = "charon.session.create",
            measurement = |_, metadata| metadata.get("user_id").and_then(|v| v.as_f64()),
            tags = ["session_type"]),
    };
    let recorder = Arc::new(PrometheusBuilder::new().build_recorder());
    let handle = recorder.handle();
    let attached = telemetry_metrics::record_into("allocations", &definitions, recorder).unwrap();
    // The first event of each tag set builds its series.
    assert!(allocations_during(|| create(SessionType::Full)) > 0);
    create(SessionType::Oauth2);
    let repeated = allocations_during(|| {
        for _ in 0..100 {
            create(SessionType::Full);
            create(SessionType::Oauth2);
        }
    });
    drop(attached);
    assert_eq!(repeated, 0);
    let text = handle.render();
    assert!(
        text.contains("charon_session_create_count{session_type=\"full\"} 101"),
        "{text}"
    );
}
