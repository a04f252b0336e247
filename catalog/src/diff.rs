//! SemVer classification of the changes between two versions of a catalogue.

use std::collections::BTreeSet;
use std::fmt;

use semver::Version;
use serde::Serialize;

use crate::model::{
    Catalog, EventDef, KeyDef, MeasurementDef, Phase, Stability, display, display_opt,
};
use crate::types::Type;

/// How big a change is, and so which version number must grow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bump {
    /// Documentation only.
    Patch,
    /// Backwards-compatible additions.
    Minor,
    /// Breaks existing handlers.
    Major,
}

impl Bump {
    /// The smallest version after `from` that makes this bump (Cargo's rule
    /// below 1.0.0: 0.3.1 needs 0.4.0 for a major change, 0.3.2 for a minor).
    ///
    /// ```
    /// use semver::Version;
    /// use telemetry_catalog::Bump;
    ///
    /// assert_eq!(Bump::Major.apply(&Version::new(1, 4, 2)), Version::new(2, 0, 0));
    /// assert_eq!(Bump::Minor.apply(&Version::new(1, 4, 2)), Version::new(1, 5, 0));
    /// assert_eq!(Bump::Major.apply(&Version::new(0, 3, 1)), Version::new(0, 4, 0));
    /// assert_eq!(Bump::Minor.apply(&Version::new(0, 3, 1)), Version::new(0, 3, 2));
    /// ```
    pub fn apply(self, from: &Version) -> Version {
        let (major, minor, patch) = (from.major, from.minor, from.patch);
        match (self, major, minor) {
            (Bump::Major, 1.., _) => Version::new(major + 1, 0, 0),
            (Bump::Major, 0, 1..) => Version::new(0, minor + 1, 0),
            (Bump::Minor, 1.., _) => Version::new(major, minor + 1, 0),
            _ => Version::new(major, minor, patch + 1),
        }
    }

    /// The biggest bump that `old` → `new` makes, or `None` when `new` is not
    /// later (pre-release tags are ignored).
    pub fn between(old: &Version, new: &Version) -> Option<Bump> {
        [Bump::Major, Bump::Minor, Bump::Patch]
            .into_iter()
            .find(|bump| triple(new) >= triple(&bump.apply(old)))
    }
}

fn triple(v: &Version) -> (u64, u64, u64) {
    (v.major, v.minor, v.patch)
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        })
    }
}

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
    /// A measurement's type or constant changed.
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

/// Every change between two catalogues, classified, and whether the version
/// fields allow it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DiffReport {
    /// The new catalogue's name.
    pub name: String,
    /// The old catalogue's `version`.
    #[serde(serialize_with = "display")]
    pub old_version: Version,
    /// The new catalogue's `version`.
    #[serde(serialize_with = "display")]
    pub new_version: Version,
    /// Every change, header first, then by event in the old file's order,
    /// then added events.
    pub changes: Vec<Change>,
    /// The biggest class among the changes that are not exempt.
    pub required: Option<Bump>,
    /// The bump the version fields make.
    pub actual: Option<Bump>,
    /// The smallest new version that would allow the required bump.
    #[serde(serialize_with = "display_opt")]
    pub minimum_version: Option<Version>,
    /// Whether the new version is at least [`minimum_version`](Self::minimum_version).
    pub allowed: bool,
}

