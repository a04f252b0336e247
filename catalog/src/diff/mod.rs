//! SemVer classification of the changes between two versions of a catalogue.
//!
//! [`bump`] says what each size of change needs, [`change`] what one change
//! is, [`event`] and [`key`] compare, and [`report`] sums up.

mod bump;
mod change;
mod event;
mod key;
mod report;

pub use bump::Bump;
pub use change::{Change, ChangeKind};
pub use report::DiffReport;

use crate::model::{Catalog, Stability};
use bump::triple;
use change::Changes;
use event::{by_name, compare_event, removed_event};

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
/// | measurement type, constant or unit changed (a unit added or removed too) | major |
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
/// - **Any change of a measurement's unit is major, adding or removing one
///   too.** Metric definitions in dependent crates are checked against the
///   declared unit: a conversion needs it (`byte -> kilobyte`), and a plain unit
///   name must agree with it, so either change can stop them compiling, and a
///   changed unit silently rescales every dashboard that reads the values.
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
    let old_events = by_name(&old.events, |e| &e.name);
    let new_events = by_name(&new.events, |e| &e.name);
    for old_event in &old.events {
        match new_events.get(old_event.name.as_str()) {
            Some(new_event) => compare_event(&mut changes, old_event, new_event),
            None => removed_event(&mut changes, old_event, &new_events),
        }
    }
    for new_event in new
        .events
        .iter()
        .filter(|e| !old_events.contains_key(e.name.as_str()))
    {
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
    let minimum_version = required.and_then(|bump| bump.apply(&old.version));
    // A required bump that no version can make (the old number is already the
    // largest) is never allowed.
    let allowed = match (required, &minimum_version) {
        (None, _) => true,
        (Some(_), Some(min)) => triple(&new.version) >= triple(min),
        (Some(_), None) => false,
    };
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
