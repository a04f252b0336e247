//! What a promisor's cache does when it cannot shrink below its cap: shared by the
//! promisor that applies it and the clone options that choose it.

use std::fmt;
use std::sync::Arc;

use crate::events::Policy;

/// What a promisor does when eviction cannot bring its cache under the cap.
#[derive(Clone)]
pub enum OverfullPolicy {
    /// Keep the object and report only.
    Log,
    /// Refuse the write that overflowed.
    Error,
    /// Keep the object and call this with the cache size and the cap.
    Callback(Arc<dyn Fn(u64, u64) + Send + Sync>),
}

impl OverfullPolicy {
    /// The `policy` atom reported by `cache_overfull`.
    pub fn atom(&self) -> Policy {
        match self {
            OverfullPolicy::Log => Policy::Log,
            OverfullPolicy::Error => Policy::Error,
            OverfullPolicy::Callback(_) => Policy::Callback,
        }
    }
}

impl fmt::Debug for OverfullPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.atom())
    }
}
