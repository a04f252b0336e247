//! Time for spans: one monotonic clock read per span edge; wall-clock time is derived
//! from it through an offset taken once per process, never from a second clock read.

use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

struct Anchor {
    instant: Instant,
    unix_nanos: u64,
}

static ANCHOR: OnceLock<Anchor> = OnceLock::new();

fn anchor() -> &'static Anchor {
    ANCHOR.get_or_init(|| Anchor {
        instant: Instant::now(),
        unix_nanos: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| saturating_nanos(d.as_nanos())),
    })
}

fn saturating_nanos(n: u128) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Nanoseconds on the process's monotonic clock (the runtime's native time unit).
pub(crate) fn monotonic_nanos() -> u64 {
    let anchor = anchor();
    saturating_nanos(anchor.instant.elapsed().as_nanos())
}

/// Wall-clock nanoseconds since the Unix epoch at the given monotonic time.
pub(crate) fn system_nanos_at(monotonic: u64) -> u64 {
    anchor().unix_nanos.saturating_add(monotonic)
}
