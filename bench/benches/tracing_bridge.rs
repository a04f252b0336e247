//! What the `tracing` bridge costs: one of our events shown to a `tracing` subscriber
//! through `telemetry-tracing`, next to `tracing::info!` with the same fields, under the
//! same subscriber (a `Registry` with an `EnvFilter` and `tracing-subscriber`'s fmt layer
//! writing to a sink, so that every field is formatted as a log line would be).
//!
//! ```sh
//! cargo bench -p telemetry-bench --bench tracing_bridge
//! ```
//!
//! Groups:
//! - `bridge_event_enabled`: the filter lets the event through; both format it.
//! - `bridge_event_filtered_out`: `EnvFilter` "off"; nothing is formatted. Also shown:
//!   our event with no handler at all, the floor.
//! - `bridge_span_enabled`: a span with one field, opened and closed; the bridge records
//!   the stop's `duration` on it, so a `tracing` span that records its duration too is
//!   the like-for-like peer.

#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use telemetry_runtime::{EventSlot, SpanSlots, Value, fields};
use telemetry_tracing::{Config, attach};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::{EnvFilter, Registry};

static EVENT: EventSlot = EventSlot::new(&["benchbridge", "haves_sent"]);
static UNHEARD: EventSlot = EventSlot::new(&["benchbridge", "unheard"]);
static SPAN: SpanSlots = SpanSlots::new(&["benchbridge", "parse"]);

fn subscriber(filter: &str) -> impl tracing::Subscriber + Send + Sync {
    Registry::default().with(EnvFilter::new(filter)).with(
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::sink)
            .with_ansi(false),
    )
}

#[inline(never)]
fn bridged_event() {
    EVENT.execute(
        &fields!(count = black_box(3u64)),
        &fields!(sha = black_box("4b825dc6"), kind = Value::atom("blob")),
    );
}

#[inline(never)]
fn tracing_event() {
    tracing::info!(
        target: "benchbridge.haves_sent",
        count = black_box(3u64),
        sha = black_box("4b825dc6"),
        kind = "blob"
    );
}

fn events(c: &mut Criterion) {
    let bridge = attach(
        Config::new("bench-bridge")
            .event("benchbridge.haves_sent", &["count", "sha", "kind"])
            .and_then(|config| config.span("benchbridge.parse", &["byte_size"]))
            .expect("valid names"),
    )
    .expect("the bridge attaches");

    {
        let _default = tracing::subscriber::set_default(subscriber("info"));
        let mut group = c.benchmark_group("bridge_event_enabled");
        group.bench_function("tracing_info", |b| b.iter(tracing_event));
        group.bench_function("bridged", |b| b.iter(bridged_event));
        group.finish();
    }
    {
        let _default = tracing::subscriber::set_default(subscriber("off"));
        let mut group = c.benchmark_group("bridge_event_filtered_out");
        group.bench_function("tracing_info", |b| b.iter(tracing_event));
        group.bench_function("bridged", |b| b.iter(bridged_event));
        group.bench_function("ours_no_handler", |b| {
            b.iter(|| {
                UNHEARD.execute(
                    &fields!(count = black_box(3u64)),
                    &fields!(sha = black_box("4b825dc6"), kind = Value::atom("blob")),
                )
            })
        });
        group.finish();
    }
    {
        let _default = tracing::subscriber::set_default(subscriber("info"));
        let mut group = c.benchmark_group("bridge_span_enabled");
        group.bench_function("tracing_info_span", |b| {
            b.iter(|| {
                tracing::info_span!(target: "benchbridge.parse", "benchbridge.parse", byte_size = black_box(2048u64))
                    .in_scope(|| black_box(1u64))
            })
        });
        // Like-for-like with the bridge, which records the span's duration at its stop.
        group.bench_function("tracing_info_span_recording_duration", |b| {
            b.iter(|| {
                let started = std::time::Instant::now();
                let span = tracing::info_span!(
                    target: "benchbridge.parse",
                    "benchbridge.parse",
                    byte_size = black_box(2048u64),
                    duration = tracing::field::Empty
                );
                let result = span.in_scope(|| black_box(1u64));
                span.record("duration", started.elapsed().as_nanos() as u64);
                result
            })
        });
        group.bench_function("bridged", |b| {
            b.iter(|| SPAN.span(&fields!(byte_size = black_box(2048u64)), || black_box(1u64)))
        });
        group.finish();
    }
    drop(bridge);
}

criterion_group!(benches, events);
criterion_main!(benches);
