//! `locate`: which catalogue governs a folder, by the rule every macro follows.

use std::fs;
use std::path::{Path, PathBuf};

use telemetry_catalog::locate;

/// A fresh folder under the target's scratch space.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("locate-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("src/jobs")).unwrap();
    fs::write(dir.join("Cargo.toml"), "[package]\nname = \"demo\"\n").unwrap();
    dir
}

#[test]
fn the_catalogue_beside_cargo_toml_governs_every_folder_below() {
    let root = scratch("beside");
    fs::write(root.join("telemetry.toml"), "").unwrap();
    assert_eq!(
        locate(&root.join("src/jobs")),
        Ok(root.join("telemetry.toml"))
    );
}

#[test]
fn a_catalogue_in_a_module_folder_governs_that_folder() {
    let root = scratch("module");
    fs::write(root.join("telemetry.toml"), "").unwrap();
    fs::write(root.join("src/jobs/telemetry.toml"), "").unwrap();
    assert_eq!(
        locate(&root.join("src/jobs")),
        Ok(root.join("src/jobs/telemetry.toml"))
    );
    assert_eq!(locate(&root.join("src")), Ok(root.join("telemetry.toml")));
}

#[test]
fn cargo_metadata_names_a_catalogue_elsewhere() {
    let root = scratch("metadata");
    fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"demo\"\n\n[package.metadata.telemetry]\ncatalog = \"events/jobs.toml\"\n",
    )
    .unwrap();
    fs::write(root.join("telemetry.toml"), "").unwrap();
    assert_eq!(locate(&root.join("src")), Ok(root.join("events/jobs.toml")));
}

#[test]
fn the_search_stops_at_the_crate_root() {
    let root = scratch("none");
    // A catalogue above the crate root belongs to another crate.
    let above = root.join("..").join("telemetry.toml");
    assert!(
        !above.exists(),
        "{} must not exist for this test",
        above.display()
    );
    assert_eq!(
        locate(&root.join("src/jobs")),
        Err(vec![root.join("src/jobs"), root.join("src"), root.clone()])
    );
}
