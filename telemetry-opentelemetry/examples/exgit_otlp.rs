//! The exgit-like library's spans, events and metrics, sent to an OpenTelemetry
//! collector: the bridge is attached to its whole catalogue and to metric definitions
//! over its events in one call, then the library works. Shutdown exports the metrics'
//! last values.
//!
//! ```text
//! OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 OTEL_SERVICE_NAME=exgit-demo \
//!     cargo run -p telemetry-opentelemetry --example exgit_otlp
//! ```

use std::time::Duration;

use exgit_like::fs::Repo;
use exgit_like::refs::CloneOptions;
use exgit_like::telemetry::CATALOG;
use exgit_like::transport::{Remote, Transport};
use telemetry_opentelemetry::{Config, install};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Checked against exgit-like's catalogue while this example compiles.
    let metrics = telemetry_metrics::metrics! {
        use exgit_like;

        counter("exgit.fs.grep.stop.count", tags = ["reference"]),
        distribution("exgit.fs.grep.stop.duration",
            unit = native -> millisecond,
            buckets = [0.1, 0.5, 1, 5]),
    };
    let bridge = install(Config::new("exgit-otlp").catalog(&CATALOG).metrics(metrics))?;

    let remote = Remote::shared();
    remote.lock().map_err(|_| "remote lock poisoned")?.commit(
        "refs/heads/main",
        &[("README", "hello\n"), ("src/lib.rs", "pub fn f() {}\n")],
        "first",
    );
    let transport = Transport::connect("https://example.com/repo.git", remote)?;
    let repo = Repo::clone(&transport, CloneOptions::lazy())?;
    for _ in 0..10 {
        repo.read_path("HEAD", "README")?;
        repo.grep("HEAD", "pub fn", None).count();
    }

    let flushed = bridge.shutdown(Duration::from_secs(10));
    let (spans, logs) = (bridge.dropped_spans(), bridge.dropped_logs());
    println!(
        "exported the exgit-like workload's spans, events and metrics ({} spans and {} events not exported{})",
        spans.total(),
        logs.total(),
        if flushed {
            ""
        } else {
            ", some of it did not reach the collector in time"
        }
    );
    if !flushed || spans.total() + logs.total() > 0 {
        println!(
            "is a collector listening at OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318)?"
        );
    }
    Ok(())
}
