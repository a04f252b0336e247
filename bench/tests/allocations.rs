//! Zero heap allocations per event and per span on the paths the macros generate, with
//! handlers attached: `emit!` of an `#[event]` struct to a typed handler and to a
//! generic one, a `#[span]` function that sets stop-only metadata (strings included) with
//! `stop!`, and a lazy `#[span]` function; and no memory kept by a lazy span whose
//! iterator panics after `stop!`.
//!
//! A counting global allocator counts the allocations of the current thread only, so
//! tests running in parallel cannot interfere. No timing is involved: the benchmarks
//! measure time, this proves the allocation count.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use telemetry_bench::{
    Kind, RequestDone, handle, payload, read_event, read_request_done, serve, serve_with_detail,
};
use telemetry_runtime::{self as telemetry, Event, attach, attach_many, detach};

#[path = "../../tests/test-support/counting_allocator.rs"]
mod counting_allocator;

use counting_allocator::{CountingAllocator, allocations_during, bytes_kept_by, quietly};

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// The tests on `bench.request.serve` count every event of that span, from any thread:
/// they take turns.
static SERVE: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serve_alone() -> std::sync::MutexGuard<'static, ()> {
    SERVE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs `round` once to warm up (first use registers the static slots and sets up
/// thread-locals), checks that the counter counts, then counts 1000 more rounds.
fn allocations_per_1000_rounds(round: impl Fn()) -> u64 {
    round();
    assert_eq!(
        allocations_during(|| drop(std::hint::black_box(Box::new(1u64)))),
        1,
        "the counter counts"
    );
    allocations_during(|| {
        for _ in 0..1_000 {
            round();
        }
    })
}

/// A generic handler that counts the events it sees as well as reading every field.
fn counting(seen: &Arc<AtomicU64>) -> impl Fn(&Event<'_>) + Send + Sync + 'static {
    let seen = Arc::clone(seen);
    move |event| {
        read_event(event);
        seen.fetch_add(1, Ordering::Relaxed);
    }
}

fn emit_request_done() {
    let (id, name, kind) = payload();
    telemetry::emit!(RequestDone { id, name, kind });
}

// The handlers below are attached by id for the whole process; the three tests use
// distinct events or distinct ids, so they can run in parallel. Each test captures
// nothing: `capture` records owned copies, which allocate by design.

#[test]
fn emit_to_a_typed_and_a_generic_handler_allocates_nothing() {
    let seen = Arc::new(AtomicU64::new(0));
    let typed_seen = Arc::clone(&seen);
    RequestDone::attach("alloc.typed", move |event, measurements| {
        read_request_done(event, measurements);
        assert_eq!(event.kind, Kind::Read);
        typed_seen.fetch_add(1, Ordering::Relaxed);
    })
    .unwrap();
    let typed_only = allocations_per_1000_rounds(emit_request_done);
    let after_typed = seen.load(Ordering::Relaxed);

    attach("alloc.generic", "bench.request.done", counting(&seen)).unwrap();
    let typed_and_generic = allocations_per_1000_rounds(emit_request_done);
    detach("alloc.typed").unwrap();
    let generic_only = allocations_per_1000_rounds(emit_request_done);
    detach("alloc.generic").unwrap();

    assert_eq!(after_typed, 1_001, "the typed handler saw every event");
    assert_eq!(
        seen.load(Ordering::Relaxed),
        1_001 + 2 * 1_001 + 1_001,
        "both handlers saw every event"
    );
    assert_eq!(
        typed_only, 0,
        "allocations in 1000 emits to a typed handler"
    );
    assert_eq!(
        typed_and_generic, 0,
        "allocations in 1000 emits to a typed and a generic handler"
    );
    assert_eq!(
        generic_only, 0,
        "allocations in 1000 emits to a generic handler"
    );
}

#[test]
fn span_function_with_handlers_on_start_and_stop_allocates_nothing() {
    let seen = Arc::new(AtomicU64::new(0));
    attach_many(
        "alloc.handle",
        ["bench.request.handle.start", "bench.request.handle.stop"],
        counting(&seen),
    )
    .unwrap();
    let allocated = allocations_per_1000_rounds(|| {
        let (id, name, kind) = payload();
        std::hint::black_box(handle(id, name, kind));
    });
    detach("alloc.handle").unwrap();
    assert_eq!(
        seen.load(Ordering::Relaxed),
        2 * 1_001,
        "start and stop seen"
    );
    assert_eq!(allocated, 0, "allocations in 1000 spans");
}

#[test]
fn span_function_with_scalar_stop_values_allocates_nothing() {
    let _alone = serve_alone();
    let seen = Arc::new(AtomicU64::new(0));
    let stop_seen = Arc::clone(&seen);
    attach_many(
        "alloc.serve",
        ["bench.request.serve.start", "bench.request.serve.stop"],
        counting(&seen),
    )
    .unwrap();
    attach(
        "alloc.serve.check",
        "bench.request.serve.stop",
        move |event| {
            let status = event.metadata().get("status").and_then(|v| v.as_u64());
            assert_eq!(status, Some(200));
            stop_seen.fetch_add(1, Ordering::Relaxed);
        },
    )
    .unwrap();
    let allocated = allocations_per_1000_rounds(|| {
        let (id, name, kind) = payload();
        std::hint::black_box(serve(id, name, kind));
    });
    detach("alloc.serve").unwrap();
    detach("alloc.serve.check").unwrap();
    assert_eq!(
        seen.load(Ordering::Relaxed),
        2 * 1_001 + 1_001,
        "start and stop seen, stop metadata checked"
    );
    assert_eq!(
        allocated, 0,
        "allocations in 1000 spans with stop!(status, hit)"
    );
}

/// A short string among the `stop!` values is kept inline by the span: no allocation.
#[test]
fn span_function_with_a_string_stop_value_allocates_nothing() {
    let _alone = serve_alone();
    attach("alloc.detail", "bench.request.serve.stop", read_event).unwrap();
    let allocated = allocations_per_1000_rounds(|| {
        let (id, name, kind) = payload();
        std::hint::black_box(serve_with_detail(id, name, kind, "cache miss"));
    });
    detach("alloc.detail").unwrap();
    assert_eq!(
        allocated, 0,
        "allocations in 1000 spans with stop!(detail = <&str>)"
    );
}

/// A lazy `#[span]` function: the span stays open while the iterator runs; `stop!` in
/// the body and in every step, a string among the values.
#[telemetry::span("bench.request.serve", lazy)]
fn serve_lazily(
    id: u64,
    name: &str,
    kind: Kind,
    parts: [&'static str; 3],
) -> impl Iterator<Item = &'static str> {
    let _ = (id, name, kind);
    telemetry::stop!(status = 200u64);
    parts.into_iter().inspect(move |part| {
        assert!(*part != "poison", "unreadable part");
        telemetry::stop!(detail = *part);
    })
}

#[test]
fn lazy_span_function_with_string_stop_values_allocates_nothing() {
    let _alone = serve_alone();
    let seen = Arc::new(AtomicU64::new(0));
    attach_many(
        "alloc.lazy",
        ["bench.request.serve.start", "bench.request.serve.stop"],
        counting(&seen),
    )
    .unwrap();
    let allocated = allocations_per_1000_rounds(|| {
        let (id, name, kind) = payload();
        assert_eq!(serve_lazily(id, name, kind, ["a", "b", "c"]).count(), 3);
    });
    detach("alloc.lazy").unwrap();
    assert_eq!(
        seen.load(Ordering::Relaxed),
        2 * 1_001,
        "start and stop seen"
    );
    assert_eq!(allocated, 0, "allocations in 1000 lazy spans");
}

#[test]
fn lazy_span_function_that_panics_after_stop_keeps_no_memory() {
    let _alone = serve_alone();
    attach("alloc.lazy.panics", "bench.request.serve.exception", |_| {}).unwrap();
    let panicking = || {
        let (id, name, kind) = payload();
        let result =
            std::panic::catch_unwind(|| serve_lazily(id, name, kind, ["a", "poison", "c"]).count());
        assert!(result.is_err());
    };
    let kept = quietly(|| {
        panicking();
        bytes_kept_by(|| (0..1_000).for_each(|_| panicking()))
    });
    detach("alloc.lazy.panics").unwrap();
    assert_eq!(
        kept, 0,
        "bytes still allocated after 1000 panicking lazy spans"
    );
}
