//! Refs: name validation, the in-memory ref store a partial clone seeds, and the disk
//! ref store that validates every name once more before touching a file.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::{Mutex, PoisonError, RwLock};

use telemetry_runtime::{ToValue, Value, emit};

use crate::events::{DiskOperation, RefRejected, RejectSource};
use crate::object::ObjectId;
use crate::overfull::OverfullPolicy;

/// Whether `name` is a valid ref name: `HEAD`, or `refs/...` under the rules of
/// `git check-ref-format` (no `..`, no component starting with `.` or ending in `.lock`,
/// no control characters, spaces or any of `~^:?*[\`, no `@{`, no trailing `.` or `/`).
///
/// ```
/// use exgit_like::refs::valid_ref_name;
/// assert!(valid_ref_name("refs/heads/main"));
/// assert!(!valid_ref_name("refs/heads/../../config"));
/// ```
pub fn valid_ref_name(name: &str) -> bool {
    if name == "HEAD" {
        return true;
    }
    let Some(rest) = name.strip_prefix("refs/") else {
        return false;
    };
    let forbidden = |c: char| c.is_ascii_control() || " ~^:?*[\\".contains(c);
    !rest.is_empty()
        && !name.contains("..")
        && !name.contains("@{")
        && !name.ends_with('.')
        && !name.chars().any(forbidden)
        && rest
            .split('/')
            .all(|c| !c.is_empty() && !c.starts_with('.') && !c.ends_with(".lock"))
}

/// Why a ref store refused a ref.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefError {
    /// Not a valid ref name.
    InvalidName(String),
    /// Another ref is a directory of this one, or this one of it (`refs/heads/a` and
    /// `refs/heads/a/b` cannot both exist).
    DirectoryConflict {
        /// The ref already there.
        existing: String,
    },
    /// Another writer holds the ref's lock.
    Locked(String),
}

impl fmt::Display for RefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RefError::InvalidName(name) => write!(f, "invalid ref name {name:?}"),
            RefError::DirectoryConflict { existing } => {
                write!(f, "conflicts with existing ref {existing}")
            }
            RefError::Locked(name) => write!(f, "{name} is locked"),
        }
    }
}

impl std::error::Error for RefError {}

/// `reason` of `exgit.ref_store.write_failed`: `:invalid_name`, `:directory_conflict` or
/// `:locked`.
impl ToValue for RefError {
    fn to_value(&self) -> Value<'_> {
        Value::atom(match self {
            RefError::InvalidName(_) => "invalid_name",
            RefError::DirectoryConflict { .. } => "directory_conflict",
            RefError::Locked(_) => "locked",
        })
    }
}

/// Refs in memory, as a lazy or filtered clone keeps them.
#[derive(Default)]
pub struct MemoryRefStore {
    refs: RwLock<BTreeMap<String, ObjectId>>,
    locked: RwLock<BTreeSet<String>>,
}

impl MemoryRefStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Points `name` at `id`.
    pub fn write(&self, name: &str, id: ObjectId) -> Result<(), RefError> {
        if !valid_ref_name(name) {
            return Err(RefError::InvalidName(name.to_owned()));
        }
        if self
            .locked
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(name)
        {
            return Err(RefError::Locked(name.to_owned()));
        }
        let mut refs = self.refs.write().unwrap_or_else(PoisonError::into_inner);
        let is_dir_of =
            |dir: &str, of: &str| of.strip_prefix(dir).is_some_and(|r| r.starts_with('/'));
        if let Some(existing) = refs
            .keys()
            .find(|existing| is_dir_of(existing, name) || is_dir_of(name, existing))
        {
            return Err(RefError::DirectoryConflict {
                existing: existing.clone(),
            });
        }
        refs.insert(name.to_owned(), id);
        Ok(())
    }

    /// Takes `name`'s lock, as a concurrent writer would; writes to it fail until
    /// [`unlock`](Self::unlock).
    pub fn lock(&self, name: &str) {
        self.locked
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name.to_owned());
    }

    /// Releases `name`'s lock.
    pub fn unlock(&self, name: &str) {
        self.locked
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(name);
    }

    /// The value of exactly `name`.
    pub fn read(&self, name: &str) -> Option<ObjectId> {
        self.refs
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .copied()
    }

    /// What a user means by `reference`: a ref name, a branch or tag name, or an id.
    pub fn resolve(&self, reference: &str) -> Option<ObjectId> {
        [
            reference.to_owned(),
            format!("refs/heads/{reference}"),
            format!("refs/tags/{reference}"),
        ]
        .iter()
        .find_map(|name| self.read(name))
        .or_else(|| ObjectId::from_hex(reference))
    }

    /// Every ref name, sorted.
    pub fn names(&self) -> Vec<String> {
        self.refs
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .keys()
            .cloned()
            .collect()
    }
}

