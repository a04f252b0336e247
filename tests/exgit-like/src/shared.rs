//! A shared promisor: one promisor's cache serving several users (threads, agents),
//! each holding a clone of the handle. Its operations are the
//! `exgit.object_store.shared_promisor.*` spans.

use std::sync::Arc;

use telemetry_runtime::{span, stop};

use crate::object::{Object, ObjectId};
use crate::promisor::Promisor;
use crate::store::StoreError;

/// A cloneable handle on one [`Promisor`].
#[derive(Clone)]
pub struct SharedPromisor {
    inner: Arc<Promisor>,
}

impl SharedPromisor {
    /// Shares `promisor`.
    pub fn new(promisor: Promisor) -> Self {
        SharedPromisor {
            inner: Arc::new(promisor),
        }
    }

    /// The promisor behind the handle.
    pub fn promisor(&self) -> &Promisor {
        &self.inner
    }

    /// Resolves an object: from the cache (`hit?` true, the promisor unchanged), or by
    /// fetching it (`hit?` false). When the pack fetched lacks the object, `partial?` is
    /// true, the siblings that did arrive stay cached, and the result is `NotFound`.
    #[span("exgit.object_store.shared_promisor.resolve")]
    pub fn resolve(&self, sha: &ObjectId) -> Result<Object, StoreError> {
        if let Some(object) = self.inner.cached(sha) {
            stop!(hit = true);
            return Ok(object);
        }
        stop!(hit = false);
        let fetched = self.inner.fetch_and_cache(sha)?;
        if !fetched.found {
            stop!(partial = true);
            return Err(StoreError::NotFound(*sha));
        }
        self.inner.cached(sha).ok_or(StoreError::NotFound(*sha))
    }

    /// Caches one object. `overfull` says whether the cache was over its cap and refused
    /// it (a promisor whose policy is `Error`); `sha` is reported when it was stored.
    #[span("exgit.object_store.shared_promisor.put")]
    pub fn put(&self, object: Object) -> Result<ObjectId, StoreError> {
        let sha = object.id();
        match self.inner.insert(vec![object]) {
            Ok(_) => {
                stop!(sha = sha, overfull = false);
                Ok(sha)
            }
            Err(error) => {
                stop!(overfull = matches!(error, StoreError::CacheFull { .. }));
                Err(error)
            }
        }
    }

    /// Reads an object from the cache only, never fetching.
    #[span("exgit.object_store.shared_promisor.get")]
    pub fn get(&self, sha: &ObjectId) -> Option<Object> {
        let object = self.inner.cached(sha);
        stop!(hit = object.is_some());
        object
    }

    /// Whether the cache holds an object.
    #[span("exgit.object_store.shared_promisor.has?")]
    pub fn has(&self, sha: &ObjectId) -> bool {
        let present = self.inner.is_cached(sha);
        stop!(present = present);
        present
    }
}
