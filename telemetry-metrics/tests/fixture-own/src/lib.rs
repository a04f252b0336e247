//! A crate with events of its own, which defines metrics over them with
//! `metrics! { use crate; .. }`, and over a library's events in the same definitions.

use telemetry_metrics::Metrics;
use telemetry_runtime::{emit, event};

/// `jobs.upload.done`.
#[event("jobs.upload.done")]
pub struct UploadDone {
    /// Size of the upload, in bytes (a measurement).
    pub bytes: u64,
    /// How many tries it took (a measurement).
    pub attempts: u64,
    /// The queue it went through.
    pub queue: &'static str,
}

/// Reports one finished upload.
pub fn uploaded(bytes: u64, attempts: u64, queue: &'static str) {
    emit!(UploadDone {
        bytes,
        attempts,
        queue,
    });
}

/// Metrics over this crate's events only.
pub fn own_metrics() -> Metrics {
    telemetry_metrics::metrics! {
        use crate;
        sum("jobs.upload.done.bytes", unit = byte -> kilobyte, tags = ["queue"]),
        last_value("jobs.upload.done.attempts", unit = attempt),
    }
}

/// Metrics over this crate's events and exgit's.
pub fn all_metrics() -> Metrics {
    telemetry_metrics::metrics! {
        use crate, exgit_like;
        counter("jobs.upload.done.count"),
        last_value("exgit.object_store.cache_overfull.bytes", unit = byte -> kilobyte),
    }
}
