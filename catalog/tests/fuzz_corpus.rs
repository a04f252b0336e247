//! Replays every saved fuzz input (`fuzz/corpus/<target>/`: the seeds, the
//! crashes found so far, and the minimised corpus) through the checks the fuzz
//! targets run, on stable: no panic, and every rejected catalogue points its
//! errors inside the input.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

#[path = "../fuzz/entry_points.rs"]
mod entry_points;

/// Runs `check` on every file of one target's corpus, and reports every file
/// that made it panic.
fn replay(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} holds no inputs", dir.display());
    let failures: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let data = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            catch_unwind(AssertUnwindSafe(|| check(&data)))
                .err()
                .map(|_| path.display().to_string())
        })
        .collect();
    assert!(failures.is_empty(), "these inputs fail: {failures:#?}");
}

#[test]
fn every_saved_catalogue_parses_or_fails_with_positions_inside_it() {
    replay("catalog", entry_points::check_catalog);
}

#[test]
fn every_saved_type_string_parses_back_or_fails_inside_it() {
    replay("type_grammar", entry_points::check_type_grammar);
}

#[test]
fn every_saved_name_gets_the_same_verdict_from_catalogue_and_runtime() {
    replay("names", entry_points::check_names);
}
