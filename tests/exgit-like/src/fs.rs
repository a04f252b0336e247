//! A repository and its trees as a read-only file system: read a file, list a directory,
//! stat an entry, walk every file, search contents. `walk` and `grep` are lazy: their
//! spans last until the iterator they return is exhausted or dropped, and their stop
//! events carry what was walked or searched by then.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;

use telemetry_runtime::{ToValue, emit, span, stop};

use crate::events::{WriteContext, WriteFailed};
use crate::object::{ObjectId, TreeEntry};
use crate::promisor::Promisor;
use crate::refs::{CloneOptions, MemoryRefStore, RefError};
use crate::store::{MemoryStore, ObjectStore, StoreError};
use crate::transport::{FetchOptions, Transport, TransportError};

/// Why a file-system operation failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FsError {
    /// No ref, branch, tag or commit by that name.
    UnknownReference(String),
    /// Nothing at that path.
    NotFound(String),
    /// A file where a directory was expected.
    NotADirectory(String),
    /// A directory where a file was expected.
    IsADirectory(String),
    /// The object store failed.
    Store(StoreError),
    /// An object is not what its parent says it is.
    Corrupt(ObjectId),
}

impl fmt::Display for FsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FsError::UnknownReference(r) => write!(f, "unknown reference {r}"),
            FsError::NotFound(p) => write!(f, "{p}: no such file or directory"),
            FsError::NotADirectory(p) => write!(f, "{p}: not a directory"),
            FsError::IsADirectory(p) => write!(f, "{p}: is a directory"),
            FsError::Store(e) => write!(f, "object store: {e}"),
            FsError::Corrupt(id) => write!(f, "corrupt object {id}"),
        }
    }
}

impl std::error::Error for FsError {}

impl From<StoreError> for FsError {
    fn from(e: StoreError) -> Self {
        FsError::Store(e)
    }
}

/// Why a clone failed.
#[derive(Debug)]
pub enum CloneError {
    /// Talking to the remote failed.
    Transport(TransportError),
    /// A full clone could not write a ref (a partial clone reports and goes on).
    Ref(RefError),
}

impl fmt::Display for CloneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CloneError::Transport(e) => write!(f, "clone: {e}"),
            CloneError::Ref(e) => write!(f, "clone: {e}"),
        }
    }
}

impl std::error::Error for CloneError {}

impl From<TransportError> for CloneError {
    fn from(e: TransportError) -> Self {
        CloneError::Transport(e)
    }
}

/// One entry of a directory, as [`Repo::ls`] lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    /// Its name.
    pub name: String,
    /// Whether it is a directory.
    pub is_dir: bool,
    /// Its object's id.
    pub id: ObjectId,
}

/// What [`Repo::stat`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stat {
    /// Whether it is a directory.
    pub is_dir: bool,
    /// The content's size in bytes (for a directory, its tree's).
    pub size: u64,
    /// Its object's id.
    pub id: ObjectId,
}

/// One file of a walk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalkEntry {
    /// Its path from the root.
    pub path: String,
    /// Its blob's id.
    pub id: ObjectId,
}

/// One matching line of a grep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// The file's path.
    pub path: String,
    /// The line's number, from 1.
    pub line_number: usize,
    /// The line.
    pub line: String,
}

/// A repository: objects and refs.
pub struct Repo {
    store: Arc<dyn ObjectStore>,
    refs: MemoryRefStore,
}

impl Repo {
    /// A repository over these objects and refs.
    pub fn new(store: Arc<dyn ObjectStore>, refs: MemoryRefStore) -> Self {
        Repo { store, refs }
    }

    /// Clones the remote behind `transport`.
    ///
    /// A full clone fetches everything into a memory store, streaming the pack straight
    /// into it. A partial clone (lazy, or without blobs) is served by a [`Promisor`]; it
    /// seeds its in-memory ref store from the advertised refs and, when a write fails,
    /// reports `exgit.ref_store.write_failed` and goes on without that ref.
    pub fn clone(transport: &Transport, options: CloneOptions) -> Result<Repo, CloneError> {
        let advertised = transport.ls_refs()?;
        let mut tips: Vec<ObjectId> = advertised.iter().map(|(_, id)| *id).collect();
        tips.sort();
        tips.dedup();
        let refs = MemoryRefStore::new();
        if !options.is_partial() {
            let store = Arc::new(MemoryStore::new());
            let fetch = FetchOptions {
                object_store: Some(&*store),
                ..FetchOptions::default()
            };
            transport.fetch(&tips, &fetch)?;
            for (name, id) in &advertised {
                refs.write(name, *id).map_err(CloneError::Ref)?;
            }
            return Ok(Repo::new(store, refs));
        }
        let promisor = Arc::new(Promisor::new(
            transport.clone(),
            options.max_cache_bytes,
            options.policy.clone(),
        ));
        if options.filter_blobs {
            let fetch = FetchOptions {
                object_store: Some(&*promisor),
                filter_blobs: true,
                ..FetchOptions::default()
            };
            transport.fetch(&tips, &fetch)?;
        }
        for (name, id) in &advertised {
            if let Err(error) = refs.write(name, *id) {
                emit!(WriteFailed {
                    count: 1,
                    r#ref: name,
                    reason: error.to_value(),
                    context: WriteContext::ClonePartial,
                });
            }
        }
        Ok(Repo::new(promisor, refs))
    }