/// Compares two versions of a catalogue and classifies every change.
///
/// The rule is the exgit seed's (events and their documented keys are public
/// API: renaming an event or removing a key needs a major release, new keys may
/// come in any release), refined the way OpenTelemetry Weaver's compatibility
/// policy refines it:
///
/// | change | class |
/// |---|---|
/// | event removed or renamed; span became event or back | major |
/// | key or measurement removed | major |
/// | key type changed (including opening or closing an atom) | major |
/// | value removed from an atom; value added to a *closed* atom | major |
/// | optional key became required, or required became optional | major |
/// | start key became stop-only | major |
/// | key's Rust field name changed | major |
/// | measurement type or constant changed | major |
/// | stable event became experimental | major |
/// | catalogue `name` or `prefix` changed | major |
/// | event added; key added (optional **or required**); measurement added | minor |
/// | value added to an *open* atom | minor |
/// | stop-only key now known at start | minor |
/// | key became sensitive or stopped being sensitive | minor |
/// | event deprecated, undeprecated, or promoted from experimental | minor |
/// | docs, `since`, deprecation note changed | patch |
///
/// Decisions the seeds leave open:
///
/// - **Adding a required key is minor.** Only the crate that owns the
///   catalogue emits its events, so a new key always arrives together with
///   the code that fills it; handlers only ever gain information. (Making an
///   *existing* optional key required is major: its Rust field changes from
///   `Option<T>` to `T`, which breaks typed handlers.)
/// - **A deprecated event with `renamed_to` is still public API.** Deprecating
///   it (and adding its replacement) is minor; both names are emitted meanwhile.
///   Removing the old name later is major, and `diff` reports it as a rename to
///   the replacement rather than a bare removal.
/// - **Experimental events are exempt**: changes to an event that was
///   experimental in the old catalogue (or is new and experimental) are
///   reported but need no bump. Promoting one out of experimental is minor.
///
/// Versions follow Cargo's reading of SemVer: below 1.0.0 the leftmost
/// non-zero number is the major one, so 0.3.1 → 0.4.0 is a major bump and
/// 0.3.1 → 0.3.2 a minor one.
///
/// # Example
///
/// ```
/// use std::path::Path;
/// use telemetry_catalog::{Bump, Catalog, diff};
///
/// let header = "name = \"demo\"\nprefix = \"demo\"\n";
/// let event = "[[event]]\nname = \"demo.thing.happened\"\ndoc = \"A thing happened.\"\n";
/// let old = Catalog::parse(
///     &format!("{header}version = \"1.0.0\"\n{event}metadata = {{ id = \"u64\" }}\n"),
///     Path::new("old.toml"),
/// )?;
/// let new = Catalog::parse(
///     &format!("{header}version = \"1.1.0\"\n{event}metadata = {{ id = \"u64\", note = \"string?\" }}\n"),
///     Path::new("new.toml"),
/// )?;
/// let report = diff(&old, &new);
/// assert_eq!(report.required, Some(Bump::Minor));
/// assert!(report.allowed);
/// # Ok::<(), telemetry_catalog::Diagnostics>(())
/// ```
pub fn diff(old: &Catalog, new: &Catalog) -> DiffReport {
    let mut changes = Changes::default();
    if old.name != new.name {
        changes.header(
            ChangeKind::CatalogRenamed,
            Bump::Major,
            format!("catalogue renamed from `{}` to `{}`", old.name, new.name),
        );
    }
    if old.prefix != new.prefix {
        changes.header(
            ChangeKind::PrefixChanged,
            Bump::Major,
            format!("prefix changed from `{}` to `{}`", old.prefix, new.prefix),
        );
    }
    if old.doc != new.doc {
        changes.header(
            ChangeKind::DocChanged,
            Bump::Patch,
            "catalogue doc changed".into(),
        );
    }
    for old_event in &old.events {
        match new.event(&old_event.name) {
            Some(new_event) => compare_event(&mut changes, old_event, new_event),
            None => removed_event(&mut changes, old_event, new),
        }
    }
    for new_event in new.events.iter().filter(|e| old.event(&e.name).is_none()) {
        changes.event = Some(new_event.name.clone());
        changes.exempt = new_event.stability == Stability::Experimental;
        changes.push(
            ChangeKind::EventAdded,
            Bump::Minor,
            None,
            format!("{} added", new_event.kind),
        );
    }

    let changes = changes.list;
    let required = changes.iter().filter(|c| !c.exempt).map(|c| c.class).max();
    let actual = Bump::between(&old.version, &new.version);
    let minimum_version = required.map(|bump| bump.apply(&old.version));
    let allowed = minimum_version
        .as_ref()
        .is_none_or(|min| triple(&new.version) >= triple(min));
    DiffReport {
        name: new.name.clone(),
        old_version: old.version.clone(),
        new_version: new.version.clone(),
        changes,
        required,
        actual,
        minimum_version,
        allowed,
    }
}

