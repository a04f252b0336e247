//! The static description of a catalogue that `catalog!()` generates: for introspection,
//! documentation, and reporters that must know which keys are sensitive.

use crate::name::Name;

/// A crate's catalogue, as compiled into it by `catalog!()`.
#[derive(Debug)]
pub struct CatalogInfo {
    /// The catalogue's `name`.
    pub name: &'static str,
    /// The catalogue's `version`.
    pub version: &'static str,
    /// The prefix every event name starts with.
    pub prefix: &'static str,
    /// Every event and span, in catalogue order.
    pub events: &'static [EventInfo],
}

impl CatalogInfo {
    /// The event or span with this dotted name.
    pub fn event(&self, dotted: &str) -> Option<&'static EventInfo> {
        self.events.iter().find(|e| e.name == dotted)
    }

    /// The spans, in catalogue order.
    pub fn spans(&self) -> impl Iterator<Item = &'static EventInfo> + use<> {
        self.events.iter().filter(|e| e.kind == EventKind::Span)
    }

    /// The standalone events, in catalogue order.
    pub fn standalone_events(&self) -> impl Iterator<Item = &'static EventInfo> + use<> {
        self.events.iter().filter(|e| e.kind == EventKind::Event)
    }
}

/// Whether an event fires once or is a span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// Emitted once.
    Event,
    /// `start`, then `stop` or `exception`.
    Span,
}

/// One event or span of a catalogue.
#[derive(Debug)]
pub struct EventInfo {
    /// The name (a span's prefix, without a phase).
    pub name: Name<'static>,
    /// Event or span.
    pub kind: EventKind,
    /// What it means.
    pub doc: &'static str,
    /// `stable`, `experimental` or `deprecated`.
    pub stability: &'static str,
    /// Measurements of a standalone event.
    pub measurements: &'static [KeyInfo],
    /// Metadata keys: start keys, then stop-only keys.
    pub metadata: &'static [KeyInfo],
}

impl EventInfo {
    /// The metadata key with this canonical name.
    pub fn key(&self, name: &str) -> Option<&'static KeyInfo> {
        self.metadata.iter().find(|k| k.name == name)
    }
}

/// One metadata key or measurement.
#[derive(Debug)]
pub struct KeyInfo {
    /// The canonical name, e.g. `hit?`.
    pub name: &'static str,
    /// The Rust field name, e.g. `hit`.
    pub rust_name: &'static str,
    /// The declared type, in catalogue syntax.
    pub ty: &'static str,
    /// Whether it is always present.
    pub required: bool,
    /// Whether only the stop event of a span carries it.
    pub stop_only: bool,
    /// Whether reporters must redact it.
    pub sensitive: bool,
    /// What it means.
    pub doc: &'static str,
}
