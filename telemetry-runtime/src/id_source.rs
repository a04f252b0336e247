//! Where new trace and span ids come from: a fast generator per thread (wyrand), seeded
//! once per thread, so that making an id takes no lock and no system call.
//!
//! The seed mixes the standard library's per-thread random hash keys (drawn from the
//! operating system once per thread), the time and the thread's identity, so that two
//! threads or two processes start from unrelated states: ids are random enough for W3C
//! Trace Context, whose ids must not collide between processes. Trace ids take their two
//! halves from two independently seeded streams, so that their 128 bits are not decided
//! by one 64-bit state.

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::ids::{SpanId, TraceId};

/// One wyrand stream: a 64-bit state advanced by a constant, its output mixed by one
/// wide multiplication.
struct Stream(Cell<u64>);

impl Stream {
    fn seeded(salt: u64) -> Self {
        Stream(Cell::new(seed(salt)))
    }

    #[inline]
    fn next(&self) -> u64 {
        let (output, state) = wyrand(self.0.get());
        self.0.set(state);
        output
    }
}

/// The two streams of a thread: span ids and the low halves of trace ids from one, the
/// high halves of trace ids from the other.
struct Streams {
    span: Stream,
    trace: Stream,
}

thread_local! {
    // Seeded when the thread first draws: one test of the thread-local's state covers
    // all the draws of a span, where a per-stream "not seeded yet" mark cost a test and
    // a skip past the mark on every draw.
    static STREAMS: Streams = Streams {
        span: Stream::seeded(1),
        trace: Stream::seeded(2),
    };
}

const INCREMENT: u64 = 0xa076_1d64_78bd_642f;

/// Returns the next output and the next state.
#[inline]
fn wyrand(state: u64) -> (u64, u64) {
    let next = state.wrapping_add(INCREMENT);
    let wide = u128::from(next) * u128::from(next ^ 0xe703_7ed1_a0b4_28db);
    (((wide >> 64) as u64) ^ (wide as u64), next)
}

/// A fresh seed for one stream of this thread.
#[cold]
#[inline(never)]
fn seed(salt: u64) -> u64 {
    // Tells apart seeds taken in the same nanosecond on one thread (during teardown,
    // when the per-thread streams are gone and every id takes a fresh seed).
    static SEEDS: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    salt.hash(&mut hasher);
    SEEDS.fetch_add(1, Ordering::Relaxed).hash(&mut hasher);
    std::thread::current().id().hash(&mut hasher);
    std::process::id().hash(&mut hasher);
    let local = 0u8;
    (&raw const local as usize).hash(&mut hasher);
    if let Ok(now) = SystemTime::now().duration_since(UNIX_EPOCH) {
        now.as_nanos().hash(&mut hasher);
    }
    hasher.finish()
}

/// A new random span id.
#[inline]
pub(crate) fn next_span_id() -> SpanId {
    let id = STREAMS
        .try_with(|s| s.span.next())
        .unwrap_or_else(|_| wyrand(seed(1)).0);
    span_id(id)
}

/// A new random trace id and the id of its root span.
#[inline]
pub(crate) fn next_root_ids() -> (TraceId, SpanId) {
    let (high, low, id) = STREAMS
        .try_with(|s| (s.trace.next(), s.span.next(), s.span.next()))
        .unwrap_or_else(|_| (wyrand(seed(2)).0, wyrand(seed(3)).0, wyrand(seed(1)).0));
    // A zero draw (one chance in 2^64, or 2^128 for a trace id) becomes one: never zero.
    let trace_id = TraceId::new(u128::from(high) << 64 | u128::from(low)).unwrap_or(TraceId::MIN);
    (trace_id, span_id(id))
}

fn span_id(draw: u64) -> SpanId {
    SpanId::new(draw).unwrap_or(SpanId::MIN)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn span_ids_of_one_thread_do_not_repeat() {
        let ids: HashSet<SpanId> = (0..100_000).map(|_| next_span_id()).collect();
        assert_eq!(ids.len(), 100_000);
    }

    #[test]
    fn threads_draw_unrelated_span_ids() {
        let draw =
            || std::thread::spawn(|| (0..10_000).map(|_| next_span_id()).collect::<Vec<_>>());
        let (a, b) = (draw(), draw());
        let a: HashSet<SpanId> = a.join().unwrap().into_iter().collect();
        let b: HashSet<SpanId> = b.join().unwrap().into_iter().collect();
        assert!(a.is_disjoint(&b));
    }

    #[test]
    fn both_halves_of_trace_ids_vary() {
        let ids: Vec<u128> = (0..1_000).map(|_| next_root_ids().0.get()).collect();
        let highs: HashSet<u64> = ids.iter().map(|id| (id >> 64) as u64).collect();
        let lows: HashSet<u64> = ids.iter().map(|id| *id as u64).collect();
        assert_eq!((highs.len(), lows.len()), (ids.len(), ids.len()));
    }

    #[test]
    fn set_bits_are_balanced_across_many_ids() {
        let ones: u32 = (0..4_096).map(|_| next_span_id().get().count_ones()).sum();
        let expected = 4_096 * 32;
        assert!(ones.abs_diff(expected) < expected / 50, "{ones} bits set");
    }
}
