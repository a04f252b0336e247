//! Object stores: the [`ObjectStore`] interface and the in-memory [`MemoryStore`].
//!
//! Every store reports `exgit.object_store.get`, `put`, `has?` and `object_size` spans with
//! its `store` kind. A memory store has no cache in front of a remote, so its `get`
//! leaves `hit?` out, as the catalogue says of stores that make no such distinction.

use std::collections::HashMap;
use std::fmt;
use std::sync::{PoisonError, RwLock};

use telemetry_runtime::{ToValue, Value, span, stop};

use crate::events::StoreKind;
use crate::object::{Object, ObjectId};

/// Why a store could not do what was asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// No such object, here or (for a promisor) at the remote.
    NotFound(ObjectId),
    /// A promisor does not hold the object locally, and the call never fetches.
    NotLocal(ObjectId),
    /// A promisor's cache is over its cap and its policy refuses more.
    CacheFull {
        /// Size of the cache, in bytes.
        bytes: u64,
        /// The cap, in bytes.
        cap: u64,
    },
    /// Talking to the remote failed.
    Remote(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::NotFound(id) => write!(f, "object {id} not found"),
            StoreError::NotLocal(id) => write!(f, "object {id} is not held locally"),
            StoreError::CacheFull { bytes, cap } => {
                write!(f, "cache holds {bytes} bytes, over its cap of {cap}")
            }
            StoreError::Remote(why) => write!(f, "remote: {why}"),
        }
    }
}

impl std::error::Error for StoreError {}

/// As exgit reports errors: `:not_found`, `:not_local`, `:cache_full`, `:remote`.
impl ToValue for StoreError {
    fn to_value(&self) -> Value<'_> {
        Value::atom(match self {
            StoreError::NotFound(_) => "not_found",
            StoreError::NotLocal(_) => "not_local",
            StoreError::CacheFull { .. } => "cache_full",
            StoreError::Remote(_) => "remote",
        })
    }
}

/// Where objects live. Implementations report the `exgit.object_store.*` spans.
pub trait ObjectStore: Send + Sync {
    /// The object with this id.
    fn get(&self, sha: &ObjectId) -> Result<Object, StoreError>;
    /// Stores an object and returns its id.
    fn put(&self, object: Object) -> Result<ObjectId, StoreError>;
    /// Whether the store holds the object (a promisor: locally).
    fn has(&self, sha: &ObjectId) -> bool;
    /// The size of the object's content, without reading it.
    fn object_size(&self, sha: &ObjectId) -> Result<u64, StoreError>;
}

/// Objects in a hash map.
#[derive(Default)]
pub struct MemoryStore {
    objects: RwLock<HashMap<ObjectId, Object>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of objects held.
    pub fn len(&self) -> usize {
        self.objects
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Whether the store holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lookup<R>(&self, sha: &ObjectId, f: impl FnOnce(&Object) -> R) -> Option<R> {
        let objects = self.objects.read().unwrap_or_else(PoisonError::into_inner);
        objects.get(sha).map(f)
    }
}

impl ObjectStore for MemoryStore {
    #[span("exgit.object_store.get", store = StoreKind::Memory)]
    fn get(&self, sha: &ObjectId) -> Result<Object, StoreError> {
        self.lookup(sha, Object::clone)
            .ok_or(StoreError::NotFound(*sha))
    }

    // The id is computed from the content, so it is a stop key.
    #[span("exgit.object_store.put", store = StoreKind::Memory)]
    fn put(&self, object: Object) -> Result<ObjectId, StoreError> {
        let sha = object.id();
        self.objects
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(sha, object);
        stop!(sha = sha);
        Ok(sha)
    }

    #[span("exgit.object_store.has?", store = StoreKind::Memory)]
    fn has(&self, sha: &ObjectId) -> bool {
        let present = self.lookup(sha, |_| ()).is_some();
        stop!(present = present);
        present
    }

    #[span("exgit.object_store.object_size", store = StoreKind::Memory)]
    fn object_size(&self, sha: &ObjectId) -> Result<u64, StoreError> {
        let size = self.lookup(sha, Object::size);
        stop!(hit = size.is_some());
        size.ok_or(StoreError::NotFound(*sha))
    }
}
