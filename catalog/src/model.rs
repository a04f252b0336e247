//! The catalogue as data: what the macros, the docs and the diff read.
//!
//! Nothing here reads or parses: [`crate::parse`] builds a [`Catalog`] from
//! text and [`crate::cache`] keeps the ones already read.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::diagnostic::Location;
use crate::naming::rust_name_matches;
use crate::serialize::{display, display_opt};
use crate::suggest;
use crate::types::Type;
use crate::unit::Unit;

/// A crate's telemetry catalogue: every event it emits, with its keys.
///
/// ```
/// use std::path::Path;
/// use telemetry_catalog::{Catalog, Phase};
///
/// let catalog = Catalog::parse(
///     r#"
/// name = "exgit"
/// version = "1.4.0"
/// prefix = "exgit"
///
/// [[span]]
/// name = "exgit.fs.grep"
/// doc = "Content search over a tree."
/// metadata = { reference = "string", pattern = "string", path_glob = "string?" }
/// stop = { match_count = "u64" }
/// "#,
///     Path::new("telemetry.toml"),
/// )?;
///
/// let grep = catalog.event("exgit.fs.grep").expect("declared above");
/// assert_eq!(grep.key("match_count").map(|k| k.phase), Some(Phase::Stop));
/// assert_eq!(grep.location.line, 7);
/// assert_eq!(catalog.suggest_event("exgit.fs.grpe"), Some("exgit.fs.grep"));
/// assert_eq!(grep.suggest_key("patern"), Some("pattern"));
/// # Ok::<(), telemetry_catalog::Diagnostics>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Catalog {
    /// The crate (or library) whose events these are.
    pub name: String,
    /// The version of the event API this catalogue describes; `diff` checks it
    /// against the changes.
    #[serde(serialize_with = "display")]
    pub version: semver::Version,
    /// The dotted prefix every event name starts with.
    pub prefix: String,
    /// An introduction for the docs page (may be empty).
    pub doc: String,
    /// The file the catalogue was read from (as given to [`Catalog::parse`],
    /// canonical when loaded through [`Catalog::load`]).
    pub path: PathBuf,
    /// Every event and span, in file order.
    pub events: Vec<EventDef>,
}

impl Catalog {
    /// The event or span called `dotted_name` (e.g. `"exgit.fs.grep"`).
    pub fn event(&self, dotted_name: &str) -> Option<&EventDef> {
        self.events.iter().find(|e| e.name == dotted_name)
    }

    /// The declared name closest to a misspelled one, or `None` when nothing is
    /// close. A name written without the prefix finds the prefixed one.
    pub fn suggest_event(&self, misspelled: &str) -> Option<&str> {
        let names = || self.events.iter().map(|e| e.name.as_str());
        let prefixed = format!("{}.{misspelled}", self.prefix);
        if let Some(event) = self.event(&prefixed) {
            return Some(&event.name);
        }
        suggest::closest(misspelled, names()).or_else(|| suggest::closest(&prefixed, names()))
    }

    /// The spans, in file order (Elixir's `events/0`).
    pub fn spans(&self) -> impl Iterator<Item = &EventDef> {
        self.events.iter().filter(|e| e.kind == EventKind::Span)
    }

    /// The standalone events, in file order (Elixir's `emit_events/0`).
    pub fn standalone_events(&self) -> impl Iterator<Item = &EventDef> {
        self.events.iter().filter(|e| e.kind == EventKind::Event)
    }
}

/// Whether an event fires once or is a span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A standalone event, emitted once (`:telemetry.execute/3`), declared
    /// with `[[event]]`.
    Event,
    /// A span: `<name>.start`, then `<name>.stop` or `<name>.exception`
    /// (`:telemetry.span/3`), declared with `[[span]]`.
    Span,
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EventKind::Event => "event",
            EventKind::Span => "span",
        })
    }
}

/// How firm an event's contract is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Stability {
    /// Part of the SemVer contract (the default).
    Stable,
    /// May change in any release; `diff` exempts it.
    Experimental,
    /// Still emitted, but on its way out.
    Deprecated {
        /// Why, and what to use instead.
        note: String,
        /// The event that replaces it, when it was renamed.
        renamed_to: Option<String>,
    },
}

impl fmt::Display for Stability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stability::Stable => "stable",
            Stability::Experimental => "experimental",
            Stability::Deprecated { .. } => "deprecated",
        })
    }
}

/// When a span key is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Known when the operation starts: carried by the start event, and by the
    /// stop and exception events too. Every key of a standalone event is
    /// `Start`.
    Start,
    /// Known only when the operation ends: carried by the stop event alone.
    Stop,
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Start => "start",
            Phase::Stop => "stop",
        })
    }
}

