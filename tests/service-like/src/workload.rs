//! What the service does, with the number of events each part emits, so that tests and
//! the end-to-end check know what the metrics must say.

use std::sync::Arc;

use charon_like::events::SessionType;
use charon_like::session::SessionStore;
use charon_like::token::{Claims, Conn, Pipeline, Signer};
use exgit_like::fs::Repo;
use exgit_like::refs::CloneOptions;
use exgit_like::transport::{Remote, Transport};

/// What one run of [`exgit`] emitted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExgitCounts {
    /// `exgit.fs.grep.stop` events, all on `HEAD`.
    pub greps: u64,
    /// Files scanned over all greps.
    pub files_scanned: u64,
    /// `exgit.fs.ls.stop` events.
    pub listings: u64,
}

/// Clones a small repository and searches and lists it `rounds` times.
pub fn exgit(rounds: u64) -> Result<ExgitCounts, Box<dyn std::error::Error>> {
    let remote = Remote::shared();
    {
        let mut r = remote.lock().map_err(|_| "remote lock poisoned")?;
        let files: Vec<(String, String)> = (0..12)
            .map(|i| {
                (
                    format!("src/file_{i:02}.rs"),
                    format!("pub fn f{i}() {{}}\n"),
                )
            })
            .collect();
        let files: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, c)| (p.as_str(), c.as_str()))
            .collect();
        r.commit("refs/heads/main", &files, "first");
    }
    let transport = Transport::connect("https://git.example.com/service.git", Arc::clone(&remote))?;
    let repo = Repo::clone(&transport, CloneOptions::lazy())?;
    let mut counts = ExgitCounts::default();
    for _ in 0..rounds {
        let hits = repo.grep("HEAD", "pub fn", Some("src/**")).count();
        counts.greps += 1;
        counts.files_scanned += hits as u64;
        repo.ls("HEAD", "src")?;
        counts.listings += 1;
    }
    Ok(counts)
}

/// What one run of [`charon`] emitted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CharonCounts {
    /// `charon.session.create` events with `session_type` `full`.
    pub full_sessions: u64,
    /// The same with `oauth2`.
    pub oauth2_sessions: u64,
    /// `charon.token.valid` events (all bearer tokens).
    pub valid_tokens: u64,
    /// `charon.token.invalid` events (forged tokens: no session loaded).
    pub invalid_tokens: u64,
}

/// Signs in `users` users (every third one through OAuth2), checks one good and one
/// forged bearer token per user.
pub fn charon(users: u64) -> Result<CharonCounts, Box<dyn std::error::Error>> {
    let store = SessionStore::new();
    let pipeline = Pipeline {
        signer: Signer::new("service secret"),
        store: &store,
    };
    let forger = Signer::new("not the secret");
    let mut counts = CharonCounts::default();
    for user in 0..users {
        let kind = if user % 3 == 2 {
            SessionType::Oauth2
        } else {
            SessionType::Full
        };
        let session = store.create(user, kind, 1_000)?;
        match kind {
            SessionType::Full => counts.full_sessions += 1,
            SessionType::Oauth2 => counts.oauth2_sessions += 1,
        }
        let claims = Claims::access(&session, 10_000);
        let good = pipeline.call(Conn::bearer(&pipeline.signer.sign(&claims)), 2_000);
        counts.valid_tokens += u64::from(good.error.is_none());
        let bad = pipeline.call(Conn::bearer(&forger.sign(&claims)), 2_000);
        counts.invalid_tokens += u64::from(bad.error.is_some());
    }
    Ok(counts)
}
