//! One metric's series, one per tag set, with a bounded number of them.
//!
//! A reporter keeps a handle per tag set (a `metrics` counter, a console aggregate). The
//! first event of a tag set builds its handle (label strings, a registration); every
//! later event with the same tag values finds it by a hash of the borrowed values and a
//! comparison, without allocating. Past the metric's limit, new tag sets share one
//! overflow series, so a tag with unbounded values cannot exhaust memory.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::{PoisonError, RwLock};

use telemetry_runtime::{OwnedValue, Value};

use crate::tags::{self, FastHasher};

/// How many tag sets a metric keeps apart unless its definition says otherwise
/// (`max_series = N`).
pub const DEFAULT_MAX_SERIES: usize = 1_000;

/// The label that marks the overflow series (as OpenTelemetry's
/// `otel.metric.overflow="true"`); it is the overflow series' only label.
pub const OVERFLOW_LABEL: &str = "telemetry_overflow";

type Entries<H> = Vec<(Box<[OwnedValue]>, H)>;

/// The series of one metric in one reporter.
pub(crate) struct Series<H> {
    limit: usize,
    cache: RwLock<Cache<H>>,
}

struct Cache<H> {
    by_hash: HashMap<u64, Entries<H>, BuildHasherDefault<FastHasher>>,
    len: usize,
    overflow: Option<H>,
}

impl<H> Cache<H> {
    fn find(&self, hash: u64, values: &[Value<'_>]) -> Option<&H> {
        self.by_hash
            .get(&hash)?
            .iter()
            .find(|(owned, _)| tags::same(values, owned))
            .map(|(_, handle)| handle)
    }
}

impl<H> Series<H> {
    pub(crate) fn new(limit: usize) -> Self {
        Series {
            limit,
            cache: RwLock::new(Cache {
                by_hash: HashMap::default(),
                len: 0,
                overflow: None,
            }),
        }
    }

    /// Runs `act` on the handle of the tag set `values`; `make` builds a missing handle,
    /// given the tag values, or `None` for the overflow series.
    #[inline]
    pub(crate) fn with<R>(
        &self,
        values: &[Value<'_>],
        make: impl FnOnce(Option<&[Value<'_>]>) -> H,
        act: impl FnOnce(&H) -> R,
    ) -> R {
        let hash = tags::hash(values);
        {
            let cache = self.cache.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(handle) = cache.find(hash, values) {
                return act(handle);
            }
            if let (true, Some(overflow)) = (cache.len >= self.limit, &cache.overflow) {
                return act(overflow);
            }
        }
        let mut guard = self.cache.write().unwrap_or_else(PoisonError::into_inner);
        let cache = &mut *guard;
        if let Some(handle) = cache.find(hash, values) {
            return act(handle);
        }
        if cache.len >= self.limit {
            return act(cache.overflow.get_or_insert_with(|| make(None)));
        }
        cache.len += 1;
        let handle = make(Some(values));
        let result = act(&handle);
        let entries = cache.by_hash.entry(hash).or_default();
        entries.push((tags::to_owned(values), handle));
        result
    }

    /// Visits every series: its tag values (`None` for the overflow series) and handle.
    pub(crate) fn for_each(&self, mut visit: impl FnMut(Option<&[OwnedValue]>, &H)) {
        let cache = self.cache.read().unwrap_or_else(PoisonError::into_inner);
        for (values, handle) in cache.by_hash.values().flatten() {
            visit(Some(values), handle);
        }
        if let Some(overflow) = &cache.overflow {
            visit(None, overflow);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_repeated_tag_set_builds_its_handle_once() {
        let series = Series::new(10);
        let built = Cell::new(0);
        for _ in 0..3 {
            series.with(
                &[Value::Str("HEAD")],
                |_| built.set(built.get() + 1),
                |_| (),
            );
        }
        assert_eq!(built.get(), 1);
    }

    #[test]
    fn tag_sets_past_the_limit_share_the_overflow_series() {
        let series: Series<String> = Series::new(2);
        let label = |v: Option<&[Value<'_>]>| match v {
            Some(values) => tags::label(&values[0]),
            None => OVERFLOW_LABEL.to_owned(),
        };
        let seen: Vec<String> = (0..5u64)
            .map(|n| series.with(&[Value::U64(n)], label, String::clone))
            .collect();
        assert_eq!(
            seen,
            ["0", "1", OVERFLOW_LABEL, OVERFLOW_LABEL, OVERFLOW_LABEL]
        );
        // A tag set seen before the limit keeps its own series.
        assert_eq!(series.with(&[Value::U64(1)], label, String::clone), "1");
        let mut count = 0;
        series.for_each(|_, _| count += 1);
        assert_eq!(count, 3);
    }
}
