//! Emission cost of telemetry-runtime against the crates users would otherwise pick:
//! `tracing`, `metrics` and `fastrace`, all in one criterion run.
//!
//! ```sh
//! cargo bench -p telemetry-bench
//! ```
//!
//! The run ends with a table of this run's estimates, the ratios the targets are stated
//! in, and how much CPU other processes took meanwhile.
//!
//! Cases (see BENCHMARKS.md for what each measures exactly):
//! 1. event, nobody listening; 2. event, one handler reading every field;
//! 3. span, nobody listening; 4. span, one handler on start and stop;
//! 5. two threads emitting with one handler vs one thread;
//! 6. two emitting threads while a third attaches and detaches other handlers.
//!
//! Every case carries the same payload (`telemetry_bench::PAYLOAD`: a `u64` id, a short
//! string and an atom-like value), read through an opaque reference once per iteration
//! so that nothing folds.
//!
//! Global state: `tracing`'s global default subscriber can be set once per process, so
//! the groups run in an order that measures every "nobody listening" case (1 and 3)
//! before the enabled cases install it. `metrics` uses a scoped local recorder; our
//! handlers are attached for one benchmark and detached after it; `fastrace`'s reporter
//! only receives spans recorded under a root span, and only case 4 opens roots.

#![allow(missing_docs)]

use std::hint::black_box;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use telemetry_bench::{
    Churn, Kind, RequestDone, handle, handle_plain, parallel_wall_time, payload, read_event,
    read_request_done,
};
use telemetry_runtime as telemetry;

// ---------------------------------------------------------------------------------------
// The peers' instrumented functions and fastrace's discarding reporter.

#[path = "emission/peer_functions.rs"]
mod peer_functions;
use peer_functions::{Discard, fastrace_handle, fastrace_handle_bare, tracing_handle};

// ---------------------------------------------------------------------------------------
// tracing: one `Layer` on a `Registry` that visits every field of events and new spans.

#[path = "emission/peer_tracing.rs"]
mod peer_tracing;

// ---------------------------------------------------------------------------------------
// metrics: a recorder that reads the key and every label and counts into one atomic.

#[path = "emission/peer_metrics.rs"]
mod peer_metrics;

/// The `metrics` form of the event: a counter labelled with the string and the atom,
/// incremented by the id (a label value must be a string, and formatting the id would
/// allocate).
#[inline(always)]
fn metrics_event(id: u64, name: &'static str, kind: Kind) {
    metrics::counter!("bench.request.done", "name" => name, "kind" => kind.as_str()).increment(id);
}

fn install_fastrace_reporter() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        fastrace::set_reporter(Discard, fastrace::collector::Config::default());
    });
}

/// Spans per fastrace root in case 4, as in a request with a hundred traced calls.
/// fastrace records local spans into a thread-local queue that the root submits to its
/// collector thread when it ends (at most 10 240 per root, beyond which it records
/// nothing); opening and submitting the root is timed with the calls, amortised over
/// them. A small count keeps each root's buffer small (fastrace still pays page faults
/// for its buffers, see BENCHMARKS.md).
const SPANS_PER_ROOT: u64 = 100;

// ---------------------------------------------------------------------------------------
// Case 1: event, nobody listening.

fn case1_event_idle(c: &mut Criterion) {
    assert!(
        !peer_tracing::installed(),
        "case 1 must run before any tracing subscriber is installed"
    );
    assert!(
        !RequestDone::enabled(),
        "nobody listens to bench.request.done"
    );
    let mut g = c.benchmark_group("1_event_idle");
    g.bench_function("baseline", |b| {
        b.iter(|| {
            black_box(payload());
        });
    });
    g.bench_function("ours_emit", |b| {
        b.iter(|| {
            let (id, name, kind) = payload();
            telemetry::emit!(RequestDone { id, name, kind });
        });
    });
    g.bench_function("tracing_info", |b| {
        b.iter(|| {
            let (id, name, kind) = payload();
            tracing::info!(id = id, name = name, kind = kind.as_str());
        });
    });
    g.bench_function("metrics_counter", |b| {
        b.iter(|| {
            let (id, name, kind) = payload();
            metrics_event(id, name, kind);
        });
    });
    g.finish();
}

// ---------------------------------------------------------------------------------------
// Case 3: span, nobody listening.

