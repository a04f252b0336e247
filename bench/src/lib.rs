//! What the benchmarks (`benches/emission.rs`) and the allocation test
//! (`tests/allocations.rs`) share: the payload, our instrumented event and functions,
//! handlers that read every field, and the harness for the threaded cases.
//!
//! The peers (`tracing`, `metrics`, `fastrace`) are dev-dependencies, so their side of
//! each case lives in the benchmark itself.

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use telemetry_runtime::{self as telemetry, Event, Fields, Value, span, stop};

/// The atom-like value of the payload: `:read`, `:write` or `:delete`.
#[derive(telemetry::Atom, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `:read`
    Read,
    /// `:write`
    Write,
    /// `:delete`
    Delete,
}

impl Kind {
    /// The atom's name, which is how the peers carry it (a `&'static str`).
    #[inline]
    pub fn as_str(self) -> &'static str {
        telemetry::Atom::atom(&self)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The payload every case carries, ours and the peers' alike: one `u64` id, one short
/// string and one atom-like value.
pub const PAYLOAD: (u64, &str, Kind) = (42, "GET /index", Kind::Read);

/// The payload, hidden from the optimiser: call it once per iteration so that no case
/// can fold its values into constants.
///
/// The values are read through an opaque reference to a static, not passed through
/// `black_box` by value: that would store them to the stack and load them back with
/// other widths, and the failed store-to-load forwarding (about 3 ns here) would swamp
/// the sub-nanosecond cases.
#[inline(always)]
pub fn payload() -> (u64, &'static str, Kind) {
    static PAYLOAD_STATIC: (u64, &str, Kind) = PAYLOAD;
    *black_box(&PAYLOAD_STATIC)
}

/// The catalogue as code; its `catalog!()` also exposes it to the metric definitions of
/// `benches/metrics.rs`.
pub mod catalog {
    telemetry_runtime::catalog!();
}

/// The event of cases 1, 2, 5 and 6.
#[telemetry::event("bench.request.done")]
pub struct RequestDone<'a> {
    /// The request id.
    pub id: u64,
    /// A short string.
    pub name: &'a str,
    /// An atom.
    pub kind: Kind,
}

/// The event the "other handlers" of case 6 are attached to.
#[telemetry::event("bench.other.event")]
pub struct OtherEvent {
    /// An id.
    pub id: u64,
}

/// The work every instrumented function of cases 3 and 4 does: a few instructions, so
/// that what is measured is the instrumentation.
#[inline(always)]
pub fn work(id: u64, name: &str, kind: Kind) -> u64 {
    id.wrapping_mul(31) ^ name.len() as u64 ^ kind as u64
}

/// The baseline of the span cases: the same function without instrumentation.
#[inline(never)]
pub fn handle_plain(id: u64, name: &str, kind: Kind) -> u64 {
    work(id, name, kind)
}

/// Ours in cases 3 and 4: a `#[span]` function whose arguments are the start metadata.
#[span("bench.request.handle")]
#[inline(never)]
pub fn handle(id: u64, name: &str, kind: Kind) -> u64 {
    work(id, name, kind)
}

/// For the allocation test: a `#[span]` function that sets scalar stop-only metadata
/// with `stop!`.
#[span("bench.request.serve")]
#[inline(never)]
pub fn serve(id: u64, name: &str, kind: Kind) -> u64 {
    let n = work(id, name, kind);
    stop!(status = 200u64, hit = n.is_multiple_of(2));
    n
}

/// For the allocation test: like [`serve`], with a string among the stop-only metadata.
#[span("bench.request.serve")]
#[inline(never)]
pub fn serve_with_detail(id: u64, name: &str, kind: Kind, detail: &str) -> u64 {
    let n = work(id, name, kind);
    stop!(status = 200u64, detail = detail);
    n
}

/// Reads one value the way a handler would: the scalar it holds, through `black_box`.
#[inline]
pub fn read_value(value: Value<'_>) {
    match value {
        Value::Bool(b) => {
            black_box(b);
        }
        Value::U64(n) => {
            black_box(n);
        }
        Value::I64(n) => {
            black_box(n);
        }
        Value::F64(x) => {
            black_box(x);
        }
        Value::Str(s) | Value::Atom(s) => {
            black_box(s);
        }
        other => {
            black_box(other);
        }
    }
}

/// Reads every key and value of a view.
#[inline]
pub fn read_fields(fields: Fields<'_>) {
    for field in fields {
        black_box(field.key);
        read_value(field.value);
    }
}

/// Our generic handler: reads the name, every measurement and every metadata field.
pub fn read_event(event: &Event<'_>) {
    black_box(event.name());
    read_fields(event.measurements());
    read_fields(event.metadata());
    black_box(event.span_context());
}