/// Collects changes for the event being compared.
#[derive(Default)]
struct Changes {
    list: Vec<Change>,
    event: Option<String>,
    exempt: bool,
}

impl Changes {
    fn header(&mut self, kind: ChangeKind, class: Bump, message: String) {
        self.event = None;
        self.exempt = false;
        self.push(kind, class, None, message);
    }

    fn push(&mut self, kind: ChangeKind, class: Bump, key: Option<&str>, message: String) {
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

fn removed_event(changes: &mut Changes, old_event: &EventDef, new: &Catalog) {
    changes.event = Some(old_event.name.clone());
    changes.exempt = old_event.stability == Stability::Experimental;
    match &old_event.stability {
        Stability::Deprecated {
            renamed_to: Some(target),
            ..
        } if new.event(target).is_some() => changes.push(
            ChangeKind::EventRenamed,
            Bump::Major,
            None,
            format!("renamed to `{target}`: the deprecated name is no longer emitted"),
        ),
        Stability::Deprecated { .. } => changes.push(
            ChangeKind::EventRemoved,
            Bump::Major,
            None,
            format!("deprecated {} removed", old_event.kind),
        ),
        _ => changes.push(
            ChangeKind::EventRemoved,
            Bump::Major,
            None,
            format!("{} removed", old_event.kind),
        ),
    }
}

fn compare_event(changes: &mut Changes, old: &EventDef, new: &EventDef) {
    changes.event = Some(old.name.clone());
    changes.exempt = false;
    compare_stability(changes, &old.stability, &new.stability);
    changes.exempt = old.stability == Stability::Experimental;

    if old.kind != new.kind {
        // Different events are emitted (x vs x.start/x.stop/x.exception), so
        // comparing their keys would only add noise.
        changes.push(
            ChangeKind::KindChanged,
            Bump::Major,
            None,
            format!("{} became a {}", old.kind, new.kind),
        );
        return;
    }
    if old.doc != new.doc {
        changes.push(
            ChangeKind::DocChanged,
            Bump::Patch,
            None,
            "doc changed".into(),
        );
    }
    if old.since != new.since {
        changes.push(
            ChangeKind::DocChanged,
            Bump::Patch,
            None,
            "`since` changed".into(),
        );
    }

    for m in &old.measurements {
        match new.measurements.iter().find(|n| n.name == m.name) {
            Some(n) => compare_measurement(changes, m, n),
            None => changes.push(
                ChangeKind::MeasurementRemoved,
                Bump::Major,
                Some(&m.name),
                format!("measurement `{}` removed", m.name),
            ),
        }
    }
    for n in new
        .measurements
        .iter()
        .filter(|n| !old.measurements.iter().any(|m| m.name == n.name))
    {
        changes.push(
            ChangeKind::MeasurementAdded,
            Bump::Minor,
            Some(&n.name),
            format!("measurement `{}` added", n.name),
        );
    }

    for k in &old.metadata {
        match new.metadata.iter().find(|n| n.name == k.name) {
            Some(n) => compare_key(changes, k, n),
            None => {
                let what = match k.phase {
                    Phase::Start => "key",
                    Phase::Stop => "stop-only key",
                };
                changes.push(
                    ChangeKind::KeyRemoved,
                    Bump::Major,
                    Some(&k.name),
                    format!("{what} `{}` removed", k.name),
                );
            }
        }
    }
    for n in new
        .metadata
        .iter()
        .filter(|n| !old.metadata.iter().any(|k| k.name == n.name))
    {
        let what = if n.required { "required" } else { "optional" };
        changes.push(
            ChangeKind::KeyAdded,
            Bump::Minor,
            Some(&n.name),
            format!("{what} key `{}` added", n.name),
        );
    }
}

fn compare_stability(changes: &mut Changes, old: &Stability, new: &Stability) {
    use Stability::{Deprecated, Experimental, Stable};
    let (class, message) = match (old, new) {
        (Stable, Stable) | (Experimental, Experimental) => return,
        (
            Deprecated {
                note: a,
                renamed_to: x,
            },
            Deprecated {
                note: b,
                renamed_to: y,
            },
        ) => {
            if a == b && x == y {
                return;
            }
            changes.push(
                ChangeKind::DocChanged,
                Bump::Patch,
                None,
                "deprecation note changed".into(),
            );
            return;
        }
        (Experimental, _) => (Bump::Minor, format!("promoted from experimental to {new}")),
        (_, Experimental) => (Bump::Major, format!("{old} event made experimental")),
        (Stable, Deprecated { .. }) => (Bump::Minor, "deprecated".to_string()),
        (Deprecated { .. }, Stable) => (Bump::Minor, "no longer deprecated".to_string()),
    };
    changes.push(ChangeKind::StabilityChanged, class, None, message);
}

fn compare_measurement(changes: &mut Changes, old: &MeasurementDef, new: &MeasurementDef) {
    let name = Some(old.name.as_str());
    if old.ty != new.ty {
        changes.push(
            ChangeKind::MeasurementChanged,
            Bump::Major,
            name,
            format!(
                "measurement `{}` changed from {} to {}",
                old.name, old.ty, new.ty
            ),
        );
    }
    if old.constant != new.constant {
        let shown = |c: &Option<crate::model::Constant>| {
            c.map_or_else(|| "variable".to_string(), |c| format!("always {c}"))
        };
        changes.push(
            ChangeKind::MeasurementChanged,
            Bump::Major,
            name,
            format!(
                "measurement `{}` changed from {} to {}",
                old.name,
                shown(&old.constant),
                shown(&new.constant)
            ),
        );
    }
    if old.rust_name != new.rust_name {
        changes.push(
            ChangeKind::RustNameChanged,
            Bump::Major,
            name,
            format!(
                "Rust field of measurement `{}` renamed from `{}` to `{}`",
                old.name, old.rust_name, new.rust_name
            ),
        );
    }
    if old.doc != new.doc {
        changes.push(
            ChangeKind::DocChanged,
            Bump::Patch,
            name,
            format!("doc of measurement `{}` changed", old.name),
        );
    }
}

fn compare_key(changes: &mut Changes, old: &KeyDef, new: &KeyDef) {
    let key = Some(old.name.as_str());
    let name = &old.name;
    let mut atom_changes = Vec::new();
    if !same_shape(&old.ty, &new.ty, &mut atom_changes) {
        changes.push(
            ChangeKind::TypeChanged,
            Bump::Major,
            key,
            format!(
                "type of key `{name}` changed from `{}` to `{}`",
                old.ty, new.ty
            ),
        );
    } else {
        for change in atom_changes {
            let (kind, class, message) = match change {
                AtomChange::Removed(value) => (
                    ChangeKind::AtomValueRemoved,
                    Bump::Major,
                    format!("value `{value}` removed from the atom of key `{name}`"),
                ),
                AtomChange::Added { value, open: true } => (
                    ChangeKind::AtomValueAdded,
                    Bump::Minor,
                    format!("value `{value}` added to the open atom of key `{name}`"),
                ),
                AtomChange::Added { value, open: false } => (
                    ChangeKind::AtomValueAdded,
                    Bump::Major,
                    format!("value `{value}` added to the closed atom of key `{name}`"),
                ),
            };
            changes.push(kind, class, key, message);
        }
    }
    if old.required != new.required {
        let message = if new.required {
            format!("key `{name}` became required (its Rust field loses its Option)")
        } else {
            format!("key `{name}` became optional: handlers that rely on it may miss it")
        };
        changes.push(ChangeKind::OptionalityChanged, Bump::Major, key, message);
    }
    match (old.phase, new.phase) {
        (Phase::Start, Phase::Stop) => changes.push(
            ChangeKind::PhaseChanged,
            Bump::Major,
            key,
            format!("key `{name}` became stop-only: start handlers lose it"),
        ),
        (Phase::Stop, Phase::Start) => changes.push(
            ChangeKind::PhaseChanged,
            Bump::Minor,
            key,
            format!("key `{name}` is now known at start"),
        ),
        _ => {}
    }
    if old.sensitive != new.sensitive {
        let message = if new.sensitive {
            format!("key `{name}` became sensitive: reporters redact it")
        } else {
            format!("key `{name}` is no longer sensitive: reporters show it")
        };
        changes.push(ChangeKind::SensitivityChanged, Bump::Minor, key, message);
    }
    if old.rust_name != new.rust_name {
        changes.push(
            ChangeKind::RustNameChanged,
            Bump::Major,
            key,
            format!(
                "Rust field of key `{name}` renamed from `{}` to `{}`",
                old.rust_name, new.rust_name
            ),
        );
    }
    if old.doc != new.doc {
        changes.push(
            ChangeKind::DocChanged,
            Bump::Patch,
            key,
            format!("doc of key `{name}` changed"),
        );
    }
}

enum AtomChange {
    Added { value: String, open: bool },
    Removed(String),
}

/// Whether two types have the same shape, collecting the atom values gained
/// and lost on the way (those are classified one by one; any other difference
/// is a type change).
fn same_shape(old: &Type, new: &Type, atoms: &mut Vec<AtomChange>) -> bool {
    match (old, new) {
        (Type::Atom { values: a, open: x }, Type::Atom { values: b, open: y }) => {
            if x != y {
                return false;
            }
            let (a, b): (BTreeSet<_>, BTreeSet<_>) = (a.iter().collect(), b.iter().collect());
            atoms.extend(a.difference(&b).map(|v| AtomChange::Removed((*v).clone())));
            atoms.extend(b.difference(&a).map(|v| AtomChange::Added {
                value: (*v).clone(),
                open: *y,
            }));
            true
        }
        (Type::List(a), Type::List(b)) => same_shape(a, b, atoms),
        (Type::Tuple(a), Type::Tuple(b)) | (Type::Union(a), Type::Union(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_shape(x, y, atoms))
        }
        _ => old == new,
    }
}

impl fmt::Display for DiffReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} {} -> {}",
            self.name, self.old_version, self.new_version
        )?;
        if self.changes.is_empty() {
            return writeln!(f, "no changes");
        }
        for change in &self.changes {
            let subject = change
                .event
                .as_ref()
                .map(|event| format!("{event}: "))
                .unwrap_or_default();
            if change.exempt {
                writeln!(
                    f,
                    "exempt {subject}{} (experimental: needs no bump; otherwise {})",
                    change.message, change.class
                )?;
            } else {
                writeln!(
                    f,
                    "{:<6} {subject}{} (needs {})",
                    change.class.to_string(),
                    change.message,
                    change.class.apply(&self.old_version)
                )?;
            }
        }
        match (self.required, &self.minimum_version) {
            (Some(required), Some(minimum)) => {
                let actual = self
                    .actual
                    .map_or_else(|| "no bump".to_string(), |b| format!("a {b} bump"));
                write!(
                    f,
                    "required: {required} bump, version {minimum} or later; {} -> {} is {actual}: ",
                    self.old_version, self.new_version
                )?;
                writeln!(f, "{}", if self.allowed { "ok" } else { "NOT ALLOWED" })
            }
            _ => writeln!(f, "required: no bump (every change is exempt)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bump_is_read_from_the_versions() {
        let v = |s: &str| Version::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(Bump::between(&v("1.4.0"), &v("2.0.0")), Some(Bump::Major));
        assert_eq!(Bump::between(&v("1.4.0"), &v("1.5.0")), Some(Bump::Minor));
        assert_eq!(Bump::between(&v("1.4.0"), &v("1.4.1")), Some(Bump::Patch));
        assert_eq!(Bump::between(&v("1.4.0"), &v("1.4.0")), None);
        assert_eq!(Bump::between(&v("1.4.0"), &v("1.3.9")), None);
        assert_eq!(Bump::between(&v("0.3.1"), &v("0.4.0")), Some(Bump::Major));
        assert_eq!(Bump::between(&v("0.3.1"), &v("0.3.2")), Some(Bump::Minor));
    }
}
