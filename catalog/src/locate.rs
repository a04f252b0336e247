//! Finding the catalogue that governs a source file, by the rule every macro follows.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// The catalogue that governs the source files of `dir`, or the directories searched
/// in vain (the last one the crate root, when one was found).
///
/// The rule, from `dir` upwards:
/// 1. a directory whose `Cargo.toml` sets `[package.metadata.telemetry] catalog = "path"`
///    uses that path (relative to the `Cargo.toml`);
/// 2. otherwise a `telemetry.toml` in the directory is the catalogue;
/// 3. the search stops at the first directory holding a `Cargo.toml` (the crate root).
///
/// ```
/// use std::path::Path;
///
/// let crate_root = Path::new(env!("CARGO_MANIFEST_DIR"));
/// let searched = telemetry_catalog::locate(&crate_root.join("src")).unwrap_err();
/// assert_eq!(searched, [crate_root.join("src"), crate_root.to_path_buf()]);
/// ```
pub fn locate(dir: &Path) -> Result<PathBuf, Vec<PathBuf>> {
    let mut searched = Vec::new();
    for dir in dir.ancestors() {
        searched.push(dir.to_path_buf());
        let manifest = dir.join("Cargo.toml");
        let has_manifest = manifest.is_file();
        if has_manifest && let Some(path) = metadata_catalog(&manifest) {
            return Ok(dir.join(path));
        }
        let candidate = dir.join("telemetry.toml");
        if candidate.is_file() {
            return Ok(candidate);
        }
        if has_manifest {
            break;
        }
    }
    Err(searched)
}

/// The directories [`locate`] searched in vain, as an error message lists them: each
/// relative to the last one (the crate root, or the top of the file system), which is
/// named last.
///
/// ```
/// use std::path::Path;
///
/// let crate_root = Path::new(env!("CARGO_MANIFEST_DIR"));
/// let searched = telemetry_catalog::locate(&crate_root.join("src")).unwrap_err();
/// assert_eq!(telemetry_catalog::searched_places(&searched), "src/, the crate root");
/// ```
pub fn searched_places(searched: &[PathBuf]) -> String {
    let Some(root) = searched.last() else {
        return "no directory".to_owned();
    };
    let mut places: Vec<String> = searched
        .iter()
        .filter(|d| *d != root)
        .map(|d| match d.strip_prefix(root) {
            Ok(relative) => format!("{}/", relative.display()),
            Err(_) => d.display().to_string(),
        })
        .collect();
    places.push(if root.join("Cargo.toml").is_file() {
        "the crate root".to_owned()
    } else {
        format!("{} (no Cargo.toml was found above it)", root.display())
    });
    places.join(", ")
}

/// `[package.metadata.telemetry] catalog = "..."` of a manifest, if set. Read once per
/// manifest and process while the file keeps its modification time and length: the
/// macros ask for every invocation of a crate.
fn metadata_catalog(manifest: &Path) -> Option<String> {
    type Stamp = (Option<std::time::SystemTime>, u64);
    static READ: Mutex<Vec<(PathBuf, Stamp, Option<String>)>> = Mutex::new(Vec::new());
    let metadata = std::fs::metadata(manifest).ok()?;
    let stamp = (metadata.modified().ok(), metadata.len());
    let mut read = READ.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, _, catalog)) = read
        .iter()
        .find(|(path, known, _)| path == manifest && *known == stamp)
    {
        return catalog.clone();
    }
    let catalog = read_metadata_catalog(manifest);
    read.retain(|(path, _, _)| path != manifest);
    read.push((manifest.to_path_buf(), stamp, catalog.clone()));
    catalog
}

fn read_metadata_catalog(manifest: &Path) -> Option<String> {
    let text = std::fs::read_to_string(manifest).ok()?;
    let table: toml::Table = text.parse().ok()?;
    table
        .get("package")?
        .get("metadata")?
        .get("telemetry")?
        .get("catalog")?
        .as_str()
        .map(str::to_owned)
}