/// Our typed handler of [`RequestDone`]: reads every field of the struct and every
/// measurement.
pub fn read_request_done(event: &RequestDone<'_>, measurements: Fields<'_>) {
    black_box(event.id);
    black_box(event.name);
    black_box(event.kind);
    read_fields(measurements);
}

/// Runs `emit` `events` times in total, split evenly over `threads` threads started
/// together (a barrier), and returns the wall time from the first thread's start to the
/// last thread's end, scaled to exactly `events` events.
///
/// Throughput is `events` divided by that wall time: the aggregate rate of all emitting
/// threads. Thread creation and joining are outside the timed window.
///
/// # Panics
/// When `threads` is zero or an emitting thread panics.
pub fn parallel_wall_time(threads: usize, events: u64, emit: impl Fn() + Sync) -> Duration {
    assert!(threads > 0, "at least one thread emits");
    let per_thread = events.div_ceil(threads as u64).max(1);
    let barrier = Barrier::new(threads);
    let windows: Vec<(Instant, Instant)> = thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    let start = Instant::now();
                    for _ in 0..per_thread {
                        emit();
                    }
                    (start, Instant::now())
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("an emitting thread panicked"))
            .collect()
    });
    let start = windows.iter().map(|w| w.0).min().expect("one window");
    let end = windows.iter().map(|w| w.1).max().expect("one window");
    let wall = end.duration_since(start).as_nanos();
    let emitted = u128::from(per_thread) * threads as u128;
    let scaled = wall * u128::from(events) / emitted;
    Duration::from_nanos(u64::try_from(scaled).unwrap_or(u64::MAX))
}

/// A thread that attaches and detaches handlers of [`OtherEvent`] in a loop until
/// stopped (case 6).
pub struct Churn {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<(u64, Option<Duration>)>>,
    started: Instant,
}

impl Churn {
    /// Starts the churn: each round attaches two handlers and detaches them again, then
    /// sleeps `pause` if given (on a 2-core machine a third thread that never sleeps
    /// takes a third of the CPU time from the two emitters, whatever the design).
    pub fn start(pause: Option<Duration>) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = thread::spawn(move || {
            let seen = Arc::new(AtomicU64::new(0));
            let mut rounds = 0u64;
            let cpu_at_start = thread_cpu_time();
            while !flag.load(Ordering::Relaxed) {
                for id in ["bench.churn.a", "bench.churn.b"] {
                    let seen = Arc::clone(&seen);
                    OtherEvent::attach(id, move |event, _| {
                        seen.fetch_add(event.id, Ordering::Relaxed);
                    })
                    .expect("churn ids are unique");
                }
                for id in ["bench.churn.a", "bench.churn.b"] {
                    telemetry::detach(id).expect("attached just before");
                }
                rounds += 1;
                if let Some(pause) = pause {
                    thread::sleep(pause);
                }
            }
            let cpu = thread_cpu_time()
                .zip(cpu_at_start)
                .map(|(end, start)| end.saturating_sub(start));
            (rounds, cpu)
        });
        Churn {
            stop,
            thread: Some(thread),
            started: Instant::now(),
        }
    }

    /// Stops the churn and reports what it did.
    ///
    /// # Panics
    /// When the churn thread panicked.
    pub fn finish(mut self) -> ChurnReport {
        self.stop.store(true, Ordering::Relaxed);
        let (rounds, cpu) = self
            .thread
            .take()
            .map_or((0, None), |t| t.join().expect("the churn thread panicked"));
        ChurnReport {
            rounds,
            wall: self.started.elapsed(),
            cpu,
        }
    }
}

/// What a [`Churn`] did.
#[derive(Clone, Copy, Debug)]
pub struct ChurnReport {
    /// Rounds of two attaches and two detaches.
    pub rounds: u64,
    /// How long the churn ran.
    pub wall: Duration,
    /// The CPU time the churn thread used, where the OS tells (Linux).
    pub cpu: Option<Duration>,
}

impl ChurnReport {
    /// Rounds per second.
    pub fn rounds_per_second(&self) -> f64 {
        self.rounds as f64 / self.wall.as_secs_f64()
    }

    /// The share of one CPU the churn thread used.
    pub fn cpu_share(&self) -> Option<f64> {
        Some(self.cpu?.as_secs_f64() / self.wall.as_secs_f64())
    }
}

/// CPU time of the calling thread so far, from `/proc/thread-self/schedstat` (Linux).
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

impl Drop for Churn {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The baseline of the event cases: a function that receives the payload and does
/// nothing with it, as a library function would before it is instrumented.
#[inline(never)]
pub fn no_event(id: u64, name: &str, kind: Kind) {
    let _ = (id, name, kind);
}

/// Ours in cases 1 and 2: a function whose only work is emitting [`RequestDone`], as a
/// library would call it.
#[inline(never)]
pub fn emit_request_done(id: u64, name: &str, kind: Kind) {
    telemetry::emit!(RequestDone { id, name, kind });
}
