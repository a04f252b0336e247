//! What attaching and detaching cost as the number of attached handlers grows: each
//! change touches only the events it names, so attaching 10,000 handlers to distinct
//! events costs about 10,000 times one attach, not the square of it.
//!
//! ```sh
//! cargo bench -p telemetry-bench --bench registry
//! ```

#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use telemetry_runtime::{attach, detach, execute};

/// Attaches one handler to each of `count` distinct events, then detaches them all;
/// returns the time the attaches took and the time the detaches took.
fn attach_then_detach(count: usize) -> (Duration, Duration) {
    let ids: Vec<String> = (0..count).map(|i| format!("bench-registry-{i}")).collect();
    let names: Vec<String> = (0..count).map(|i| format!("bench.registry.e{i}")).collect();
    let started = Instant::now();
    for (id, name) in ids.iter().zip(&names) {
        attach(id.as_str(), name.as_str(), |e| {
            black_box(e);
        })
        .unwrap();
    }
    let attached = started.elapsed();
    let started = Instant::now();
    for id in &ids {
        detach(id.as_str()).unwrap();
    }
    (attached, started.elapsed())
}

fn registry(c: &mut Criterion) {
    let mut g = c.benchmark_group("registry");
    g.sample_size(10);
    for count in [1_000usize, 10_000] {
        g.bench_function(format!("attach_{count}_distinct_events"), |b| {
            b.iter_custom(|iters| (0..iters).map(|_| attach_then_detach(count).0).sum());
        });
        g.bench_function(format!("detach_{count}_distinct_events"), |b| {
            b.iter_custom(|iters| (0..iters).map(|_| attach_then_detach(count).1).sum());
        });
    }
    // One attach and detach pair while 10,000 other handlers stay attached: the same
    // cost as with none.
    for others in [0usize, 10_000] {
        let ids: Vec<String> = (0..others).map(|i| format!("bench-other-{i}")).collect();
        for (i, id) in ids.iter().enumerate() {
            attach(id.as_str(), format!("bench.other.e{i}").as_str(), |_| {}).unwrap();
        }
        g.bench_function(format!("attach_detach_pair_with_{others}_attached"), |b| {
            b.iter(|| {
                attach("bench-pair", "bench.pair.event", |_| {}).unwrap();
                execute("bench.pair.event", &[], &[]).unwrap();
                detach("bench-pair").unwrap();
            });
        });
        for id in &ids {
            detach(id.as_str()).unwrap();
        }
    }
    g.finish();
}

criterion_group!(benches, registry);
criterion_main!(benches);
