//! The exgit-like library's spans and events as `tracing` spans and events, printed by
//! `tracing-subscriber`'s fmt layer and filtered by `RUST_LOG`.
//!
//! ```text
//! RUST_LOG=exgit.fs=info cargo run -p telemetry-tracing --example exgit_fmt
//! ```

use exgit_like::fs::Repo;
use exgit_like::refs::CloneOptions;
use exgit_like::telemetry::CATALOG;
use exgit_like::transport::{Remote, Transport};
use telemetry_tracing::{Config, attach};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_span_events(FmtSpan::CLOSE)
        .init();
    let _bridge = attach(Config::new("exgit-fmt").catalog(&CATALOG))?;

    let remote = Remote::shared();
    remote.lock().map_err(|_| "remote lock poisoned")?.commit(
        "refs/heads/main",
        &[("README", "hello\n"), ("src/lib.rs", "pub fn f() {}\n")],
        "first",
    );
    let transport = Transport::connect("https://example.com/repo.git", remote)?;
    let repo = Repo::clone(&transport, CloneOptions::lazy())?;
    repo.read_path("HEAD", "README")?;
    repo.grep("HEAD", "pub fn", None).count();
    Ok(())
}
