//! The start time of every span that started and has not yet ended, so that its stop can
//! be exported with the start's own `system_time`.
//!
//! Sharded by span id so that threads ending different spans rarely share a lock, and
//! bounded: beyond the limit a start is not kept and its span is counted as dropped when
//! it ends.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

const SHARDS: usize = 16;

pub(crate) struct OpenSpans {
    shards: [Mutex<HashMap<u64, u64>>; SHARDS],
    per_shard: usize,
}

impl OpenSpans {
    /// Keeps at most about `limit` open spans.
    pub(crate) fn new(limit: usize) -> Self {
        OpenSpans {
            shards: std::array::from_fn(|_| Mutex::new(HashMap::new())),
            per_shard: limit.div_ceil(SHARDS).max(1),
        }
    }

    /// Records a span's start; `false` when the shard is full.
    pub(crate) fn started(&self, span_id: u64, system_time: u64) -> bool {
        let mut shard = self.shard(span_id);
        if shard.len() >= self.per_shard && !shard.contains_key(&span_id) {
            return false;
        }
        shard.insert(span_id, system_time);
        true
    }

    /// The start's `system_time`, forgotten as the span ends.
    pub(crate) fn ended(&self, span_id: u64) -> Option<u64> {
        self.shard(span_id).remove(&span_id)
    }

    fn shard(&self, span_id: u64) -> std::sync::MutexGuard<'_, HashMap<u64, u64>> {
        // Ids are handed out in consecutive blocks: mixing the bits spreads neighbours.
        let index = (span_id.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 60) as usize % SHARDS;
        // Nothing runs user code under these locks: a poisoned shard is still consistent.
        self.shards[index]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_start_is_returned_once_when_its_span_ends() {
        let open = OpenSpans::new(8);
        assert!(open.started(5, 1_000));
        assert_eq!(open.ended(5), Some(1_000));
        assert_eq!(open.ended(5), None);
    }

    #[test]
    fn starts_beyond_the_limit_are_refused() {
        let open = OpenSpans::new(SHARDS);
        let refused = (1..=1_000u64).filter(|id| !open.started(*id, 0)).count();
        assert_eq!(refused, 1_000 - SHARDS);
    }
}
