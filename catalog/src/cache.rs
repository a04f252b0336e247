//! One parse per catalogue file per process, redone when the file changes.
//!
//! The macros expand many times in one compiler process, and rust-analyzer
//! keeps a single proc-macro server alive for a whole editing session; the
//! cache key (canonical path, modification time, length) makes the first case
//! cheap and keeps the second one correct. An edit that keeps both the length
//! and the modification time (within the file system's time resolution) is
//! not noticed.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::SystemTime;

use crate::diagnostic::Diagnostics;
use crate::model::Catalog;
use crate::parse::read_error;

#[derive(Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
}

struct Entry {
    stamp: Stamp,
    result: Result<Arc<Catalog>, Diagnostics>,
}

type Cache = Mutex<HashMap<PathBuf, Entry>>;

static CACHE: OnceLock<Cache> = OnceLock::new();

fn lock(cache: &Cache) -> MutexGuard<'_, HashMap<PathBuf, Entry>> {
    // A panic elsewhere while holding the lock leaves the map itself intact.
    cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Catalog {
    /// Loads a catalogue file, parsing it at most once per process while it is
    /// unchanged.
    ///
    /// The cache is keyed by canonical path, modification time and length, so
    /// a long-lived process (rust-analyzer keeps one proc-macro server for a
    /// whole session) sees an edited file. Errors are cached the same way.
    pub fn load(path: &Path) -> Result<Arc<Catalog>, Diagnostics> {
        load(path)
    }
}

fn load(path: &Path) -> Result<Arc<Catalog>, Diagnostics> {
    let canonical = fs::canonicalize(path).map_err(|e| read_error(path, &e))?;
    // Stamp before reading: a write during the read then shows up as a new
    // stamp next time instead of being cached under the old one.
    let metadata = fs::metadata(&canonical).map_err(|e| read_error(path, &e))?;
    let stamp = Stamp {
        modified: metadata.modified().ok(),
        len: metadata.len(),
    };
    let cache = CACHE.get_or_init(Cache::default);
    if let Some(entry) = lock(cache).get(&canonical)
        && entry.stamp == stamp
    {
        return entry.result.clone();
    }
    // Parse without holding the lock: other catalogues need not wait.
    let result = Catalog::read(&canonical).map(Arc::new);
    lock(cache).insert(
        canonical,
        Entry {
            stamp,
            result: result.clone(),
        },
    );
    result
}
