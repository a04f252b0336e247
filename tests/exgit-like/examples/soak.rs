//! Soak: the conformance workload on several threads while other threads attach, detach
//! and panic in handlers of the same events. A witness handler stays attached throughout;
//! each worker also captures what it emits, round by round. Every event a worker emitted
//! must have reached the witness exactly once: the example prints delivered/expected and
//! exits non-zero when they differ.
//!
//! Bounded in count (rounds per worker) and in time (a deadline stops the rounds early).
//! Run with `cargo run --release -p exgit-like --example soak`.

use std::cell::Cell;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use exgit_like::fs::Repo;
use exgit_like::object::ObjectId;
use exgit_like::refs::CloneOptions;
use exgit_like::telemetry::{emit_events, events};
use exgit_like::transport::{Remote, Transport};
use telemetry_runtime::{
    Durability, EventName, Phase, attach_many, attach_with, capture, detach, with_handler,
};

const WORKERS: usize = 3;
const CHURNERS: usize = 1;
const ROUNDS: usize = 150;
const DEADLINE: Duration = Duration::from_secs(120);

thread_local! {
    /// Events the witness received on this thread.
    static DELIVERED: Cell<u64> = const { Cell::new(0) };
}

/// Every name of the catalogue: each span's three phases, and the standalone events.
fn all_names() -> Vec<EventName> {
    let mut names: Vec<EventName> = Vec::new();
    for span in events() {
        for phase in [Phase::Start, Phase::Stop, Phase::Exception] {
            names.push(span.with_phase(phase).to_event_name());
        }
    }
    names.extend(emit_events().iter().map(|n| n.to_event_name()));
    names
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|_| {}));
    let names = Arc::new(all_names());
    attach_many("soak-witness", names.iter(), |_| {
        DELIVERED.with(|d| d.set(d.get() + 1));
    })
    .expect("the witness attaches");

    let started = Instant::now();
    let working = Arc::new(AtomicBool::new(true));
    let churn_rounds = Arc::new(AtomicU64::new(0));
    let churners: Vec<_> = (0..CHURNERS)
        .map(|c| {
            let (names, working, rounds) = (
                Arc::clone(&names),
                Arc::clone(&working),
                Arc::clone(&churn_rounds),
            );
            std::thread::spawn(move || churn(c, &names, &working, &rounds))
        })
        .collect();
    let workers: Vec<_> = (0..WORKERS)
        .map(|w| std::thread::spawn(move || work(w, started)))
        .collect();
    let (mut delivered, mut expected, mut rounds) = (0u64, 0u64, 0usize);
    for worker in workers {
        let (d, e, r) = worker.join().expect("a worker panicked");
        delivered += d;
        expected += e;
        rounds += r;
    }
    working.store(false, Ordering::Release);
    for churner in churners {
        churner.join().expect("a churner panicked");
    }
    detach("soak-witness").expect("the witness is still attached");

    println!(
        "soak: {WORKERS} workers, {rounds} rounds, {} attach/detach rounds by {CHURNERS} churner(s), {:.1?}",
        churn_rounds.load(Ordering::Relaxed),
        started.elapsed()
    );
    println!("delivered/expected: {delivered}/{expected}");
    if delivered == expected && expected > 0 {
        ExitCode::SUCCESS
    } else {
        eprintln!("soak: events were lost or duplicated");
        ExitCode::FAILURE
    }
}

/// Runs the workload round by round; returns (delivered, expected, rounds).
fn work(worker: usize, started: Instant) -> (u64, u64, usize) {
    let remote = Remote::shared();
    let files: Vec<(String, String)> = (0..24)
        .map(|i| {
            (
                format!("src/w{worker}_{i:02}.rs"),
                format!("pub fn f{i}() {{}}\n"),
            )
        })
        .collect();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    remote
        .lock()
        .expect("remote")
        .commit("refs/heads/main", &files, "soak");
    let (mut delivered, mut expected) = (0u64, 0u64);
    let mut rounds = 0;
    for round in 0..ROUNDS {
        if started.elapsed() > DEADLINE {
            break;
        }
        let before = DELIVERED.with(Cell::get);
        let captured = capture(|| {
            let transport =
                Transport::connect("https://soak.example/repo.git", Arc::clone(&remote))?;
            let repo = Repo::clone(&transport, CloneOptions::lazy())?;
            repo.grep("HEAD", "pub fn", Some("src/**")).count();
            repo.walk("HEAD")?.take(5 + round % 10).count();
            repo.read_path("main", &format!("src/w{worker}_{:02}.rs", round % 24))?;
            repo.ls("HEAD", "src")?;
            repo.stat("HEAD", "src")?;
            repo.store().has(&ObjectId([round as u8; 20]));
            Ok::<(), Box<dyn std::error::Error>>(())
        });
        captured.result.expect("the workload runs");
        delivered += DELIVERED.with(Cell::get) - before;
        expected += captured
            .events
            .iter()
            .filter(|e| e.name() != "telemetry.handler.failure")
            .count() as u64;
        rounds += 1;
    }
    (delivered, expected, rounds)
}

/// Attaches and detaches handlers on the workload's events until the workers are done:
/// plain ones, ones that panic once (and are detached), durable ones that always panic,
/// and scoped ones through `with_handler`.
fn churn(churner: usize, names: &[EventName], working: &AtomicBool, rounds: &AtomicU64) {
    let mut i = 0usize;
    while working.load(Ordering::Acquire) {
        let pick = |k: usize| &names[(i * 7 + k * 13) % names.len()];
        let plain = format!("soak-plain-{churner}");
        let once = format!("soak-once-{churner}");
        let durable = format!("soak-durable-{churner}");
        attach_many(plain.as_str(), [pick(0), pick(1)], |e| {
            std::hint::black_box(e.metadata().iter().count());
        })
        .expect("plain attaches");
        let _ = attach_many(once.as_str(), [pick(2)], |_| panic!("fails once"));
        attach_with(durable.as_str(), [pick(3)], Durability::Durable, |_| {
            panic!("fails every time")
        })
        .expect("durable attaches");
        with_handler(|_| {}, [pick(4)], std::thread::yield_now).expect("scoped attaches");
        detach(plain.as_str()).expect("plain detaches");
        let _ = detach(once.as_str());
        detach(durable.as_str()).expect("durable detaches");
        i += 1;
        rounds.fetch_add(1, Ordering::Relaxed);
    }
}
