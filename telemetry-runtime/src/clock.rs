//! Time for spans: one read of a cheap monotonic counter per span edge (the CPU's
//! time-stamp counter where it is invariant, else the OS monotonic clock, as chosen and
//! calibrated by `quanta`); wall-clock time is derived from it through an offset taken
//! once per process, never from a second clock read.

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

struct Anchor {
    clock: quanta::Clock,
    /// The counter's raw value when the process first needed time.
    raw: u64,
    /// Unix time, in nanoseconds, at that moment.
    unix_nanos: u64,
}

static ANCHOR: OnceLock<Anchor> = OnceLock::new();

fn anchor() -> &'static Anchor {
    ANCHOR.get_or_init(|| {
        let clock = quanta::Clock::new();
        Anchor {
            raw: clock.raw(),
            unix_nanos: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)),
            clock,
        }
    })
}

/// Nanoseconds since the process's anchor, on a monotonic clock (the runtime's native
/// time unit).
#[inline]
pub(crate) fn monotonic_nanos() -> u64 {
    let anchor = anchor();
    anchor.clock.delta_as_nanos(anchor.raw, anchor.clock.raw())
}

/// One moment read from the clock, on both scales a span's start reports.
#[derive(Clone, Copy)]
pub(crate) struct Moment {
    /// Nanoseconds since the process's anchor, as [`monotonic_nanos`] counts them.
    pub(crate) monotonic: u64,
    /// Wall-clock nanoseconds since the Unix epoch.
    pub(crate) system: u64,
}

/// The time now on both scales, from one read of the counter and one look at the anchor
/// (each look is an atomic load and a branch).
#[inline]
pub(crate) fn moment() -> Moment {
    let anchor = anchor();
    let monotonic = anchor.clock.delta_as_nanos(anchor.raw, anchor.clock.raw());
    Moment {
        monotonic,
        system: anchor.unix_nanos.saturating_add(monotonic),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monotonic_time_never_goes_back_and_tracks_the_os_clock() {
        let os_start = std::time::Instant::now();
        let first = monotonic_nanos();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let second = monotonic_nanos();
        let os_elapsed = u64::try_from(os_start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        assert!(second >= first);
        let elapsed = second - first;
        // Same order as the OS clock: within a factor of two over 20 ms.
        assert!(
            elapsed >= 10_000_000 && elapsed <= 2 * os_elapsed,
            "{elapsed} vs {os_elapsed}"
        );
    }

    #[test]
    fn system_time_is_unix_nanoseconds_now() {
        let derived = moment().system;
        let os = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64;
        assert!(derived.abs_diff(os) < 1_000_000_000, "{derived} vs {os}");
    }

    #[test]
    fn both_scales_of_a_moment_advance_together() {
        let first = moment();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let second = moment();
        assert!(second.monotonic > first.monotonic);
        assert_eq!(
            second.system - first.system,
            second.monotonic - first.monotonic
        );
    }
}
