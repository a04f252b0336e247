//! The demo: a small git library whose every telemetry event is declared in a catalogue,
//! a workload on it, and a console reporter showing what the events say and what the
//! metrics defined over them measured.
//!
//! Run with `cargo run --example quickstart`.

use std::sync::Arc;
use std::time::Instant;

use exgit_like::fs::Repo;
use exgit_like::object::Object;
use exgit_like::pack;
use exgit_like::promisor::{OverfullPolicy, Promisor};
use exgit_like::refs::{CloneOptions, DiskRefStore};
use exgit_like::shared::SharedPromisor;
use exgit_like::telemetry::{CATALOG, emit_events, events};
use exgit_like::transport::{RefUpdate, Remote, Transport};
use telemetry_metrics::ConsoleReporter;
use telemetry_runtime::Phase;

const URL: &str = "https://git.example.com/demo.git";
const ROUNDS: usize = 200;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("telemetry: typed telemetry events for Rust, after Erlang's :telemetry\n");
    println!(
        "exgit-like is a small git library. Its {} events ({} spans, {} standalone) are \
         declared once,\nin catalog/catalogs/exgit.toml, and the macros checked every emit \
         against that file while it\ncompiled. A console reporter is attached to all of them \
         (the library knows nothing of it)\nwhile the library does some work.\n",
        CATALOG.events.len(),
        events().len(),
        emit_events().len()
    );

    // What to listen to: the stop and exception of every span, and every standalone
    // event, all from the generated catalogue.
    let mut names = Vec::new();
    for span in events() {
        names.push(span.with_phase(Phase::Stop));
        names.push(span.with_phase(Phase::Exception));
    }
    names.extend(emit_events().iter().copied());
    // Metrics over the same events, checked against the catalogue while this compiled.
    let metrics = Arc::new(telemetry_metrics::metrics! {
        use exgit_like;

        counter("exgit.fs.grep.stop.count", tags = ["reference"]),
        distribution("exgit.fs.grep.stop.duration",
            unit = native -> millisecond,
            buckets = [0.1, 0.5, 1, 5]),
        counter("exgit.object_store.get.stop.count", tags = ["store", "hit?"]),
        sum("exgit.transport.fetch.stop.result_bytes",
            measurement = |_, metadata| metadata.get("result_bytes").and_then(|v| v.as_f64()),
            unit = byte -> kilobyte),
        last_value("exgit.object_store.cache_overfull.bytes", unit = byte -> kilobyte),
        sum("exgit.security.ref_rejected.count"),
    });
    let reporter = ConsoleReporter::new()
        .with_recent(8)
        .redacting(&CATALOG)
        .with_metrics(Arc::clone(&metrics));
    reporter.attach("quickstart-console", names)?;

    let started = Instant::now();
    workload()?;
    let elapsed = started.elapsed();
    reporter.detach();

    let report = reporter.report();
    println!(
        "Workload: a lazy clone of a 40-file repository, {ROUNDS} rounds of grep, walk, read, \
         ls and stat on it,\na blobless clone, a cache shared by 4 threads, a push, two bad \
         packs and a bad ref name:\n{} events in {:.0?}.\n",
        report.total, elapsed
    );
    println!("{report}");
    println!("Durations are those of the spans' stop and exception events; p50 is the median.");
    println!(
        "The metrics are defined with telemetry_metrics::metrics! in this example. To serve them to\n\
         Prometheus, one line: `let endpoint = telemetry_metrics::serve_prometheus(\"127.0.0.1:9568\", &metrics)?;`\n\
         then scrape http://127.0.0.1:9568/metrics (try: cargo run -p service-like --example prometheus)."
    );
    println!(
        "The catalogue: catalog/catalogs/exgit.toml. The instrumented code: tests/exgit-like/src."
    );
    println!("The runtime API without macros: cargo run --example basics");
    println!(
        "To send its spans, events and metrics to an OpenTelemetry collector: OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 cargo run -p telemetry-opentelemetry --example exgit_otlp"
    );
    Ok(())
}

