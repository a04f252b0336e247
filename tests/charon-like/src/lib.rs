//! A small authentication library instrumented, through the telemetry macros only, with
//! every event of Charon's telemetry page (`catalog/catalogs/charon.toml`).
//!
//! - [`session`]: a session store with optimistic locking. The first write of a session
//!   is a `create`, every later one a `refresh`; a write based on a stale version is a
//!   `lock_conflict` and changes nothing; `delete` and `delete_all` remove sessions.
//! - [`token`]: signed tokens and a verification pipeline in Charon's style (a chain of
//!   steps over a connection), whose `emit_telemetry` step reports `token.valid` or
//!   `token.invalid`.
//!
//! ```
//! use charon_like::events::SessionType;
//! use charon_like::session::SessionStore;
//! let store = SessionStore::new();
//! let mut session = store.create(42, SessionType::Full, 1_000)?;
//! store.refresh(&mut session, 2_000)?;
//! assert_eq!(session.refresh_count, 1);
//! # Ok::<(), charon_like::session::SessionError>(())
//! ```

pub mod events;
pub mod session;
pub mod token;

/// Charon's catalogue as code: `events()`, `emit_events()`, `with_handler()` and
/// `CATALOG`, generated from the reference catalogue.
pub mod telemetry {
    telemetry_runtime::catalog!();
}