fn case3_span_idle(c: &mut Criterion) {
    assert!(
        !peer_tracing::installed(),
        "case 3 must run before any tracing subscriber is installed"
    );
    let mut g = c.benchmark_group("3_span_idle");
    g.bench_function("baseline", |b| {
        b.iter(|| {
            let (id, name, kind) = payload();
            black_box(handle_plain(id, name, kind))
        });
    });
    g.bench_function("ours_span", |b| {
        b.iter(|| {
            let (id, name, kind) = payload();
            black_box(handle(id, name, kind))
        });
    });
    g.bench_function("tracing_instrument", |b| {
        b.iter(|| {
            let (id, name, kind) = payload();
            black_box(tracing_handle(id, name, kind))
        });
    });
    g.bench_function("fastrace_trace", |b| {
        b.iter(|| {
            let (id, name, kind) = payload();
            black_box(fastrace_handle(id, name, kind))
        });
    });
    g.finish();
}

// ---------------------------------------------------------------------------------------
// Case 2: event, one handler that reads every field.

fn case2_event_handler(c: &mut Criterion) {
    let mut g = c.benchmark_group("2_event_one_handler");
    RequestDone::attach("bench.typed", read_request_done).expect("unique id");
    g.bench_function("ours_typed", |b| {
        b.iter(|| {
            let (id, name, kind) = payload();
            telemetry::emit!(RequestDone { id, name, kind });
        });
    });
    telemetry::detach("bench.typed").expect("attached above");

    telemetry::attach("bench.generic", "bench.request.done", read_event).expect("unique id");
    g.bench_function("ours_generic", |b| {
        b.iter(|| {
            let (id, name, kind) = payload();
            telemetry::emit!(RequestDone { id, name, kind });
        });
    });
    telemetry::detach("bench.generic").expect("attached above");

    peer_tracing::install();
    g.bench_function("tracing_layer", |b| {
        b.iter(|| {
            let (id, name, kind) = payload();
            tracing::info!(id = id, name = name, kind = kind.as_str());
        });
    });

    let recorder = peer_metrics::CountingRecorder {
        total: Arc::new(AtomicU64::new(0)),
    };
    metrics::with_local_recorder(&recorder, || {
        g.bench_function("metrics_recorder", |b| {
            b.iter(|| {
                let (id, name, kind) = payload();
                metrics_event(id, name, kind);
            });
        });
    });
    g.finish();
}

// ---------------------------------------------------------------------------------------
// Case 4: span, one handler on start and stop.

fn case4_span_handler(c: &mut Criterion) {
    let mut g = c.benchmark_group("4_span_one_handler");
    telemetry::attach_many(
        "bench.span",
        ["bench.request.handle.start", "bench.request.handle.stop"],
        read_event,
    )
    .expect("unique id");
    g.bench_function("ours_span", |b| {
        b.iter(|| {
            let (id, name, kind) = payload();
            black_box(handle(id, name, kind))
        });
    });
    telemetry::detach("bench.span").expect("attached above");

    peer_tracing::install();
    g.bench_function("tracing_instrument", |b| {
        b.iter(|| {
            let (id, name, kind) = payload();
            black_box(tracing_handle(id, name, kind))
        });
    });

    peer_tracing::TIME_SPANS.store(true, std::sync::atomic::Ordering::Relaxed);
    g.bench_function("tracing_instrument_timed", |b| {
        b.iter(|| {
            let (id, name, kind) = payload();
            black_box(tracing_handle(id, name, kind))
        });
    });
    peer_tracing::TIME_SPANS.store(false, std::sync::atomic::Ordering::Relaxed);

    install_fastrace_reporter();
    g.bench_function("fastrace_trace", |b| {
        b.iter_custom(|iters| fastrace_under_roots(iters, fastrace_handle));
    });
    g.bench_function("fastrace_trace_bare", |b| {
        b.iter_custom(|iters| fastrace_under_roots(iters, fastrace_handle_bare));
    });
    g.finish();
    fastrace::flush();
}

fn fastrace_under_roots(iters: u64, f: fn(u64, &str, Kind) -> u64) -> Duration {
    use fastrace::prelude::{Span, SpanContext};
    let mut left = iters;
    let start = Instant::now();
    while left > 0 {
        let n = left.min(SPANS_PER_ROOT);
        let root = Span::root("bench.root", SpanContext::random());
        {
            let _parent = root.set_local_parent();
            for _ in 0..n {
                let (id, name, kind) = payload();
                black_box(f(id, name, kind));
            }
        }
        drop(root);
        left -= n;
    }
    start.elapsed()
}

