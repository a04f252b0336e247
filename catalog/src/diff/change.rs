//! One classified difference, and the list the comparison fills.

use serde::Serialize;

use super::bump::Bump;

/// What kind of change a [`Change`] is, for machines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// The catalogue's `name` changed.
    CatalogRenamed,
    /// The catalogue's `prefix` changed.
    PrefixChanged,
    /// A doc text, `since` or deprecation note changed.
    DocChanged,
    /// An event or span was added.
    EventAdded,
    /// An event or span was removed.
    EventRemoved,
    /// A deprecated event was removed in favour of its `renamed_to`.
    EventRenamed,
    /// An event became a span or the reverse.
    KindChanged,
    /// An event's stability changed.
    StabilityChanged,
    /// A metadata key was added.
    KeyAdded,
    /// A metadata key was removed.
    KeyRemoved,
    /// A key's type changed shape.
    TypeChanged,
    /// An atom gained a value.
    AtomValueAdded,
    /// An atom lost a value.
    AtomValueRemoved,
    /// A key became optional or required.
    OptionalityChanged,
    /// A span key moved between start and stop-only.
    PhaseChanged,
    /// A key became sensitive or stopped being sensitive.
    SensitivityChanged,
    /// A key's or measurement's Rust field name changed.
    RustNameChanged,
    /// A measurement was added.
    MeasurementAdded,
    /// A measurement was removed.
    MeasurementRemoved,
    /// A measurement's type, constant or unit changed.
    MeasurementChanged,
}

/// One difference between the old and the new catalogue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Change {
    /// What changed.
    pub kind: ChangeKind,
    /// The bump it needs under the policy (before the experimental exemption).
    pub class: Bump,
    /// Whether it belongs to an experimental event and so needs no bump.
    pub exempt: bool,
    /// The event concerned (none for header changes).
    pub event: Option<String>,
    /// The key or measurement concerned.
    pub key: Option<String>,
    /// A sentence for people.
    pub message: String,
}

/// Collects changes for the event being compared.
#[derive(Default)]
pub(super) struct Changes {
    pub(super) list: Vec<Change>,
    pub(super) event: Option<String>,
    pub(super) exempt: bool,
}

impl Changes {
    pub(super) fn header(&mut self, kind: ChangeKind, class: Bump, message: String) {
        self.event = None;
        self.exempt = false;
        self.push(kind, class, None, message);
    }

    pub(super) fn push(
        &mut self,
        kind: ChangeKind,
        class: Bump,
        key: Option<&str>,
        message: String,
    ) {
        self.list.push(Change {
            kind,
            class,
            exempt: self.exempt,
            event: self.event.clone(),
            key: key.map(str::to_string),
            message,
        });
    }
}
