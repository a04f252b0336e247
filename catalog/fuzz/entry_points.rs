//! What each fuzz target checks, shared by the targets (nightly, libFuzzer)
//! and by the corpus replay test (`catalog/tests/fuzz_corpus.rs`, stable).
//!
//! Beyond "never panics": a rejected catalogue points every error at a line
//! and column inside the input; an accepted one renders, diffs with itself
//! as unchanged, and prints types that parse back to themselves; the
//! catalogue's name rule and the runtime's agree.
#![allow(dead_code)]

use std::path::Path;

use telemetry_catalog::{Catalog, Location, Type, diff, event_name_problem, render_markdown};
use telemetry_runtime::{EventName, Name};

/// The whole catalogue parser, then the docs and the diff of what it accepts.
pub(crate) fn check_catalog(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        check_catalog_text(text);
    }
}

fn check_catalog_text(text: &str) {
    match Catalog::parse(text, Path::new("fuzz.toml")) {
        Ok(catalog) => {
            let _ = render_markdown(&catalog);
            let report = diff(&catalog, &catalog);
            assert!(
                report.changes.is_empty(),
                "a catalogue differs from itself: {report}"
            );
            assert!(report.allowed, "{report}");
            let _ = report.to_string();
            for event in &catalog.events {
                for ty in event
                    .metadata
                    .iter()
                    .map(|k| &k.ty)
                    .chain(event.measurements.iter().map(|m| &m.ty))
                {
                    assert_round_trip(ty);
                }
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "an error without diagnostics");
            for error in &errors {
                assert_inside(text, error.location, &error.message);
            }
            let _ = errors.to_string();
        }
    }
}

/// The type grammar alone (byte offsets), then inside a catalogue (line and
/// column).
pub(crate) fn check_type_grammar(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match text.parse::<Type>() {
        Ok(ty) => {
            assert_round_trip(&ty);
            let _ = ty.admits_nil();
        }
        Err(error) => {
            assert!(
                error.offset <= text.len() && text.is_char_boundary(error.offset),
                "offset {} outside {text:?}: {error}",
                error.offset
            );
            let _ = error.to_string();
        }
    }
    // Where the text can stand in a TOML basic string as it is, its errors
    // are placed on the character they are about.
    if !text
        .chars()
        .any(|c| c == '"' || c == '\\' || c.is_control())
    {
        check_catalog_text(&format!(
            "name = \"f\"\nversion = \"1.0.0\"\nprefix = \"f\"\n[[event]]\nname = \"f.a\"\ndoc = \"d\"\nmetadata = {{ k = \"{text}\" }}\n"
        ));
    }
}

/// The catalogue's event-name rule against the runtime's `Name` and
/// `EventName`: the same segments, and the catalogue's two-segment minimum.
pub(crate) fn check_names(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let problem = event_name_problem(text);
    let owned = EventName::parse(text);
    match Name::parse(text) {
        Ok(name) => {
            let owned =
                owned.unwrap_or_else(|e| panic!("Name accepts {text:?}, EventName not: {e}"));
            assert_eq!(name.to_string(), text);
            assert_eq!(owned.as_str(), text);
            assert_eq!(name.segments().count(), text.split('.').count());
            assert_eq!(
                problem.is_none(),
                name.segments().count() >= 2,
                "the catalogue says {problem:?} of {text:?}, which the runtime accepts"
            );
            assert_eq!(name.phase(), owned.phase());
            match (name.phase(), name.span_prefix()) {
                (Some(phase), Some(prefix)) => {
                    assert_eq!(format!("{prefix}.{}", phase.segment()), text);
                }
                (Some(_), None) => assert_eq!(name.segments().count(), 1, "{text:?}"),
                (None, prefix) => assert!(prefix.is_none(), "{text:?}"),
            }
        }
        Err(error) => {
            assert!(owned.is_err(), "EventName accepts {text:?}, Name not");
            assert!(
                problem.is_some(),
                "the catalogue accepts {text:?}, the runtime refuses it: {error}"
            );
            let _ = error.to_string();
        }
    }
}

/// A type prints in the catalogue's syntax, which parses back to it.
fn assert_round_trip(ty: &Type) {
    let shown = ty.to_string();
    assert_eq!(shown.parse::<Type>().as_ref(), Ok(ty), "{shown}");
}

/// `location` is a line of `text` and a column on it (or just past its end).
fn assert_inside(text: &str, location: Location, message: &str) {
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(
        (1..=lines.len()).contains(&location.line),
        "line {} of {} lines: {message}",
        location.line,
        lines.len()
    );
    let width = lines[location.line - 1].chars().count();
    assert!(
        (1..=width + 1).contains(&location.column),
        "column {} of a line of {width}: {message}",
        location.column
    );
}
