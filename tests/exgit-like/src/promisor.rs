//! A promisor: an object store that is a cache in front of a remote. Reads the cache
//! cannot answer fetch from the remote (`exgit.object_store.fetch_and_cache`, after
//! `haves_sent`); the cache is capped, evicting the oldest commits first, and reports
//! `cache_overfull` when only trees and blobs are left and it is still over its cap.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};

use telemetry_runtime::{emit, span, stop};

use crate::events::{CacheOverfull, HavesSent, StoreKind};
use crate::object::{Object, ObjectId, ObjectKind};
use crate::store::{ObjectStore, StoreError};
use crate::transport::{FetchOptions, Transport};

pub use crate::overfull::OverfullPolicy;

/// At most this many siblings of a missing object are fetched along with it.
const SIBLING_BATCH: usize = 16;

#[derive(Default)]
struct Cache {
    objects: HashMap<ObjectId, Object>,
    /// Cached commits, oldest first: the eviction queue.
    commits: VecDeque<ObjectId>,
    bytes: u64,
}

impl Cache {
    fn insert(&mut self, object: Object) -> Option<ObjectId> {
        let id = object.id();
        if self.objects.contains_key(&id) {
            return None;
        }
        self.bytes += object.size();
        if object.kind == ObjectKind::Commit {
            self.commits.push_back(id);
        }
        self.objects.insert(id, object);
        Some(id)
    }

    fn remove(&mut self, id: &ObjectId) {
        if let Some(object) = self.objects.remove(id) {
            self.bytes -= object.size();
            self.commits.retain(|c| c != id);
        }
    }

    /// Evicts commits, oldest first, until under `cap`; whether it got there. The
    /// objects of the write being made (`keep`) stay: the caller is about to read them.
    fn evict(&mut self, cap: u64, keep: &[ObjectId]) -> bool {
        let mut kept = VecDeque::new();
        while self.bytes > cap {
            let Some(commit) = self.commits.pop_front() else {
                break;
            };
            if keep.contains(&commit) {
                kept.push_back(commit);
            } else if let Some(object) = self.objects.remove(&commit) {
                self.bytes -= object.size();
            }
        }
        kept.append(&mut self.commits);
        self.commits = kept;
        self.bytes <= cap
    }
}

/// What a [`Promisor::fetch_and_cache`] brought.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fetched {
    /// Number of objects cached from the pack.
    pub object_count: u64,
    /// Whether the pack held the object asked for.
    pub found: bool,
}

/// A capped cache of objects in front of a remote.
pub struct Promisor {
    remote: Transport,
    max_cache_bytes: u64,
    policy: OverfullPolicy,
    cache: Mutex<Cache>,
}

impl Promisor {
    /// A promisor fetching from `remote`, its cache capped at `max_cache_bytes`.
    pub fn new(remote: Transport, max_cache_bytes: u64, policy: OverfullPolicy) -> Self {
        Promisor {
            remote,
            max_cache_bytes,
            policy,
            cache: Mutex::new(Cache::default()),
        }
    }

    fn cache(&self) -> MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Size of the cached objects, in bytes.
    pub fn cache_bytes(&self) -> u64 {
        self.cache().bytes
    }

    /// The cap, in bytes.
    pub fn max_cache_bytes(&self) -> u64 {
        self.max_cache_bytes
    }

    /// The cached object, without fetching.
    pub fn cached(&self, sha: &ObjectId) -> Option<Object> {
        self.cache().objects.get(sha).cloned()
    }

    /// Whether the cache holds the object.
    pub fn is_cached(&self, sha: &ObjectId) -> bool {
        self.cache().objects.contains_key(sha)
    }

    /// The cached commits, oldest first: the `have` lines of a fetch.
    pub fn haves(&self) -> Vec<ObjectId> {
        self.cache().commits.iter().copied().collect()
    }

    /// Objects listed beside `sha` in a cached tree and not cached themselves: fetched in
    /// the same round trip, since reading one file of a directory often leads to the next.
    fn missing_siblings(&self, sha: &ObjectId) -> Vec<ObjectId> {
        let cache = self.cache();
        let Some(entries) = cache
            .objects
            .values()
            .filter_map(Object::tree_entries)
            .find(|entries| entries.iter().any(|e| e.id == *sha))
        else {
            return Vec::new();
        };
        entries
            .iter()
            .filter(|e| !e.is_dir && e.id != *sha && !cache.objects.contains_key(&e.id))
            .map(|e| e.id)
            .take(SIBLING_BATCH)
            .collect()
    }

