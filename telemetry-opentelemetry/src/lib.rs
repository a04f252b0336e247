//! Exports telemetry spans and standalone events to OpenTelemetry, over OTLP.
//!
//! One call, [`install`], attaches a handler to the events you name (or to a whole
//! catalogue) and starts two export threads:
//!
//! - each span becomes an OpenTelemetry span with the same trace id, span id and parent
//!   id, its start time the start event's `system_time`, its end time that plus the stop
//!   event's `duration` (no second clock read), and the stop metadata as attributes; an
//!   exception ends it with status error and an `exception` event (`exception.type` and
//!   `kind`, `exception.message` and `reason`);
//! - each standalone event becomes a log record (its measurements and metadata as
//!   attributes) carrying the trace and span id of the span it was emitted in.
//! - metric definitions given to [`Config::metrics`] (what `telemetry_metrics::metrics!`
//!   builds) become OpenTelemetry instruments (counter → Counter, sum → Counter or
//!   UpDownCounter, last value → Gauge, summary and distribution → Histogram with the
//!   definition's buckets), their tags attributes, pushed by the SDK's periodic reader.
//!
//! Sensitive keys are exported as [`REDACTED`], never with their value. The emitting code
//! never waits for the collector: spans and records go into bounded queues, and what does
//! not fit, or fails to export, is counted ([`Bridge::dropped_spans`]) and reported as a
//! [`DROPPED_EVENT`] event. [`Bridge::shutdown`] (or dropping the bridge) exports what is
//! still queued.
//!
//! ```no_run
//! use telemetry_opentelemetry::{install, Config};
//! // OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 OTEL_SERVICE_NAME=exgit-demo
//! let bridge = install(Config::new("otel").span("exgit.pack.parse")?.event("exgit.object_store.haves_sent")?)?;
//! telemetry_runtime::span("exgit.pack.parse", &telemetry_runtime::fields!(byte_size = 10u64), || ())?;
//! bridge.shutdown(std::time::Duration::from_secs(5));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod attributes;
mod bridge;
mod config;
mod counted_export;
mod drops;
mod error;
mod interned;
mod logs;
mod meters;
mod metric_pipeline;
mod open_spans;
mod otlp;
mod propagation;
mod queue;
mod spans;

pub use attributes::REDACTED;
pub use bridge::{Bridge, install_with, install_with_metrics};
pub use config::Config;
pub use drops::{DROPPED_EVENT, DropCounts, DropReason};
pub use error::InstallError;
pub use otlp::install;
pub use propagation::{TRACEPARENT, TRACESTATE, extract, inject, inject_context};
