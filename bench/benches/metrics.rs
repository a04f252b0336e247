//! The cost of the metric definition layer: an event or a span observed by a
//! `telemetry_metrics::metrics!` definition, recorded through the `metrics` facade, next
//! to calling `metrics::counter!` / `metrics::histogram!` by hand with the same labels,
//! into the same recorder (a `metrics-exporter-prometheus` recorder, as users run it).
//!
//! ```sh
//! cargo bench -p telemetry-bench --bench metrics
//! ```
//!
//! 1. A counter with one tag (`kind`) over an event: `emit!(RequestDone { .. })` with the
//!    definition attached, vs `counter!("bench_request_done_count", "kind" => ..)`.
//! 2. A distribution over a span's duration, tagged `kind`: the `#[span]` function
//!    `handle` with the definition attached to its stop event, vs the plain function timed
//!    by hand and `histogram!("bench_request_handle_stop_duration", "kind" => ..)`.
//!
//! A thread drains the recorder's histograms every 50 ms, as scrapes would, so that
//! their sample buffers stay small on both sides.

#![allow(missing_docs)]

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusRecorder};
use telemetry_bench::{RequestDone, handle, handle_plain, payload};

const BUCKETS: [f64; 5] = [0.000_01, 0.000_1, 0.001, 0.01, 0.1];

fn recorder() -> PrometheusRecorder {
    PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full("bench_request_handle_stop_duration".into()),
            &BUCKETS,
        )
        .expect("the buckets are not empty")
        .build_recorder()
}

/// Drains the recorder's histograms every 50 ms until dropped.
struct Upkeep(Arc<AtomicBool>, Option<std::thread::JoinHandle<()>>);

fn upkeep(recorder: &PrometheusRecorder) -> Upkeep {
    let handle = recorder.handle();
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = Arc::clone(&stop);
    let thread = std::thread::spawn(move || {
        while !stopped.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(50));
            handle.run_upkeep();
        }
    });
    Upkeep(stop, Some(thread))
}

impl Drop for Upkeep {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
        if let Some(thread) = self.1.take() {
            let _ = thread.join();
        }
    }
}

fn counter_over_an_event(c: &mut Criterion) {
    let mut g = c.benchmark_group("metrics/counter_one_tag_over_an_event");
    let definitions = telemetry_metrics::metrics! {
        use telemetry_bench;
        counter("bench.request.done.count", tags = ["kind"]),
    };
    let recorder = Arc::new(recorder());
    let _upkeep = upkeep(&recorder);
    {
        let _attached =
            telemetry_metrics::record_into("bench-counter", &definitions, recorder.clone())
                .unwrap();
        g.bench_function("definition", |b| {
            b.iter(|| {
                let (id, name, kind) = payload();
                telemetry_runtime::emit!(RequestDone { id, name, kind });
            })
        });
    }
    metrics::with_local_recorder(&*recorder, || {
        g.bench_function("by_hand", |b| {
            b.iter(|| {
                let (_, _, kind) = payload();
                metrics::counter!("bench_request_done_count", "kind" => kind.as_str()).increment(1);
            })
        });
    });
    g.finish();
}

fn distribution_over_a_span(c: &mut Criterion) {
    let mut g = c.benchmark_group("metrics/distribution_over_a_span_duration");
    let definitions = telemetry_metrics::metrics! {
        use telemetry_bench;
        distribution("bench.request.handle.stop.duration",
            tags = ["kind"],
            unit = native -> second,
            buckets = [0.00001, 0.0001, 0.001, 0.01, 0.1]),
    };
    let recorder = Arc::new(recorder());
    let _upkeep = upkeep(&recorder);
    {
        let _attached =
            telemetry_metrics::record_into("bench-distribution", &definitions, recorder.clone())
                .unwrap();
        g.bench_function("definition", |b| {
            b.iter(|| {
                let (id, name, kind) = payload();
                black_box(handle(id, name, kind));
            })
        });
    }
    metrics::with_local_recorder(&*recorder, || {
        g.bench_function("by_hand", |b| {
            b.iter(|| {
                let (id, name, kind) = payload();
                let started = Instant::now();
                black_box(handle_plain(id, name, kind));
                let seconds = started.elapsed().as_secs_f64();
                metrics::histogram!("bench_request_handle_stop_duration", "kind" => kind.as_str())
                    .record(seconds);
            })
        });
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = counter_over_an_event, distribution_over_a_span
}
criterion_main!(benches);
