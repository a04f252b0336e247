//! Span durations of one event name: percentiles from an HDR histogram, whose memory is
//! fixed however many durations it sees.

use hdrhistogram::Histogram;

use crate::report::Durations;

/// Three significant digits: the precision the report prints durations with.
const SIGNIFICANT_DIGITS: u8 = 3;

/// Every duration of one event name, summarised.
pub(crate) struct DurationStats {
    histogram: Histogram<u64>,
    min: u64,
    max: u64,
}

impl DurationStats {
    pub(crate) fn new() -> Option<Self> {
        let mut histogram = Histogram::new(SIGNIFICANT_DIGITS).ok()?;
        histogram.auto(true);
        Some(DurationStats {
            histogram,
            min: u64::MAX,
            max: 0,
        })
    }

    pub(crate) fn add(&mut self, nanoseconds: u64) {
        self.min = self.min.min(nanoseconds);
        self.max = self.max.max(nanoseconds);
        // The histogram grows to the largest duration seen; one too large to track at
        // all is kept at the top of its range (the exact max is kept apart).
        if self.histogram.record(nanoseconds).is_err() {
            self.histogram.saturating_record(nanoseconds);
        }
    }

    /// p50, p99 and max. A percentile is exact to three significant digits, and never
    /// outside the exact minimum and maximum (so one duration reads back as itself).
    pub(crate) fn summary(&self) -> Option<Durations> {
        if self.histogram.is_empty() {
            return None;
        }
        let at = |q: f64| {
            self.histogram
                .value_at_quantile(q)
                .clamp(self.min, self.max)
        };
        Some(Durations {
            p50: at(0.50),
            p99: at(0.99),
            max: self.max,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn within_a_thousandth(actual: u64, expected: u64) -> bool {
        actual.abs_diff(expected) * 1000 <= expected
    }

    #[test]
    fn percentiles_are_exact_to_three_significant_digits() {
        let mut stats = DurationStats::new().unwrap();
        for ms in 1..=100u64 {
            stats.add(ms * 1_000_000);
        }
        let summary = stats.summary().unwrap();
        assert!(within_a_thousandth(summary.p50, 50_000_000), "{summary:?}");
        assert!(within_a_thousandth(summary.p99, 99_000_000), "{summary:?}");
        assert_eq!(summary.max, 100_000_000);
    }

    #[test]
    fn one_duration_reads_back_exactly() {
        let mut stats = DurationStats::new().unwrap();
        stats.add(12_345);
        let summary = stats.summary().unwrap();
        assert_eq!(
            (summary.p50, summary.p99, summary.max),
            (12_345, 12_345, 12_345)
        );
    }

    #[test]
    fn no_duration_has_no_summary() {
        assert_eq!(DurationStats::new().unwrap().summary(), None);
    }

    #[test]
    fn a_few_durations_give_the_nearest_rank_percentiles() {
        let mut stats = DurationStats::new().unwrap();
        for v in [
            86_200u64, 774_000, 90_000, 80_000, 85_000, 87_000, 88_000, 89_000, 86_000,
        ] {
            stats.add(v);
        }
        let summary = stats.summary().unwrap();
        assert!(within_a_thousandth(summary.p50, 87_000), "{summary:?}");
        assert!(within_a_thousandth(summary.p99, 774_000), "{summary:?}");
    }

    #[test]
    fn a_huge_duration_is_kept_without_growing_past_the_histogram() {
        let mut stats = DurationStats::new().unwrap();
        stats.add(u64::MAX);
        stats.add(1);
        assert_eq!(stats.summary().map(|s| s.max), Some(u64::MAX));
    }
}
