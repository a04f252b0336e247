//! Metrics over telemetry events, after Elixir's `Telemetry.Metrics`, and the reporters
//! that show them.
//!
//! A metric definition names an event of a library's catalogue (or of the crate's own,
//! `use crate`) and a measurement; the [`metrics!`] macro checks every definition against
//! the catalogues while the code compiles (unknown events, measurements and tags,
//! sensitive tags, unit conversions that do not start from the unit the catalogue
//! declares), with errors on the definition's own tokens. Reporters then turn the
//! events into values:
//!
//! - [`record_with_metrics`]: through the [`metrics`](mod@metrics) facade, so any metrics-rs exporter
//!   shows them; [`record_into`] targets a recorder of its own.
//! - [`serve_prometheus`]: a Prometheus endpoint in one line.
//! - [`ConsoleReporter`]: a table for a terminal, with the defined metrics' values, on
//!   demand or every few seconds.
//! - [`attach_reporter`]: a reporter of another crate (OpenTelemetry's, in
//!   `telemetry-opentelemetry`), with the same series cache and cardinality bound.
//!
//! ```
//! let metrics = telemetry_metrics::metrics! {
//!     use exgit_like;
//!
//!     counter("exgit.fs.grep.stop.count", tags = ["reference"]),
//!     distribution("exgit.fs.grep.stop.duration",
//!         unit = native -> millisecond,
//!         buckets = [0.1, 1.0, 10.0]),
//! };
//! let endpoint = telemetry_metrics::serve_prometheus("127.0.0.1:0", &metrics)?;
//! println!("scrape http://{}/metrics", endpoint.local_addr());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Semantics
//! As in `Telemetry.Metrics`: a counter counts events; for every other kind, an event
//! whose measurement is missing or not a number is skipped for that metric; `keep` and
//! `drop` run first, then the measurement, then `tag_values`.
//!
//! # Series and cardinality
//! Each reporter caches one handle per metric and tag set, found again by a hash of the
//! event's borrowed tag values: an event whose tag values were seen before builds no
//! string and looks up no name. A metric keeps at most [`DEFAULT_MAX_SERIES`] tag sets
//! apart (`max_series = N` changes it); past that, new tag sets share one overflow series
//! labelled `telemetry_overflow="true"` ([`OVERFLOW_LABEL`]), so memory stays bounded
//! whatever values a tag takes.

#[doc(hidden)]
pub mod __private;
mod attach;
mod console;
mod definition;
mod durations;
mod external;
mod facade;
mod periodic;
mod prometheus;
mod report;
mod series;
mod tags;
mod unit;
mod values;

pub use attach::Attachment;
pub use console::{ConsoleReporter, REDACTED};
pub use definition::{Kind, Metric, Metrics, SumAs};
pub use external::{Reporter, attach_reporter, tag_label};
pub use facade::{record_into, record_with_metrics};
pub use periodic::Periodic;
pub use prometheus::{PrometheusEndpoint, PrometheusError, serve_prometheus};
pub use report::{Durations, RecentEvent, Report, Row};
pub use series::{DEFAULT_MAX_SERIES, OVERFLOW_LABEL};
pub use tags::{MAX_TAGS, TagValues};
pub use telemetry_metrics_macros::metrics;
pub use unit::{Conversion, Unit};
pub use values::{MetricValue, Reading};
