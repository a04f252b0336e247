//! What the bridge could not export, counted by reason and reported as an event.

use std::sync::atomic::{AtomicU64, Ordering};

use telemetry_runtime::{Value, execute, fields};

/// The event the bridge emits when it lost spans or log records: measurement `count`
/// (how many since the previous report), metadata `signal` (`spans`, `logs` or `metrics`,
/// whose count is of data points) and
/// `reason` (see [`DropReason::as_str`]). Attach a handler to it to alert on drops.
pub const DROPPED_EVENT: &str = "telemetry.opentelemetry.dropped";

/// Why a span or a log record was not exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DropReason {
    /// The queue in front of the exporter was full (the collector is slow or down).
    QueueFull,
    /// The exporter returned an error for the batch (timeout, refused, bad status).
    ExportFailed,
    /// The bridge was already shut down.
    ShutDown,
    /// A span ended whose start the bridge did not see (started before the bridge was
    /// installed, or more spans open at once than the bridge keeps track of).
    StartNotSeen,
}

impl DropReason {
    /// Every reason, in a fixed order.
    pub const ALL: [DropReason; 4] = [
        DropReason::QueueFull,
        DropReason::ExportFailed,
        DropReason::ShutDown,
        DropReason::StartNotSeen,
    ];

    /// The reason as it appears in the drop event's `reason` metadata.
    pub const fn as_str(self) -> &'static str {
        match self {
            DropReason::QueueFull => "queue_full",
            DropReason::ExportFailed => "export_failed",
            DropReason::ShutDown => "shut_down",
            DropReason::StartNotSeen => "start_not_seen",
        }
    }

    const fn index(self) -> usize {
        match self {
            DropReason::QueueFull => 0,
            DropReason::ExportFailed => 1,
            DropReason::ShutDown => 2,
            DropReason::StartNotSeen => 3,
        }
    }
}

/// How many items of one signal were lost, by reason, since the bridge was installed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DropCounts {
    /// Dropped because the queue was full.
    pub queue_full: u64,
    /// Lost because the exporter failed.
    pub export_failed: u64,
    /// Dropped because the bridge was shut down.
    pub shut_down: u64,
    /// Spans whose start was not seen.
    pub start_not_seen: u64,
}

impl DropCounts {
    /// Everything lost, whatever the reason.
    pub fn total(&self) -> u64 {
        self.queue_full + self.export_failed + self.shut_down + self.start_not_seen
    }
}

/// Lock-free counters behind [`DropCounts`].
#[derive(Debug, Default)]
pub(crate) struct DropCounter {
    counts: [AtomicU64; DropReason::ALL.len()],
}

impl DropCounter {
    pub(crate) fn add(&self, reason: DropReason, n: u64) {
        self.counts[reason.index()].fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn get(&self, reason: DropReason) -> u64 {
        self.counts[reason.index()].load(Ordering::Relaxed)
    }

    pub(crate) fn snapshot(&self) -> DropCounts {
        DropCounts {
            queue_full: self.get(DropReason::QueueFull),
            export_failed: self.get(DropReason::ExportFailed),
            shut_down: self.get(DropReason::ShutDown),
            start_not_seen: self.get(DropReason::StartNotSeen),
        }
    }
}

/// Emits [`DROPPED_EVENT`] for `count` items of `signal` lost for `reason`.
pub(crate) fn report(signal: &'static str, reason: DropReason, count: u64) {
    // The name is a valid constant: `execute` cannot fail on it.
    let _ = execute(
        DROPPED_EVENT,
        &fields!(count = count),
        &fields!(
            signal = Value::atom(signal),
            reason = Value::atom(reason.as_str())
        ),
    );
}
