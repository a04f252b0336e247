//! What the console reporter shows: a snapshot of its aggregates, and how it renders.

use std::fmt;

use telemetry_runtime::OwnedValue;

use crate::values::MetricValue;

/// A snapshot of a [`ConsoleReporter`](crate::ConsoleReporter); its `Display` is the table.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// One row per event name, sorted by name (so a span's phases sit together).
    pub rows: Vec<Row>,
    /// The last events recorded, oldest first.
    pub recent: Vec<RecentEvent>,
    /// Every event recorded.
    pub total: u64,
    /// The defined metrics' values, one per metric and tag set, in definition order.
    pub metrics: Vec<MetricValue>,
}

impl Report {
    /// The row of one event name.
    pub fn row(&self, name: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.name == name)
    }

    /// The values of one metric, one per tag set.
    pub fn metric(&self, name: &str) -> impl Iterator<Item = &MetricValue> {
        self.metrics.iter().filter(move |m| m.name == name)
    }
}

/// The aggregate of one event name.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The event's name.
    pub name: String,
    /// How many were recorded.
    pub count: u64,
    /// For events that carry a `duration`: its summary.
    pub durations: Option<Durations>,
}

/// Duration percentiles, in nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Durations {
    /// Half the events took at most this long.
    pub p50: u64,
    /// 99 in 100 events took at most this long.
    pub p99: u64,
    /// The longest.
    pub max: u64,
}

/// One recorded event, with sensitive values already redacted.
#[derive(Clone, Debug, PartialEq)]
pub struct RecentEvent {
    /// The event's name.
    pub name: String,
    /// Its measurements.
    pub measurements: Vec<(String, OwnedValue)>,
    /// Its metadata.
    pub metadata: Vec<(String, OwnedValue)>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .rows
            .iter()
            .map(|r| r.name.len())
            .chain([5])
            .max()
            .unwrap_or(5);
        writeln!(
            f,
            "{:<width$}  {:>7}  {:>10}  {:>10}  {:>10}",
            "EVENT", "COUNT", "P50", "P99", "MAX"
        )?;
        for row in &self.rows {
            let [p50, p99, max] = match row.durations {
                Some(d) => [d.p50, d.p99, d.max].map(human_duration),
                None => ["-".to_owned(), "-".to_owned(), "-".to_owned()],
            };
            writeln!(
                f,
                "{:<width$}  {:>7}  {p50:>10}  {p99:>10}  {max:>10}",
                row.name, row.count
            )?;
        }
        if !self.recent.is_empty() {
            writeln!(f, "\nLast {} of {} events:", self.recent.len(), self.total)?;
            for event in &self.recent {
                writeln!(f, "  {event}")?;
            }
        }
        if !self.metrics.is_empty() {
            writeln!(f, "\nMetrics:")?;
            let width = self
                .metrics
                .iter()
                .map(|m| m.series().len())
                .max()
                .unwrap_or(0);
            for metric in &self.metrics {
                writeln!(f, "  {:<width$}  {}", metric.series(), metric.reading())?;
            }
        }
        Ok(())
    }
}

/// `name  duration=12.3 µs  key=value ...`: span times other than the duration are left
/// out, binaries are shown as abbreviated hex.
impl fmt::Display for RecentEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        for (key, value) in &self.measurements {
            match (key.as_str(), value) {
                ("system_time" | "monotonic_time", _) => {}
                ("duration", OwnedValue::U64(ns)) => {
                    write!(f, "  duration={}", human_duration(*ns))?
                }
                _ => write!(f, "  {key}={}", short(value))?,
            }
        }
        for (key, value) in &self.metadata {
            write!(f, "  {key}={}", short(value))?;
        }
        Ok(())
    }
}

fn short(value: &OwnedValue) -> String {
    match value {
        OwnedValue::Bytes(bytes) => {
            let hex: String = bytes.iter().take(6).map(|b| format!("{b:02x}")).collect();
            if bytes.len() > 6 {
                format!("{hex}…")
            } else {
                hex
            }
        }
        other => other.to_string(),
    }
}

/// Nanoseconds in the largest unit that keeps the number readable: `850 ns`, `12.3 µs`,
/// `4.56 ms`, `1.20 s`.
pub(crate) fn human_duration(ns: u64) -> String {
    let x = ns as f64;
    match ns {
        0..1_000 => format!("{ns} ns"),
        1_000..1_000_000 => format!("{:.1} µs", x / 1e3),
        1_000_000..1_000_000_000 => format!("{:.2} ms", x / 1e6),
        _ => format!("{:.2} s", x / 1e9),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_shown_in_a_readable_unit() {
        assert_eq!(human_duration(850), "850 ns");
        assert_eq!(human_duration(12_345), "12.3 µs");
        assert_eq!(human_duration(4_560_000), "4.56 ms");
        assert_eq!(human_duration(1_200_000_000), "1.20 s");
    }
}