/// One event or span of the catalogue.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct EventDef {
    /// The dotted name, e.g. `exgit.fs.grep`.
    pub name: String,
    /// Standalone event or span.
    pub kind: EventKind,
    /// When it fires and what it means.
    pub doc: String,
    /// Stable, experimental or deprecated.
    pub stability: Stability,
    /// The catalogue version that introduced it, when recorded.
    #[serde(serialize_with = "display_opt")]
    pub since: Option<semver::Version>,
    /// The measurements of a standalone event (spans have none of their own:
    /// the runtime supplies times and durations).
    pub measurements: Vec<MeasurementDef>,
    /// The metadata keys: start keys first, then stop-only keys, each group in
    /// file order.
    pub metadata: Vec<KeyDef>,
    /// Where the event's name is written.
    pub location: Location,
}

impl EventDef {
    /// The name's dotted segments: `exgit`, `fs`, `grep`.
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.name.split('.')
    }

    /// Whether this is a span.
    pub fn is_span(&self) -> bool {
        self.kind == EventKind::Span
    }

    /// The metadata key with this canonical name (`hit?`) or Rust field name
    /// (`hit`, and `ref` or `r#ref` for the field `r#ref`).
    pub fn key(&self, canonical_or_rust_name: &str) -> Option<&KeyDef> {
        self.metadata
            .iter()
            .find(|k| k.answers_to(canonical_or_rust_name))
    }

    /// The measurement with this name or Rust field name.
    pub fn measurement(&self, name: &str) -> Option<&MeasurementDef> {
        self.measurements
            .iter()
            .find(|m| m.name == name || rust_name_matches(&m.rust_name, name))
    }

    /// The metadata key name closest to a misspelled one, or `None` when
    /// nothing is close. Canonical and Rust names both count; the answer is
    /// whichever form is closer to what was written (`hti` gives `hit`).
    pub fn suggest_key(&self, misspelled: &str) -> Option<&str> {
        suggest::closest(
            misspelled,
            self.metadata
                .iter()
                .flat_map(|k| [k.rust_name.as_str(), k.name.as_str()]),
        )
    }

    /// The measurement name closest to a misspelled one.
    pub fn suggest_measurement(&self, misspelled: &str) -> Option<&str> {
        suggest::closest(
            misspelled,
            self.measurements
                .iter()
                .flat_map(|m| [m.rust_name.as_str(), m.name.as_str()]),
        )
    }

    /// The keys known at start (all keys of a standalone event). The stop and
    /// exception events of a span carry these too.
    pub fn start_keys(&self) -> impl Iterator<Item = &KeyDef> {
        self.metadata.iter().filter(|k| k.phase == Phase::Start)
    }

    /// The stop-only keys of a span (none for a standalone event). The stop
    /// event's metadata is [`start_keys`](Self::start_keys) plus these.
    pub fn stop_keys(&self) -> impl Iterator<Item = &KeyDef> {
        self.metadata.iter().filter(|k| k.phase == Phase::Stop)
    }
}

/// One metadata key of an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct KeyDef {
    /// The canonical name, as handlers see it: `hit?`.
    pub name: String,
    /// The Rust field name: `hit` (see [`rust_field_name`](crate::rust_field_name)), or the explicit
    /// `rust = "..."` of the catalogue.
    pub rust_name: String,
    /// The value's type.
    #[serde(rename = "type")]
    pub ty: Type,
    /// Whether the key is always present.
    pub required: bool,
    /// When the key is known; always [`Phase::Start`] for standalone events.
    pub phase: Phase,
    /// Whether every reporter redacts the value.
    pub sensitive: bool,
    /// What the value means (may be empty).
    pub doc: String,
    /// Where the key is declared.
    pub location: Location,
}

impl KeyDef {
    fn answers_to(&self, name: &str) -> bool {
        self.name == name || rust_name_matches(&self.rust_name, name)
    }
}

/// One measurement of a standalone event.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct MeasurementDef {
    /// The measurement name: `count`.
    pub name: String,
    /// The Rust field name, by the same rule as keys.
    pub rust_name: String,
    /// `u64`, `i64` or `f64`.
    #[serde(rename = "type")]
    pub ty: Type,
    /// The fixed value, for a measurement that never varies (Charon's
    /// `count`, "always 1").
    pub constant: Option<Constant>,
    /// The unit it is expressed in; `None` for a plain number (a count, a ratio).
    pub unit: Option<Unit>,
    /// What it measures (may be empty).
    pub doc: String,
    /// Where the measurement is declared.
    pub location: Location,
}

/// The value of a constant measurement.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Constant {
    /// An unsigned integer.
    U64(u64),
    /// A signed integer.
    I64(i64),
    /// A float.
    F64(f64),
}

impl fmt::Display for Constant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Constant::U64(v) => write!(f, "{v}"),
            Constant::I64(v) => write!(f, "{v}"),
            Constant::F64(v) => write!(f, "{v:?}"),
        }
    }
}
