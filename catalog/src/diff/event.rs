//! Comparing events: added, removed, renamed, their stability, docs and
//! measurements; their keys are compared in [`super::key`].

use std::collections::HashMap;

use super::bump::Bump;
use super::change::{ChangeKind, Changes};
use super::key::compare_key;
use crate::model::{Constant, EventDef, MeasurementDef, Phase, Stability};
use crate::unit::Unit;

/// The first item of each name: lookups by name stay linear over a whole
/// catalogue, however many events and keys it has.
pub(super) fn by_name<T>(items: &[T], name: impl Fn(&T) -> &str) -> HashMap<&str, &T> {
    let mut index = HashMap::with_capacity(items.len());
    for item in items {
        index.entry(name(item)).or_insert(item);
    }
    index
}

pub(super) fn removed_event(
    changes: &mut Changes,
    old_event: &EventDef,
    new_events: &HashMap<&str, &EventDef>,
) {
    changes.event = Some(old_event.name.clone());
    changes.exempt = old_event.stability == Stability::Experimental;
    match &old_event.stability {
        Stability::Deprecated {
            renamed_to: Some(target),
            ..
        } if new_events.contains_key(target.as_str()) => changes.push(
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

pub(super) fn compare_event(changes: &mut Changes, old: &EventDef, new: &EventDef) {
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

    let old_measurements = by_name(&old.measurements, |m| &m.name);
    let new_measurements = by_name(&new.measurements, |m| &m.name);
    for m in &old.measurements {
        match new_measurements.get(m.name.as_str()) {
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
        .filter(|n| !old_measurements.contains_key(n.name.as_str()))
    {
        changes.push(
            ChangeKind::MeasurementAdded,
            Bump::Minor,
            Some(&n.name),
            format!("measurement `{}` added", n.name),
        );
    }

    let old_keys = by_name(&old.metadata, |k| &k.name);
    let new_keys = by_name(&new.metadata, |k| &k.name);
    for k in &old.metadata {
        match new_keys.get(k.name.as_str()) {
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
        .filter(|n| !old_keys.contains_key(n.name.as_str()))
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

pub(super) fn compare_stability(changes: &mut Changes, old: &Stability, new: &Stability) {
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

pub(super) fn compare_measurement(
    changes: &mut Changes,
    old: &MeasurementDef,
    new: &MeasurementDef,
) {
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
        let shown = |c: &Option<Constant>| {
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
    if old.unit != new.unit {
        // A dependent's metric definitions convert from the declared unit, so both
        // its values and its definitions' checks change with it.
        let shown =
            |u: Option<Unit>| u.map_or_else(|| "no unit".to_string(), |u| format!("unit `{u}`"));
        changes.push(
            ChangeKind::MeasurementChanged,
            Bump::Major,
            name,
            format!(
                "measurement `{}` changed from {} to {}",
                old.name,
                shown(old.unit),
                shown(new.unit)
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