    /// The object store.
    pub fn store(&self) -> &dyn ObjectStore {
        &*self.store
    }

    /// The refs.
    pub fn refs(&self) -> &MemoryRefStore {
        &self.refs
    }

    fn root(&self, reference: &str) -> Result<ObjectId, FsError> {
        let id = self
            .refs
            .resolve(reference)
            .ok_or_else(|| FsError::UnknownReference(reference.to_owned()))?;
        let commit = self.store.get(&id)?;
        commit
            .commit_links()
            .map(|(tree, _)| tree)
            .ok_or(FsError::Corrupt(id))
    }

    fn entries(&self, tree: &ObjectId) -> Result<Vec<TreeEntry>, FsError> {
        self.store
            .get(tree)?
            .tree_entries()
            .ok_or(FsError::Corrupt(*tree))
    }

    /// The entry at `path` (`""` is the root): whether a directory, and its id.
    fn lookup(&self, reference: &str, path: &str) -> Result<(bool, ObjectId), FsError> {
        let mut current = (true, self.root(reference)?);
        for component in path.split('/').filter(|c| !c.is_empty()) {
            if !current.0 {
                return Err(FsError::NotADirectory(path.to_owned()));
            }
            let entry = self
                .entries(&current.1)?
                .into_iter()
                .find(|e| e.name == component)
                .ok_or_else(|| FsError::NotFound(path.to_owned()))?;
            current = (entry.is_dir, entry.id);
        }
        Ok(current)
    }

    /// The content of the file at `path` of `reference`'s tree.
    #[span("exgit.fs.read_path")]
    pub fn read_path(&self, reference: &str, path: &str) -> Result<Vec<u8>, FsError> {
        match self.lookup(reference, path)? {
            (true, _) => Err(FsError::IsADirectory(path.to_owned())),
            (false, id) => Ok(self.store.get(&id)?.data),
        }
    }

    /// The entries of the directory at `path`; `entry_count` at stop (zero on failure).
    #[span("exgit.fs.ls")]
    pub fn ls(&self, reference: &str, path: &str) -> Result<Vec<DirEntry>, FsError> {
        stop!(entry_count = 0u64);
        let (is_dir, id) = self.lookup(reference, path)?;
        if !is_dir {
            return Err(FsError::NotADirectory(path.to_owned()));
        }
        let entries: Vec<DirEntry> = self
            .entries(&id)?
            .into_iter()
            .map(|e| DirEntry {
                name: e.name,
                is_dir: e.is_dir,
                id: e.id,
            })
            .collect();
        stop!(entry_count = entries.len());
        Ok(entries)
    }

    /// The kind and size of the entry at `path`. The size comes from a size probe, which
    /// never fetches; only an object not held locally is read in full.
    #[span("exgit.fs.stat")]
    pub fn stat(&self, reference: &str, path: &str) -> Result<Stat, FsError> {
        let (is_dir, id) = self.lookup(reference, path)?;
        let size = match self.store.object_size(&id) {
            Ok(size) => size,
            Err(StoreError::NotLocal(_)) => self.store.get(&id)?.size(),
            Err(e) => return Err(e.into()),
        };
        Ok(Stat { is_dir, size, id })
    }

    /// Every file of `reference`'s tree, depth first in name order. The span lasts until
    /// the iterator is exhausted or dropped; its stop carries the `file_count` walked.
    ///
    /// # Errors
    /// At once, before anything is walked, when `reference` names no readable commit (the
    /// span then ends with its exception event); a tree that cannot be read later in the
    /// walk is an `Err` item.
    #[span("exgit.fs.walk", lazy)]
    pub fn walk(
        &self,
        reference: &str,
    ) -> Result<impl Iterator<Item = Result<WalkEntry, FsError>>, FsError> {
        let mut walker = Walker::from_root(self, self.root(reference)?);
        let mut files = 0u64;
        stop!(file_count = files);
        Ok(std::iter::from_fn(move || {
            let file = walker.next_file()?;
            if file.is_ok() {
                files += 1;
                stop!(file_count = files);
            }
            Some(file.map(|(path, id)| WalkEntry { path, id }))
        }))
    }

