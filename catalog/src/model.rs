//! The catalogue as data: what the macros, the docs and the diff read.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Serialize, Serializer};

use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::suggest;
use crate::types::Type;

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
    /// Parses a catalogue from its text; `path` names the file in errors.
    ///
    /// Every error is reported, each with its position, not just the first.
    pub fn parse(source: &str, path: &Path) -> Result<Catalog, Diagnostics> {
        crate::parse::parse(source, path)
    }

    /// Reads and parses a catalogue file, without caching.
    pub fn read(path: &Path) -> Result<Catalog, Diagnostics> {
        let source = std::fs::read_to_string(path).map_err(|e| read_error(path, &e))?;
        Catalog::parse(&source, path)
    }

    /// Loads a catalogue file, parsing it at most once per process while it is
    /// unchanged.
    ///
    /// The cache is keyed by canonical path, modification time and length, so
    /// a long-lived process (rust-analyzer keeps one proc-macro server for a
    /// whole session) sees an edited file. Errors are cached the same way.
    pub fn load(path: &Path) -> Result<Arc<Catalog>, Diagnostics> {
        crate::cache::load(path)
    }

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

pub(crate) fn read_error(path: &Path, error: &std::io::Error) -> Diagnostics {
    Diagnostic {
        path: path.to_path_buf(),
        location: Location::START,
        message: format!("cannot read the catalogue: {error}"),
        help: Some(
            "check the path; a crate's catalogue is usually telemetry.toml beside its Cargo.toml"
                .into(),
        ),
    }
    .into()
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
    /// The Rust field name: `hit` (see [`rust_field_name`]), or the explicit
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

fn rust_name_matches(rust_name: &str, name: &str) -> bool {
    rust_name == name || rust_name.strip_prefix("r#") == Some(name)
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

/// Rust's keywords (2024 edition, reserved ones included): a key with such a
/// name needs a raw identifier.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: [&str; 5] = ["self", "Self", "super", "crate", "_"];

pub(crate) fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// The Rust field name of a canonical key name.
///
/// The rule: drop a trailing `?` (`hit?` becomes `hit`); a name that is a Rust
/// keyword becomes a raw identifier (`ref` becomes `r#ref`), except the few
/// that cannot be raw (`self`, `super`, `crate`), which get a trailing `_`.
/// A catalogue can choose any other name with `rust = "..."`.
///
/// ```
/// use telemetry_catalog::rust_field_name;
///
/// assert_eq!(rust_field_name("hit?"), "hit");
/// assert_eq!(rust_field_name("session_id"), "session_id");
/// assert_eq!(rust_field_name("ref"), "r#ref");
/// ```
pub fn rust_field_name(canonical: &str) -> String {
    let base = canonical.strip_suffix('?').unwrap_or(canonical);
    if NOT_RAW.contains(&base) {
        format!("{base}_")
    } else if is_keyword(base) {
        format!("r#{base}")
    } else {
        base.to_string()
    }
}

/// Whether `name` can be a Rust field: an identifier, or a raw one (`r#ref`).
pub(crate) fn is_rust_identifier(name: &str) -> bool {
    let (raw, bare) = match name.strip_prefix("r#") {
        Some(bare) => (true, bare),
        None => (false, name),
    };
    let mut chars = bare.chars();
    let well_formed = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !well_formed || bare == "_" {
        return false;
    }
    if raw {
        !NOT_RAW.contains(&bare)
    } else {
        !is_keyword(bare)
    }
}

pub(crate) fn display<T: fmt::Display, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

pub(crate) fn display_opt<T: fmt::Display, S: Serializer>(
    value: &Option<T>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => serializer.collect_str(value),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_question_mark_is_dropped() {
        assert_eq!(rust_field_name("present?"), "present");
    }

    #[test]
    fn keywords_become_raw_identifiers() {
        assert_eq!(rust_field_name("type"), "r#type");
        assert_eq!(rust_field_name("self"), "self_");
    }

    #[test]
    fn identifiers_are_checked() {
        assert!(is_rust_identifier("hit"));
        assert!(is_rust_identifier("r#ref"));
        assert!(is_rust_identifier("_private"));
        assert!(!is_rust_identifier("ref"));
        assert!(!is_rust_identifier("hit?"));
        assert!(!is_rust_identifier("1st"));
        assert!(!is_rust_identifier("r#self"));
        assert!(!is_rust_identifier("_"));
    }
}
