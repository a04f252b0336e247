//! Dispatch allocates nothing per event once handlers are attached, spans (lazy ones and
//! string `stop!` values included) allocate nothing per call, and a lazy body that panics
//! leaks nothing. A counting global allocator counts this thread's allocations and live
//! bytes only, so other tests cannot interfere.

use std::sync::atomic::{AtomicU64, Ordering};

use telemetry_runtime::__private::{
    FieldBuf, KeptFields, LazySpan, LazyStop, OwnedSpan, SpanStop, StopKeys, run_lazy_body,
    run_span,
};
use telemetry_runtime::{
    Event, EventSlot, SpanSlots, Spanned, Value, attach, attach_many, detach, execute, fields,
    owned_fields, span, spanned,
};

#[path = "../../tests/test-support/counting_allocator.rs"]
mod counting_allocator;

use counting_allocator::{CountingAllocator, allocations_during, bytes_kept_by, quietly};

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// A handler that reads every field, as a real handler would.
fn reading_handler(
    seen: &std::sync::Arc<AtomicU64>,
) -> impl Fn(&Event<'_>) + Send + Sync + 'static {
    let seen = std::sync::Arc::clone(seen);
    move |e: &Event<'_>| {
        for field in e.metadata().iter().chain(e.measurements().iter()) {
            if field.value.as_u64().is_some() || field.value.as_str().is_some() {
                seen.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

static WALK: SpanSlots = SpanSlots::new(&["alloc", "fs", "walk"]);

/// A lazy span as `#[span(.., lazy)]` expands over `OwnedSpan`, with a string start
/// value and string and integer `stop!` values set by the body and by every step.
fn walk(reference: &str, files: [&'static str; 3]) -> impl Iterator<Item = &'static str> {
    let mut span = WALK.is_enabled().then(|| {
        let mut start = KeptFields::<1>::new();
        start.push("reference", Value::from(reference));
        OwnedSpan::<1, 2>::start(&WALK, start)
    });
    let stop = LazyStop::of_owned(span.as_ref());
    let files = run_lazy_body(&mut span, || {
        if stop.is_enabled() {
            stop.set("file_count", Value::from(0u64));
        }
        assert!(files[0] != "unreadable tree", "unreadable tree");
        let mut seen = 0u64;
        files.into_iter().inspect(move |file| {
            assert!(*file != "poison", "unreadable file");
            seen += 1;
            if stop.is_enabled() {
                stop.set("file_count", Value::from(seen));
                stop.set("last_file", Value::from(*file));
            }
        })
    });
    LazySpan::over(files, span)
}

static STAT: SpanSlots = SpanSlots::new(&["alloc", "fs", "stat"]);
static STAT_STOP: StopKeys = StopKeys {
    keys: &["kind"],
    required: &[],
};

/// A `#[span]` function as the macros expand it, with a string `stop!` value.
fn stat(path: &str) -> usize {
    let body = |stop: SpanStop<'_, 1>| {
        let kind = String::from("regular file");
        if stop.is_enabled() {
            stop.set(0, "kind", Value::from(kind.as_str()));
        }
        path.len()
    };
    if STAT.is_idle() {
        body(SpanStop::IDLE)
    } else {
        run_span(&STAT, &STAT_STOP, body, || {
            let mut start = FieldBuf::<1>::new();
            start.push("path", Value::from(path));
            start
        })
    }
}

#[test]
fn a_lazy_span_with_string_stop_values_allocates_nothing_per_call() {
    let seen = std::sync::Arc::new(AtomicU64::new(0));
    attach_many(
        "alloc-walk",
        ["alloc.fs.walk.start", "alloc.fs.walk.stop"],
        reading_handler(&seen),
    )
    .unwrap();
    let round = || assert_eq!(walk("HEAD", ["a.txt", "b.txt", "c.txt"]).count(), 3);
    round();
    let allocated = allocations_during(|| (0..1_000).for_each(|_| round()));
    detach("alloc-walk").unwrap();
    assert!(seen.load(Ordering::Relaxed) > 0, "the handler ran");
    assert_eq!(allocated, 0, "allocations in 1000 lazy spans");
}

#[test]
fn a_span_with_a_string_stop_value_allocates_only_what_its_body_does() {
    let seen = std::sync::Arc::new(AtomicU64::new(0));
    attach("alloc-stat", "alloc.fs.stat.stop", reading_handler(&seen)).unwrap();
    stat("README");
    let allocated = allocations_during(|| {
        for _ in 0..1_000 {
            stat("README");
        }
    });
    detach("alloc-stat").unwrap();
    assert!(seen.load(Ordering::Relaxed) > 0, "the handler ran");
    assert_eq!(allocated, 1_000, "one String per call, made by the body");
}

#[test]
fn a_lazy_body_that_panics_after_stop_leaks_nothing() {
    let kept = bytes_kept_by_panicking_walks(["unreadable tree", "a", "b"]);
    assert!(
        kept <= 0,
        "{kept} bytes kept after 1000 panicking lazy bodies"
    );
}

#[test]
fn a_lazy_step_that_panics_after_stop_leaks_nothing() {
    let kept = bytes_kept_by_panicking_walks(["a", "poison", "c"]);
    assert!(
        kept <= 0,
        "{kept} bytes kept after 1000 panicking lazy steps"
    );
}

/// Bytes still allocated after 1000 walks over `files` that panic, with a handler on the
/// exception event. Negative when this thread also frees what another thread allocated
/// (handler snapshots retired by other tests are reclaimed by whichever thread passes by):
/// a leak is a positive count.
fn bytes_kept_by_panicking_walks(files: [&'static str; 3]) -> i64 {
    static HANDLER: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = HANDLER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    attach("alloc-walk-panics", "alloc.fs.walk.exception", |_| {}).unwrap();
    let panicking = || {
        let result = std::panic::catch_unwind(|| walk("HEAD", files).count());
        assert!(result.is_err());
    };
    let kept = quietly(|| {
        panicking();
        bytes_kept_by(|| (0..1_000).for_each(|_| panicking()))
    });
    detach("alloc-walk-panics").unwrap();
    kept
}

#[test]
fn a_lazy_step_that_sets_a_key_many_times_keeps_one_value() {
    attach("alloc-count", "alloc.fs.count.stop", |_| {}).unwrap();
    static COUNT: SpanSlots = SpanSlots::new(&["alloc", "fs", "count"]);
    let count = |n: u64| {
        let mut span = COUNT
            .is_enabled()
            .then(|| OwnedSpan::<0, 1>::start(&COUNT, KeptFields::new()));
        let stop = LazyStop::of_owned(span.as_ref());
        let steps = run_lazy_body(&mut span, || {
            std::iter::once(()).map(move |()| {
                for i in 0..n {
                    stop.set("counted", Value::from(i));
                }
            })
        });
        LazySpan::over(steps, span).count()
    };
    count(1);
    let kept = bytes_kept_by(|| {
        count(100_000);
    });
    detach("alloc-count").unwrap();
    assert_eq!(
        kept, 0,
        "bytes kept after one step that set a key 100,000 times"
    );
}

static PUT: SpanSlots = SpanSlots::new(&["alloc", "object_store", "put"]);

#[test]
fn owned_extras_allocate_nothing_when_nobody_listens() {
    // No test of this file listens to this span.
    static QUIET: SpanSlots = SpanSlots::new(&["alloc", "quiet", "put"]);
    let put = |n: u64| {
        QUIET.spanned(&fields!(kind = "blob"), || {
            Spanned::new(n, owned_fields!(object_count = n, "stored?" = true))
        })
    };
    put(0); // first use registers the slot
    let allocated = allocations_during(|| (0..1_000).for_each(|n| assert_eq!(put(n), n)));
    assert_eq!(allocated, 0);
}

#[test]
fn owned_extras_are_viewed_in_place_when_somebody_listens() {
    let seen = std::sync::Arc::new(AtomicU64::new(0));
    attach(
        "alloc-put",
        "alloc.object_store.put.stop",
        reading_handler(&seen),
    )
    .unwrap();
    let put = |n: u64| {
        PUT.spanned(&fields!(kind = "blob"), || {
            let sha = vec![n as u8; 20];
            Spanned::new(n, owned_fields!(sha = sha, object_count = n))
        })
    };
    put(0);
    let numeric_only = allocations_during(|| {
        for n in 0..1_000u64 {
            PUT.spanned(&[], || Spanned::new(n, owned_fields!(object_count = n)));
        }
    });
    let with_a_sha = allocations_during(|| (0..1_000).for_each(|n| assert_eq!(put(n), n)));
    let kept = bytes_kept_by(|| (0..1_000).for_each(|n| assert_eq!(put(n), n)));
    detach("alloc-put").unwrap();
    assert!(seen.load(Ordering::Relaxed) > 0, "the handler ran");
    assert_eq!(numeric_only, 0, "numeric owned extras");
    assert_eq!(
        with_a_sha, 1_000,
        "only the SHA's own Vec, made by the closure"
    );
    assert_eq!(kept, 0, "owned extras are dropped after the stop event");
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
