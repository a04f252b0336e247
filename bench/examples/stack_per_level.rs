//! Stack per nested level of instrumented recursion, ours and `tracing`'s side by side:
//! how deep recursion through an instrumented function can go on a given stack.
//!
//! ```sh
//! cargo run --release -p telemetry-bench --example stack_per_level
//! cargo run -p telemetry-bench --example stack_per_level    # a debug build
//! ```
//!
//! Each row recurses [`DEPTH`] levels through one function with the benchmark payload
//! (ours a `#[span]`, tracing's an `#[instrument]`, the baseline the same function
//! without instrumentation) and reads the address of a local at the top and at the
//! bottom; the difference divided by the depth is the stack one level takes while its
//! body runs. "listened" rows have the benchmarks' handler (ours on start and stop, or
//! `registry + ReadAllLayer`) installed, which reads every field of every span.

#![allow(missing_docs)]

use std::hint::black_box;

use telemetry_bench::{Kind, read_event};
use telemetry_runtime::{self as telemetry, span, stop};

#[allow(dead_code)]
#[path = "../benches/emission/peer_tracing.rs"]
mod peer_tracing;

/// Levels per measurement.
const DEPTH: u64 = 1_000;

/// The address of a local of the caller's frame, as an integer.
#[inline(never)]
fn stack_address() -> usize {
    let local = 0u8;
    black_box(&local as *const u8 as usize)
}

#[inline(never)]
fn plain(id: u64, name: &str, kind: Kind) -> usize {
    if id == 0 {
        return stack_address();
    }
    black_box(plain(id - 1, black_box(name), black_box(kind)))
}

#[span("bench.request.handle")]
#[inline(never)]
fn ours(id: u64, name: &str, kind: Kind) -> usize {
    if id == 0 {
        return stack_address();
    }
    black_box(ours(id - 1, name, kind))
}

#[span("bench.request.serve")]
#[inline(never)]
fn ours_with_stop_values(id: u64, name: &str, kind: Kind) -> usize {
    stop!(status = 200u64, hit = id.is_multiple_of(2));
    if id == 0 {
        return stack_address();
    }
    black_box(ours_with_stop_values(id - 1, name, kind))
}

#[tracing::instrument(level = "info", skip(kind), fields(kind = kind.as_str()))]
#[inline(never)]
fn theirs(id: u64, name: &str, kind: Kind) -> usize {
    if id == 0 {
        return stack_address();
    }
    black_box(theirs(id - 1, name, kind))
}

/// Bytes of stack per level of `recurse`.
fn per_level(recurse: fn(u64, &str, Kind) -> usize) -> usize {
    let top = stack_address();
    let bottom = recurse(DEPTH, "GET /index", Kind::Read);
    (top - bottom) / DEPTH as usize
}

fn main() {
    // A thread of its own, with room for a debug build's frames.
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(measure)
        .expect("a thread")
        .join()
        .expect("the measurement ran");
}

fn measure() {
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    println!("stack per nested level, {build} build, bytes");
    println!(
        "{:<44} {:>6}",
        "plain function (baseline)",
        per_level(plain)
    );
    println!("{:<44} {:>6}", "ours, nobody listening", per_level(ours));
    println!(
        "{:<44} {:>6}",
        "ours + stop! values, nobody listening",
        per_level(ours_with_stop_values)
    );
    println!("{:<44} {:>6}", "tracing, no subscriber", per_level(theirs));
    telemetry::attach_many(
        "stack",
        [
            "bench.request.handle.start",
            "bench.request.handle.stop",
            "bench.request.handle.exception",
            "bench.request.serve.start",
            "bench.request.serve.stop",
            "bench.request.serve.exception",
        ],
        read_event,
    )
    .expect("attached once");
    peer_tracing::install();
    println!("{:<44} {:>6}", "ours, listened", per_level(ours));
    println!(
        "{:<44} {:>6}",
        "ours + stop! values, listened",
        per_level(ours_with_stop_values)
    );
    println!(
        "{:<44} {:>6}",
        "tracing, registry + layer",
        per_level(theirs)
    );
}