fn workload() -> Result<(), Box<dyn std::error::Error>> {
    let remote = Remote::shared();
    {
        let mut r = remote.lock().map_err(|_| "remote lock poisoned")?;
        let files: Vec<(String, String)> = (0..40)
            .map(|i| {
                let dir = ["src", "src/net", "docs"][i % 3];
                let ext = if dir == "docs" { "md" } else { "rs" };
                let body = format!(
                    "// module {i}\npub fn handler_{i}() -> u32 {{\n    {i}\n}}\n\nfn helper() {{}}\n"
                );
                (format!("{dir}/file_{i:02}.{ext}"), body)
            })
            .collect();
        let files: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, c)| (p.as_str(), c.as_str()))
            .collect();
        r.commit("refs/heads/main", &files[..20], "first half");
        let head = r.commit("refs/heads/main", &files, "second half");
        // A remote with two problems: a ref name that must not reach the disk, and two
        // refs that cannot coexist.
        r.set_ref("refs/heads/../../config", head);
        r.set_ref("refs/heads/release", head);
        r.set_ref("refs/heads/release/1.0", head);
    }
    let transport = Transport::connect(URL, Arc::clone(&remote))?;

    // A lazy clone behind a cache too small for the trees: it reports being overfull.
    let repo = Repo::clone(
        &transport,
        CloneOptions::lazy().with_cap(2_048, OverfullPolicy::Log),
    )?;
    for round in 0..ROUNDS {
        let hits = repo.grep("HEAD", "pub fn", Some("src/**")).count();
        assert!(hits > 0);
        repo.walk("HEAD")?.take(10 + round % 20).count();
        let path = format!("src/file_{:02}.rs", (round % 14) * 3);
        repo.read_path("main", &path)?;
        repo.ls("HEAD", "src/net")?;
        repo.stat("HEAD", "docs")?;
        repo.store()
            .has(&exgit_like::object::ObjectId([round as u8; 20]));
    }

    // A clone without blobs streams commits and trees straight into its cache.
    let blobless = Repo::clone(&transport, CloneOptions::blobless())?;
    blobless.read_path("HEAD", "docs/file_02.md")?;

    // One cache shared by four threads.
    let shared = SharedPromisor::new(Promisor::new(
        transport.clone(),
        u64::MAX,
        OverfullPolicy::Log,
    ));
    let head = repo.refs().resolve("HEAD").ok_or("no HEAD")?;
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let shared = shared.clone();
            std::thread::spawn(move || {
                for _ in 0..25 {
                    let _ = shared.resolve(&head);
                    shared.has(&head);
                    shared.get(&head);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().map_err(|_| "a worker panicked")?;
    }
    shared.put(Object::blob("a note"))?;

    // A push, a pack damaged in transit, a pack the parser gives up on, a bad ref name.
    let commit = Object::commit(head, &[head], "local work");
    let update = RefUpdate {
        name: "refs/heads/main".into(),
        old: Some(head),
        new: commit.id(),
    };
    transport.push(&[update], &pack::write([&commit]))?;
    let mut damaged = pack::write([&commit]);
    damaged[20] ^= 1;
    let _ = pack::parse(&damaged);
    let mut corrupt = b"PACK\0\0\0\x02\0\0\0\x01\x09\0\0\0\0".to_vec();
    let checksum = exgit_like::object::Sha1::digest(&corrupt);
    corrupt.extend_from_slice(&checksum);
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = std::panic::catch_unwind(|| pack::parse(&corrupt));
    std::panic::set_hook(quiet);
    assert!(
        outcome.is_err(),
        "the parser gives up on an unknown object type"
    );
    let _ = DiskRefStore::new().write("refs/heads/../../hooks/pre-commit", head);
    Ok(())
}