    /// The lines containing `pattern` in the files of `reference`'s tree whose path
    /// matches `path_glob` (`*` within a directory, `**` across, `?` one character).
    /// The span lasts until the iterator is exhausted or dropped; its stop carries
    /// `match_count`, `files_scanned` and `bytes_scanned` as of then.
    #[span("exgit.fs.grep", lazy)]
    pub fn grep<'a>(
        &'a self,
        reference: &str,
        pattern: &'a str,
        path_glob: Option<&'a str>,
    ) -> impl Iterator<Item = Result<Match, FsError>> + 'a {
        let mut walker = Walker::new(self, reference);
        let (mut matches, mut files, mut bytes) = (0u64, 0u64, 0u64);
        let mut found: VecDeque<Match> = VecDeque::new();
        stop!(
            match_count = matches,
            files_scanned = files,
            bytes_scanned = bytes
        );
        std::iter::from_fn(move || {
            loop {
                if let Some(hit) = found.pop_front() {
                    return Some(Ok(hit));
                }
                let (path, id) = match walker.next_file()? {
                    Ok(file) => file,
                    Err(e) => return Some(Err(e)),
                };
                if path_glob.is_some_and(|glob| !glob_match(glob, &path)) {
                    continue;
                }
                let blob = match self.store.get(&id) {
                    Ok(blob) => blob,
                    Err(e) => return Some(Err(e.into())),
                };
                files += 1;
                bytes += blob.size();
                let text = String::from_utf8_lossy(&blob.data);
                for (i, line) in text.lines().enumerate() {
                    if line.contains(pattern) {
                        matches += 1;
                        found.push_back(Match {
                            path: path.clone(),
                            line_number: i + 1,
                            line: line.to_owned(),
                        });
                    }
                }
                stop!(
                    match_count = matches,
                    files_scanned = files,
                    bytes_scanned = bytes
                );
            }
        })
    }
}

/// Depth-first traversal of a tree, reading one tree object at a time.
struct Walker<'r> {
    repo: &'r Repo,
    /// Directories still to read, deepest last.
    dirs: Vec<(String, ObjectId)>,
    /// Files of the directory being read, and then the directories it holds.
    files: VecDeque<(String, ObjectId)>,
    /// Why the walk cannot start, reported once.
    failed: Option<FsError>,
}

impl<'r> Walker<'r> {
    fn from_root(repo: &'r Repo, root: ObjectId) -> Self {
        Walker {
            repo,
            dirs: vec![(String::new(), root)],
            files: VecDeque::new(),
            failed: None,
        }
    }

    fn new(repo: &'r Repo, reference: &str) -> Self {
        let (dirs, failed) = match repo.root(reference) {
            Ok(root) => (vec![(String::new(), root)], None),
            Err(e) => (Vec::new(), Some(e)),
        };
        Walker {
            repo,
            dirs,
            files: VecDeque::new(),
            failed,
        }
    }

    fn next_file(&mut self) -> Option<Result<(String, ObjectId), FsError>> {
        if let Some(e) = self.failed.take() {
            return Some(Err(e));
        }
        loop {
            if let Some(file) = self.files.pop_front() {
                return Some(Ok(file));
            }
            let (prefix, tree) = self.dirs.pop()?;
            let entries = match self.repo.entries(&tree) {
                Ok(entries) => entries,
                Err(e) => return Some(Err(e)),
            };
            let path = |name: &str| {
                if prefix.is_empty() {
                    name.to_owned()
                } else {
                    format!("{prefix}/{name}")
                }
            };
            for entry in entries.iter().rev().filter(|e| e.is_dir) {
                self.dirs.push((path(&entry.name), entry.id));
            }
            self.files.extend(
                entries
                    .iter()
                    .filter(|e| !e.is_dir)
                    .map(|e| (path(&e.name), e.id)),
            );
        }
    }
}

/// Whether `path` matches `glob`: `**` matches anything, `*` anything within one
/// directory, `?` one character other than `/`.
pub fn glob_match(glob: &str, path: &str) -> bool {
    fn go(glob: &[u8], path: &[u8]) -> bool {
        match glob {
            [] => path.is_empty(),
            [b'*', b'*', rest @ ..] => (0..=path.len()).any(|i| go(rest, &path[i..])),
            [b'*', rest @ ..] => {
                let limit = path.iter().position(|&b| b == b'/').unwrap_or(path.len());
                (0..=limit).any(|i| go(rest, &path[i..]))
            }
            [b'?', rest @ ..] => matches!(path, [c, tail @ ..] if *c != b'/' && go(rest, tail)),
            [c, rest @ ..] => matches!(path, [p, tail @ ..] if p == c && go(rest, tail)),
        }
    }
    go(glob.as_bytes(), path.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs_match_within_and_across_directories() {
        assert!(glob_match("*.rs", "main.rs"));
        assert!(!glob_match("*.rs", "src/main.rs"));
        assert!(glob_match("src/*.rs", "src/main.rs"));
        assert!(glob_match("**/*.rs", "src/a/b.rs"));
        assert!(glob_match("**.md", "docs/x.md"));
        assert!(glob_match("src/?.rs", "src/a.rs"));
        assert!(!glob_match("src/?.rs", "src/ab.rs"));
    }
}
