//! A small git library instrumented, through the telemetry macros only, with every event
//! of exgit's telemetry page (`catalog/catalogs/exgit.toml`).
//!
//! It is small but real: objects have their git ids, packs carry a trailing checksum,
//! a promisor caches what it fetches under a size cap, a transport talks to an in-memory
//! remote, ref names are validated, and a tree can be read, listed, walked and searched.
//!
//! | module | what it does | events |
//! |---|---|---|
//! | [`store`] | [`ObjectStore`] and the in-memory [`MemoryStore`] | `object_store.get/put/has?/object_size` |
//! | [`promisor`] | a cache in front of a remote, with eviction and a cap | the same spans with `hit?`, `fetch_and_cache`, `haves_sent`, `cache_overfull` |
//! | [`shared`] | one promisor shared by several users | `object_store.shared_promisor.*` |
//! | [`transport`] | fetch, ls-refs and push against a [`Remote`] | `transport.*`, `security.ref_rejected` (wire) |
//! | [`pack`] | pack writing, parsing and streaming | `pack.parse`, `pack.stream_parse` |
//! | [`refs`] | ref-name validation, ref stores, partial clone | `ref_store.write_failed`, `security.ref_rejected` (disk) |
//! | [`fs`] | read, list, stat, walk and grep a tree | `fs.*` |
//!
//! ```
//! use exgit_like::{fs::Repo, transport::{Remote, Transport}, refs::CloneOptions};
//! let remote = Remote::shared();
//! remote.lock().unwrap().commit("refs/heads/main", &[("README", "hello\n")], "first");
//! let transport = Transport::connect("https://example.com/repo.git", remote)?;
//! let repo = Repo::clone(&transport, CloneOptions::lazy())?;
//! assert_eq!(repo.read_path("HEAD", "README")?, b"hello\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod events;
pub mod fs;
pub mod object;
pub mod pack;
pub mod promisor;
pub mod refs;
pub mod shared;
pub mod store;
pub mod transport;

pub use object::{Object, ObjectId, ObjectKind};
pub use store::{MemoryStore, ObjectStore, StoreError};
pub use transport::Remote;

/// exgit's catalogue as code: `events()`, `emit_events()`, `with_handler()` and `CATALOG`,
/// generated from the reference catalogue so that nothing is listed by hand.
pub mod telemetry {
    use telemetry_runtime::{Field, IntoName, NameError, Spanned, StopExtra};

    telemetry_runtime::catalog!();

    /// `Exgit.Telemetry.span/3`: runs `f` inside the span `prefix`. `f` returns
    /// [`Spanned`], exgit's `{:span, result, extra}`: the result is returned unchanged and
    /// the extras are merged into the stop metadata. Extras computed inside `f` (a hex id,
    /// a list of names) are returned by value with
    /// [`owned_fields!`](telemetry_runtime::owned_fields!); nothing outside `f` has to
    /// keep them alive.
    ///
    /// ```
    /// use exgit_like::{telemetry, Object};
    /// use telemetry_runtime::{capture, fields, owned_fields, Spanned};
    /// let captured = capture(|| {
    ///     telemetry::span("my_app.blob.store", &fields!(kind = "blob"), || {
    ///         let id = Object::blob(b"hello".to_vec()).id();
    ///         let path = format!("objects/{id}");
    ///         Spanned::new(id, owned_fields!(sha = id.as_bytes().to_vec(), path = path))
    ///     })
    /// });
    /// let id = captured.result.unwrap();
    /// let stop = &captured.events[1];
    /// assert_eq!(stop.meta("sha").and_then(|v| v.as_bytes()), Some(&id.as_bytes()[..]));
    /// assert_eq!(stop.meta("path").and_then(|v| v.as_str()), Some(format!("objects/{id}").as_str()));
    /// ```
    pub fn span<'n, T, E: StopExtra>(
        prefix: impl IntoName<'n>,
        metadata: &[Field<'_>],
        f: impl FnOnce() -> Spanned<T, E>,
    ) -> Result<T, NameError> {
        telemetry_runtime::spanned(prefix, metadata, f)
    }
}
