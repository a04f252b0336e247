//! Comparing one metadata key: its type's shape, atom values, optionality,
//! phase, sensitivity, Rust name and doc.

use std::collections::BTreeSet;

use super::bump::Bump;
use super::change::{ChangeKind, Changes};
use crate::model::{KeyDef, Phase};
use crate::types::Type;

pub(super) fn compare_key(changes: &mut Changes, old: &KeyDef, new: &KeyDef) {
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