    /// Caches `objects`, evicting as needed. When the cap cannot be honoured, reports
    /// `cache_overfull` and applies the policy; returns the cache size.
    pub(crate) fn insert(&self, objects: Vec<Object>) -> Result<u64, StoreError> {
        let (bytes, fits, inserted) = {
            let mut cache = self.cache();
            let inserted: Vec<ObjectId> = objects
                .into_iter()
                .filter_map(|o| cache.insert(o))
                .collect();
            let fits = cache.evict(self.max_cache_bytes, &inserted);
            (cache.bytes, fits, inserted)
        };
        if fits {
            return Ok(bytes);
        }
        // Emitted without the cache lock: a handler may well read the cache.
        let cap = self.max_cache_bytes;
        emit!(CacheOverfull {
            bytes,
            cap,
            policy: self.policy.atom(),
        });
        match &self.policy {
            OverfullPolicy::Log => Ok(bytes),
            OverfullPolicy::Callback(callback) => {
                callback(bytes, cap);
                Ok(bytes)
            }
            OverfullPolicy::Error => {
                let mut cache = self.cache();
                for id in &inserted {
                    cache.remove(id);
                }
                Err(StoreError::CacheFull { bytes, cap })
            }
        }
    }

    /// Fetches a missing object (and its missing siblings) from the remote and caches
    /// the pack that arrives. Tells the remote which commits it holds first
    /// (`haves_sent`). Every key of the span is stop-only: `sha`, the `object_count`
    /// cached and the `cache_bytes` after the fetch.
    #[span("exgit.object_store.fetch_and_cache")]
    pub fn fetch_and_cache(&self, sha: &ObjectId) -> Result<Fetched, StoreError> {
        stop!(
            sha = sha.as_bytes(),
            object_count = 0u64,
            cache_bytes = self.cache_bytes()
        );
        let haves = self.haves();
        emit!(HavesSent {
            count: haves.len() as u64,
            sha: sha.as_bytes(),
        });
        let mut wants = vec![*sha];
        wants.extend(self.missing_siblings(sha));
        let options = FetchOptions {
            haves: &haves,
            filter_blobs: true,
            ..FetchOptions::default()
        };
        let fetched = self
            .remote
            .fetch(&wants, &options)
            .map_err(|e| StoreError::Remote(e.to_string()))?;
        let found = fetched.objects.iter().any(|o| o.id() == *sha);
        let object_count = fetched.object_count;
        let cache_bytes = self.insert(fetched.objects)?;
        stop!(object_count = object_count, cache_bytes = cache_bytes);
        Ok(Fetched {
            object_count,
            found,
        })
    }
}

/// The `exgit.object_store.*` spans with `store` = `:promisor`; `get` and `object_size`
/// report whether the cache answered (`hit?`).
impl ObjectStore for Promisor {
    #[span("exgit.object_store.get", store = StoreKind::Promisor)]
    fn get(&self, sha: &ObjectId) -> Result<Object, StoreError> {
        if let Some(object) = self.cached(sha) {
            stop!(hit = true);
            return Ok(object);
        }
        stop!(hit = false);
        self.fetch_and_cache(sha)?;
        self.cached(sha).ok_or(StoreError::NotFound(*sha))
    }

    #[span("exgit.object_store.put", store = StoreKind::Promisor)]
    fn put(&self, object: Object) -> Result<ObjectId, StoreError> {
        let sha = object.id();
        self.insert(vec![object])?;
        stop!(sha = sha);
        Ok(sha)
    }

    #[span("exgit.object_store.has?", store = StoreKind::Promisor)]
    fn has(&self, sha: &ObjectId) -> bool {
        let present = self.is_cached(sha);
        stop!(present = present);
        present
    }

    // A size probe never fetches: not cached is `hit? = false` and `NotLocal`.
    #[span("exgit.object_store.object_size", store = StoreKind::Promisor)]
    fn object_size(&self, sha: &ObjectId) -> Result<u64, StoreError> {
        let size = self.cache().objects.get(sha).map(Object::size);
        stop!(hit = size.is_some());
        size.ok_or(StoreError::NotLocal(*sha))
    }
}
