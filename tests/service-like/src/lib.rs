//! A service over two libraries: it clones and searches repositories with `exgit-like`
//! and authenticates users with `charon-like`, and defines its metrics over both
//! libraries' events. The definitions are checked against each library's catalogue while
//! this crate compiles, though this crate holds no catalogue and names no catalogue file:
//! each library's `catalog!()` exposes its own.
//!
//! ```
//! let metrics = service_like::metrics();
//! assert!(metrics.get("charon.session.create.count").is_some());
//! ```

pub mod workload;

use telemetry_metrics::Metrics;
use telemetry_runtime::Value;

/// The service's metrics.
pub fn metrics() -> Metrics {
    telemetry_metrics::metrics! {
        use exgit_like, charon_like;

        counter("exgit.fs.grep.stop.count",
            tags = ["reference"],
            description = "Searches run, by ref."),
        distribution("exgit.fs.grep.stop.duration",
            unit = native -> millisecond,
            buckets = [0.01, 0.1, 1, 10, 100],
            description = "How long a search took."),
        summary("exgit.fs.ls.stop.duration", unit = native -> microsecond),
        sum("exgit.fs.grep.stop.files_scanned",
            measurement = |_, metadata| metadata.get("files_scanned").and_then(|v| v.as_f64()),
            description = "Files searched, over every search."),
        last_value("exgit.object_store.cache_overfull.bytes", unit = byte -> kilobyte),
        counter("charon.session.create.count", tags = ["session_type"]),
        sum("charon.token.valid.count", tags = ["token_transport"]),
        counter("charon.token.invalid.count",
            tags = ["outcome"],
            tag_values = |metadata| [match metadata.get("session_loaded") {
                Some(Value::Bool(true)) => Value::Str("session_loaded"),
                _ => Value::Str("no_session"),
            }]),
    }
}
