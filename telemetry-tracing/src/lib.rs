//! Shows telemetry events and spans to `tracing` subscribers: each standalone event as a
//! `tracing` event, each span as a `tracing` span (its parent our parent span), every
//! metadata key and measurement as a field, sensitive values as `[redacted]`.
//!
//! Level and target filters work as for any `tracing` callsite: every event and span is
//! at the configured level (default `INFO`; an exception is an `ERROR` event inside its
//! span, with `kind` and `reason`), and its target is its dotted name, so that
//! `RUST_LOG=exgit.pack=debug` selects a subtree of a catalogue. When no subscriber wants
//! an event or span at all (its callsite's interest is "never"), the bridge detaches its
//! handler, so that emitting it costs what an event nobody listens to costs; when a
//! subscriber may want it but its filter says no, the handler returns after asking.
//!
//! ```
//! use telemetry_tracing::{attach, Config};
//! // Every event and span of a catalogue; the keys come from the catalogue.
//! let bridge = attach(Config::new("exgit-tracing").catalog(&exgit_like::telemetry::CATALOG))?;
//! tracing_subscriber::fmt().with_target(true).try_init().ok();
//! # drop(bridge);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A span's stop records the fields it adds or changes and its `duration` (nanoseconds).
//! Our spans are never *entered* in `tracing`, because one may end on another thread
//! than the one it started on: a subscriber's own busy/idle timings do not apply to
//! them, and `tracing` events emitted by other code inside one of our spans nest under
//! `tracing`'s current span, not ours.
//!
//! # How the callsites are made
//! `tracing` needs a `&'static` callsite whose field names are known before any event.
//! [`attach`] builds one per distinct event name (two per span: the span and its
//! exception event) from the keys the catalogue declares, leaks it once, registers it
//! with `tracing`, and reuses it for every event of that name and every later attach; at
//! most [`MAX_CALLSITES`] are made in a process, of at most [`MAX_FIELDS`] fields each.
//! Nothing is built or looked up per event: each event or span has a handler of its own
//! holding its callsites.

mod bridge;
mod callsite;
mod config;
mod error;
mod open_spans;
mod switch;
mod values;

pub use bridge::{Bridge, DURATION_FIELD, attach};
pub use callsite::{MAX_CALLSITES, MAX_FIELDS};
pub use config::Config;
pub use error::BridgeError;
pub use open_spans::MAX_OPEN_SPANS;