/// A ref store laid out like `.git/refs` (one file per ref, kept in memory here). A
/// name becomes a path, so every operation validates it first, even though names were
/// validated when they came off the wire: a name such as `refs/../../config` must never
/// reach the file system. A rejected name is reported as `exgit.security.ref_rejected`
/// with `source` = `{:ref_store_disk, operation}`.
#[derive(Default)]
pub struct DiskRefStore {
    files: Mutex<BTreeMap<String, ObjectId>>,
}

impl DiskRefStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn check(name: &str, operation: DiskOperation) -> Result<(), RefError> {
        if valid_ref_name(name) {
            return Ok(());
        }
        emit!(RefRejected {
            count: 1,
            source: RejectSource::RefStoreDisk(operation),
            r#ref: name,
        });
        Err(RefError::InvalidName(name.to_owned()))
    }

    fn files(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, ObjectId>> {
        self.files.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reads the ref file of `name`.
    pub fn read(&self, name: &str) -> Result<Option<ObjectId>, RefError> {
        Self::check(name, DiskOperation::Read)?;
        Ok(self.files().get(name).copied())
    }

    /// Writes the ref file of `name`.
    pub fn write(&self, name: &str, id: ObjectId) -> Result<(), RefError> {
        Self::check(name, DiskOperation::Write)?;
        self.files().insert(name.to_owned(), id);
        Ok(())
    }

    /// Deletes the ref file of `name`; whether it existed.
    pub fn delete(&self, name: &str) -> Result<bool, RefError> {
        Self::check(name, DiskOperation::Delete)?;
        Ok(self.files().remove(name).is_some())
    }
}

/// How to clone.
#[derive(Clone)]
pub struct CloneOptions {
    /// Fetch nothing up front: objects are fetched by a promisor when first read.
    pub lazy: bool,
    /// Fetch commits and trees up front but no blobs (`filter: blob:none`).
    pub filter_blobs: bool,
    /// The promisor's cache cap, for lazy and filtered clones.
    pub max_cache_bytes: u64,
    /// What the promisor does when eviction cannot honour the cap.
    pub policy: OverfullPolicy,
}

impl CloneOptions {
    /// Everything up front, into a memory store.
    pub fn full() -> Self {
        CloneOptions {
            lazy: false,
            filter_blobs: false,
            max_cache_bytes: u64::MAX,
            policy: OverfullPolicy::Log,
        }
    }

    /// Nothing up front (`lazy: true`).
    pub fn lazy() -> Self {
        CloneOptions {
            lazy: true,
            ..Self::full()
        }
    }

    /// Commits and trees up front, blobs on demand (`filter: blob:none`).
    pub fn blobless() -> Self {
        CloneOptions {
            filter_blobs: true,
            ..Self::full()
        }
    }

    /// The same, with the promisor's cache capped at `bytes`.
    pub fn with_cap(self, bytes: u64, policy: OverfullPolicy) -> Self {
        CloneOptions {
            max_cache_bytes: bytes,
            policy,
            ..self
        }
    }

    /// Whether the clone is partial: served by a promisor.
    pub fn is_partial(&self) -> bool {
        self.lazy || self.filter_blobs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ref_names_follow_check_ref_format() {
        for good in [
            "HEAD",
            "refs/heads/main",
            "refs/tags/v1.0",
            "refs/heads/a-b/c_d",
        ] {
            assert!(valid_ref_name(good), "{good}");
        }
        for bad in [
            "main",
            "refs/",
            "refs/heads/../x",
            "refs/heads/.hidden",
            "refs/heads/x.lock",
            "refs/heads/a b",
            "refs/heads/a~1",
            "refs/heads/a@{1}",
            "refs/heads/x.",
            "refs/heads//x",
            "refs/heads/x/",
        ] {
            assert!(!valid_ref_name(bad), "{bad}");
        }
    }

    #[test]
    fn a_ref_cannot_be_a_directory_of_another() {
        let store = MemoryRefStore::new();
        let id = ObjectId([1; 20]);
        store.write("refs/heads/a", id).unwrap();
        assert_eq!(
            store.write("refs/heads/a/b", id),
            Err(RefError::DirectoryConflict {
                existing: "refs/heads/a".into()
            })
        );
        store.write("refs/heads/ab", id).unwrap();
        store.lock("refs/heads/c");
        assert_eq!(
            store.write("refs/heads/c", id),
            Err(RefError::Locked("refs/heads/c".into()))
        );
        assert_eq!(store.resolve("a"), Some(id));
    }
}
