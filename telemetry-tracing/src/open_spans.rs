//! Our open spans as `tracing` spans, by our span id: a span's stop finds its `tracing`
//! span here, and a child (or an event inside it) finds its parent.
//!
//! Process-wide, so that every handler of every bridge sees every parent; sharded so that
//! threads ending different spans rarely share a lock; bounded: beyond the limit a span
//! is not shown, and what happens inside it nests under `tracing`'s own current span.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{LazyLock, Mutex, PoisonError};

const SHARDS: usize = 16;

/// The most spans shown at once.
pub const MAX_OPEN_SPANS: usize = 65_536;

/// A shown span, with the fingerprints of the values it started with, by field index:
/// its stop records only what is new or changed.
pub(crate) struct OpenSpan {
    pub(crate) span: tracing::Span,
    pub(crate) started_with: Vec<(usize, u64)>,
}

/// Span ids are random 64-bit numbers: they need no hashing, only spreading.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 << 8 | u64::from(*byte)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, id: u64) {
        self.0 = id.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type ById = HashMap<u64, OpenSpan, BuildHasherDefault<IdHasher>>;

static OPEN: LazyLock<[Mutex<ById>; SHARDS]> =
    LazyLock::new(|| std::array::from_fn(|_| Mutex::new(ById::default())));

fn shard(span_id: u64) -> std::sync::MutexGuard<'static, ById> {
    // Span ids are random, but mixing costs nothing and keeps shards even for any ids.
    let index = (span_id.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 60) as usize % SHARDS;
    // No user code runs under these locks except dropping a span, which only calls the
    // subscriber: a poisoned shard is still consistent.
    OPEN[index].lock().unwrap_or_else(PoisonError::into_inner)
}

/// Keeps `span` open until our span `span_id` ends; `false` (and the span is closed) when
/// the limit is reached.
pub(crate) fn started(span_id: u64, span: OpenSpan) -> bool {
    let mut shard = shard(span_id);
    if shard.len() >= MAX_OPEN_SPANS / SHARDS {
        drop(shard);
        drop(span);
        return false;
    }
    shard.insert(span_id, span);
    true
}

/// The `tracing` span of our span `span_id`, removed: the caller closes it by dropping.
pub(crate) fn ended(span_id: u64) -> Option<OpenSpan> {
    shard(span_id).remove(&span_id)
}

/// The `tracing` id of our open span `span_id`.
pub(crate) fn id_of(span_id: u64) -> Option<tracing_core::span::Id> {
    shard(span_id).get(&span_id).and_then(|open| open.span.id())
}