// ---------------------------------------------------------------------------------------
// Cases 5 and 6: threads.

fn emit_one() {
    let (id, name, kind) = payload();
    telemetry::emit!(RequestDone { id, name, kind });
}

/// The handler's own work without the runtime: the same fields built on the stack and
/// read by the same handler, called directly. Its scaling from one thread to two is
/// what this machine allows, whatever the runtime does.
fn handler_alone() {
    let (id, name, kind) = payload();
    let metadata = telemetry::fields!(id = id, name = name, kind = &kind);
    let event = telemetry::Event::new(
        <RequestDone<'_> as telemetry::EventRecord>::NAME,
        telemetry::Fields::EMPTY,
        telemetry::Fields::new(&metadata),
    );
    read_event(black_box(&event));
}

fn case5_threads(c: &mut Criterion) {
    let mut g = c.benchmark_group("5_event_threads");
    g.bench_function("handler_alone_one_thread", |b| {
        b.iter_custom(|iters| parallel_wall_time(1, iters, handler_alone));
    });
    g.bench_function("handler_alone_two_threads", |b| {
        b.iter_custom(|iters| parallel_wall_time(2, iters, handler_alone));
    });
    telemetry::attach("bench.threads", "bench.request.done", read_event).expect("unique id");
    g.bench_function("one_thread", |b| {
        b.iter_custom(|iters| parallel_wall_time(1, iters, emit_one));
    });
    g.bench_function("two_threads", |b| {
        b.iter_custom(|iters| parallel_wall_time(2, iters, emit_one));
    });
    telemetry::detach("bench.threads").expect("attached above");
    g.finish();
}

fn case6_threads_with_churn(c: &mut Criterion) {
    let mut g = c.benchmark_group("6_event_threads_churn");
    telemetry::attach("bench.threads", "bench.request.done", read_event).expect("unique id");
    for (label, pause) in [
        ("two_threads_churn", Some(Duration::from_micros(100))),
        ("two_threads_churn_nonstop", None),
    ] {
        // The churn runs only while a sample is measured: started before the emitters,
        // stopped after them.
        g.bench_function(label, |b| {
            b.iter_custom(|iters| {
                let churn = Churn::start(pause);
                let elapsed = parallel_wall_time(2, iters, emit_one);
                record_churn(label, churn.finish());
                elapsed
            });
        });
    }
    telemetry::detach("bench.threads").expect("attached above");
    g.finish();
}

#[path = "emission/table.rs"]
mod table;
use table::{print_table, record_churn};

// The "nobody listening" cases first: the enabled cases install tracing's global default.
criterion_group!(
    benches,
    case1_event_idle,
    case3_span_idle,
    case2_event_handler,
    case4_span_handler,
    case5_threads,
    case6_threads_with_churn
);

/// CPU ticks (Linux `/proc`): busy ticks of the whole machine, ticks of this process, and
/// all ticks, so that the run can say how much of the machine other processes took.
fn cpu_ticks() -> Option<(u64, u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let cpu: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|n| n.parse().ok())
        .collect();
    let total: u64 = cpu.iter().take(8).sum();
    let idle = cpu.get(3)? + cpu.get(4)?;
    let own = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    let after = own.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let mine = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some((total - idle, mine, total))
}

fn main() {
    let started = std::time::SystemTime::now();
    let ticks_before = cpu_ticks();
    benches();
    Criterion::default().configure_from_args().final_summary();
    if std::env::args().any(|a| a == "--bench") {
        print_table(started);
        if let (Some((busy0, mine0, total0)), Some((busy1, mine1, total1))) =
            (ticks_before, cpu_ticks())
        {
            let total = (total1 - total0).max(1) as f64;
            let others = busy1.saturating_sub(busy0).saturating_sub(mine1 - mine0) as f64;
            println!(
                "\nOther processes used {:.0}% of the machine's CPU time during this run \
                 (this benchmark used {:.0}%); on a quiet machine the first number is near 0.",
                others / total * 100.0,
                (mine1 - mine0) as f64 / total * 100.0
            );
        }
    }
}
