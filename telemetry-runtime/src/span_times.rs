//! The measurements of span events, in nanoseconds: `system_time` and `monotonic_time` at
//! the start; `duration` and `monotonic_time` at the stop or exception.

use crate::clock;
use crate::fields::Field;

/// The start event's measurements for a span started at `started`.
#[inline]
pub(crate) fn at_start(started: clock::Moment) -> [Field<'static>; 2] {
    crate::fields!(
        system_time = started.system,
        monotonic_time = started.monotonic,
    )
}

/// The stop or exception event's measurements for a span started at `started` and ended
/// at `now` (both monotonic).
#[inline]
pub(crate) fn at_end(started: u64, now: u64) -> [Field<'static>; 2] {
    crate::fields!(duration = now.saturating_sub(started), monotonic_time = now,)
}
