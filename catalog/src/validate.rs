//! Rules that span several items of a parsed catalogue: duplicate events and
//! keys, names that collide, renames that point nowhere.

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{Location, Reporter};
use crate::model::{Catalog, EventDef, Phase};
use crate::suggest;

/// A `renamed_to` found while parsing, checked once every event is known.
pub(crate) struct Rename {
    pub(crate) from: String,
    pub(crate) target: String,
    pub(crate) location: Location,
}

/// The edit-distance work that "did you mean" may do for the renames of one
/// file (see [`suggest::closest_within`]): a few hundred misspelled targets
/// among a few hundred events get their suggestion; thousands share it.
const RENAME_SUGGESTION_BUDGET: usize = 1_000_000;

pub(crate) fn validate(catalog: &Catalog, renames: &[Rename], r: &mut Reporter<'_>) {
    let names: HashSet<&str> = catalog.events.iter().map(|e| e.name.as_str()).collect();
    duplicate_events(catalog, r);
    phase_collisions(catalog, &names, r);
    for event in &catalog.events {
        duplicate_keys(event, r);
    }
    let mut budget = RENAME_SUGGESTION_BUDGET;
    for rename in renames {
        check_rename(catalog, &names, rename, &mut budget, r);
    }
}

fn duplicate_events(catalog: &Catalog, r: &mut Reporter<'_>) {
    let mut first: HashMap<&str, &EventDef> = HashMap::new();
    for event in &catalog.events {
        match first.get(event.name.as_str()) {
            Some(earlier) => r.error_at(
                event.location,
                format!("duplicate event `{}`", event.name),
                Some(format!(
                    "it is first declared as a{} {} at line {}; remove one, or rename it",
                    if earlier.is_span() { "" } else { "n" },
                    earlier.kind,
                    earlier.location.line
                )),
            ),
            None => {
                first.insert(&event.name, event);
            }
        }
    }
}

/// A span `x` emits `x.start`, `x.stop` and `x.exception`; an event of one of
/// those names would reach the span's handlers.
fn phase_collisions(catalog: &Catalog, names: &HashSet<&str>, r: &mut Reporter<'_>) {
    for span in catalog.spans() {
        for suffix in ["start", "stop", "exception"] {
            let emitted = format!("{}.{suffix}", span.name);
            if !names.contains(emitted.as_str()) {
                continue;
            }
            for clash in catalog.events.iter().filter(|e| e.name == emitted) {
                r.error_at(
                    clash.location,
                    format!(
                        "`{}` is also the {suffix} event of the span `{}` (line {})",
                        clash.name, span.name, span.location.line
                    ),
                    Some("rename one: handlers attached to it would receive both".into()),
                );
            }
        }
    }
}

fn duplicate_keys(event: &EventDef, r: &mut Reporter<'_>) {
    // Every name the event's Rust struct will have, in file order, so a clash
    // is reported at the second declaration.
    let mut members: Vec<(&str, &str, &str, Location)> = event
        .measurements
        .iter()
        .map(|m| {
            (
                m.name.as_str(),
                m.rust_name.as_str(),
                "measurements",
                m.location,
            )
        })
        .chain(event.metadata.iter().map(|k| {
            let table = match k.phase {
                Phase::Start => "metadata",
                Phase::Stop => "stop",
            };
            (k.name.as_str(), k.rust_name.as_str(), table, k.location)
        }))
        .collect();
    members.sort_by_key(|m| m.3);

    let mut by_name: HashMap<&str, &str> = HashMap::new();
    let mut by_rust: HashMap<&str, &str> = HashMap::new();
    for (name, rust, table, location) in members {
        if let Some(first_table) = by_name.insert(name, table) {
            let help = match (first_table, table) {
                ("metadata", "stop") | ("stop", "metadata") => {
                    "a span key is known at start or only at stop, not both; keep it in `metadata` if it is known when the operation starts (the stop event carries start keys too)"
                }
                ("measurements", _) | (_, "measurements") => {
                    "rename one: a measurement and a metadata key of one event become fields of the same Rust struct"
                }
                _ => "remove one of them",
            };
            r.error_at(
                location,
                format!(
                    "duplicate key `{name}` in `{}`: declared in `{first_table}` and again in `{table}`",
                    event.name
                ),
                Some(help.into()),
            );
            continue;
        }
        let bare = rust.strip_prefix("r#").unwrap_or(rust);
        if let Some(other) = by_rust.insert(bare, name) {
            r.error_at(
                location,
                format!("`{other}` and `{name}` of `{}` both become the Rust field `{rust}`", event.name),
                Some(format!(
                    "give one another Rust name: \"{name}\" = {{ type = \"...\", rust = \"other_name\" }}"
                )),
            );
        }
    }
}

fn check_rename(
    catalog: &Catalog,
    names: &HashSet<&str>,
    rename: &Rename,
    budget: &mut usize,
    r: &mut Reporter<'_>,
) {
    if rename.target == rename.from {
        r.error_at(
            rename.location,
            format!("`{}` is renamed to itself", rename.from),
            Some("`renamed_to` names the event that replaces this one".into()),
        );
    } else if !names.contains(rename.target.as_str()) {
        let candidates = catalog.events.iter().map(|e| e.name.as_str());
        let help = suggest::closest_within(&rename.target, candidates, budget)
            .map(|name| format!("did you mean `{name}`?"))
            .unwrap_or_else(|| {
                "declare the new event too: the old name stays emitted next to it until a major release removes it".into()
            });
        r.error_at(
            rename.location,
            format!(
                "`{}` is renamed to `{}`, which is not in this catalogue",
                rename.from, rename.target
            ),
            Some(help),
        );
    }
}
