//! One benchmark case per process, for counting its instructions with callgrind:
//! `bench/instructions.sh` counts only inside [`measured`] (after a warm-up of 1 000
//! calls) and divides by the number of calls, so set-up, warm-up and exit cost nothing
//! in the result.
//!
//! ```sh
//! cargo run --release -p telemetry-bench --example instructions -- <case> <iterations>
//! ```
//!
//! Every case calls one `#[inline(never)]` function per iteration, as a library calls
//! its instrumented operations, with the payload read through an opaque reference.

#![allow(missing_docs)]

use std::hint::black_box;

use telemetry_bench::{
    Kind, emit_request_done, handle, handle_plain, no_event, payload, read_event, read_request_done,
};
use telemetry_runtime as telemetry;

// `installed` serves the criterion benchmark only.
#[allow(dead_code)]
#[path = "../benches/emission/peer_tracing.rs"]
mod peer_tracing;

#[path = "../benches/emission/peer_functions.rs"]
mod peer_functions;
use peer_functions::{Discard, fastrace_handle, fastrace_handle_bare, tracing_handle};

#[inline(never)]
fn tracing_event(id: u64, name: &str, kind: Kind) {
    tracing::info!(id = id, name = name, kind = kind.as_str());
}

/// The cases: name, what it needs installed, and the operation.
const CASES: &[(&str, Setup, fn())] = &[
    ("1_baseline", Setup::Nothing, || {
        let (id, name, kind) = payload();
        no_event(id, name, kind);
    }),
    ("1_ours", Setup::Nothing, || {
        let (id, name, kind) = payload();
        emit_request_done(id, name, kind);
    }),
    ("1_tracing", Setup::Nothing, || {
        let (id, name, kind) = payload();
        tracing_event(id, name, kind);
    }),
    ("2_ours_typed", Setup::TypedHandler, || {
        let (id, name, kind) = payload();
        emit_request_done(id, name, kind);
    }),
    ("2_ours_generic", Setup::GenericHandler, || {
        let (id, name, kind) = payload();
        emit_request_done(id, name, kind);
    }),
    ("2_tracing", Setup::TracingLayer, || {
        let (id, name, kind) = payload();
        tracing_event(id, name, kind);
    }),
    ("3_baseline", Setup::Nothing, || {
        let (id, name, kind) = payload();
        black_box(handle_plain(id, name, kind));
    }),
    ("3_ours", Setup::Nothing, || {
        let (id, name, kind) = payload();
        black_box(handle(id, name, kind));
    }),
    ("3_tracing", Setup::Nothing, || {
        let (id, name, kind) = payload();
        black_box(tracing_handle(id, name, kind));
    }),
    ("3_fastrace", Setup::Nothing, || {
        let (id, name, kind) = payload();
        black_box(fastrace_handle(id, name, kind));
    }),
    ("4_ours", Setup::SpanHandler, || {
        let (id, name, kind) = payload();
        black_box(handle(id, name, kind));
    }),
    ("4_tracing", Setup::TracingLayer, || {
        let (id, name, kind) = payload();
        black_box(tracing_handle(id, name, kind));
    }),
    ("4_tracing_timed", Setup::TracingLayerTimed, || {
        let (id, name, kind) = payload();
        black_box(tracing_handle(id, name, kind));
    }),
    ("4_fastrace", Setup::FastraceRoot, || {
        let (id, name, kind) = payload();
        black_box(fastrace_handle(id, name, kind));
    }),
    ("4_fastrace_bare", Setup::FastraceRoot, || {
        let (id, name, kind) = payload();
        black_box(fastrace_handle_bare(id, name, kind));
    }),
];

#[derive(Clone, Copy)]
enum Setup {
    Nothing,
    TypedHandler,
    GenericHandler,
    SpanHandler,
    TracingLayer,
    TracingLayerTimed,
    FastraceRoot,
}

/// Spans per fastrace root, as in `benches/emission.rs`.
const SPANS_PER_ROOT: u64 = 100;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(case), Some(iterations)) = (args.next(), args.next()) else {
        eprintln!("usage: instructions <case> <iterations>; cases:");
        for (name, _, _) in CASES {
            eprintln!("  {name}");
        }
        std::process::exit(2);
    };
    let Some(&(_, setup, op)) = CASES.iter().find(|(name, _, _)| *name == case) else {
        eprintln!("unknown case {case}");
        std::process::exit(2);
    };
    let iterations: u64 = iterations.parse().expect("iterations is a number");
    match setup {
        Setup::Nothing => {}
        Setup::TypedHandler => {
            telemetry_bench::RequestDone::attach("typed", read_request_done).expect("once");
        }
        Setup::GenericHandler => {
            telemetry::attach("generic", "bench.request.done", read_event).expect("once");
        }
        Setup::SpanHandler => {
            telemetry::attach_many(
                "span",
                ["bench.request.handle.start", "bench.request.handle.stop"],
                read_event,
            )
            .expect("once");
        }
        Setup::TracingLayer => peer_tracing::install(),
        Setup::TracingLayerTimed => {
            peer_tracing::TIME_SPANS.store(true, std::sync::atomic::Ordering::Relaxed);
            peer_tracing::install();
        }
        Setup::FastraceRoot => {
            fastrace::set_reporter(Discard, fastrace::collector::Config::default());
        }
    }
    let roots = matches!(setup, Setup::FastraceRoot);
    run(op, 1_000, roots);
    measured(op, iterations, roots);
    if let Setup::FastraceRoot = setup {
        fastrace::flush();
    }
}

/// The counted part: `bench/instructions.sh` tells callgrind to count only inside this
/// function (and what it calls).
#[inline(never)]
fn measured(op: fn(), iterations: u64, roots: bool) {
    run(op, iterations, roots);
}

/// Calls `op` `iterations` times; with `roots`, under fastrace root spans of
/// [`SPANS_PER_ROOT`] calls each, opened and submitted within the loop.
#[inline(never)]
fn run(op: fn(), iterations: u64, roots: bool) {
    if roots {
        use fastrace::prelude::{Span, SpanContext};
        let mut left = iterations;
        while left > 0 {
            let batch = left.min(SPANS_PER_ROOT);
            let root = Span::root("bench.root", SpanContext::random());
            {
                let _parent = root.set_local_parent();
                for _ in 0..batch {
                    op();
                }
            }
            drop(root);
            left -= batch;
        }
    } else {
        for _ in 0..iterations {
            op();
        }
    }
}
