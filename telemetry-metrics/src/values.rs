//! The console reporter's own view of the defined metrics: one aggregate per series,
//! read back as values a person can check.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use telemetry_runtime::Value;

use crate::attach::{Sink, Tracked};
use crate::definition::{Kind, Metric};
use crate::series::OVERFLOW_LABEL;
use crate::tags;

/// The value of one metric for one tag set.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricValue {
    /// The metric's name, as defined.
    pub name: &'static str,
    /// `(label, value)` per tag; `[("telemetry_overflow", "true")]` for the overflow
    /// series.
    pub tags: Vec<(String, String)>,
    /// The aggregate.
    pub reading: Reading,
}

/// What a metric has aggregated.
#[derive(Clone, Debug, PartialEq)]
pub enum Reading {
    /// A counter: the events counted.
    Count(u64),
    /// A sum.
    Sum(f64),
    /// The latest value.
    Last(f64),
    /// A summary or a distribution: how many values, their sum, smallest and largest, and
    /// for a distribution the cumulative count at or below each bucket bound.
    Values {
        /// How many values.
        count: u64,
        /// Their sum.
        sum: f64,
        /// The smallest.
        min: f64,
        /// The largest.
        max: f64,
        /// `(upper bound, values at or below it)`; empty for a summary.
        buckets: Vec<(f64, u64)>,
    },
}

impl MetricValue {
    /// `name{label="value",...}`.
    pub fn series(&self) -> String {
        if self.tags.is_empty() {
            return self.name.to_owned();
        }
        let tags: Vec<String> = self
            .tags
            .iter()
            .map(|(k, v)| format!("{k}={v:?}"))
            .collect();
        format!("{}{{{}}}", self.name, tags.join(","))
    }

    /// The aggregate, written out.
    pub fn reading(&self) -> String {
        self.reading.to_string()
    }
}

impl fmt::Display for Reading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reading::Count(n) => write!(f, "count={n}"),
            Reading::Sum(x) => write!(f, "sum={}", number(*x)),
            Reading::Last(x) => write!(f, "last={}", number(*x)),
            Reading::Values {
                count,
                sum,
                min,
                max,
                buckets,
            } => {
                write!(f, "count={count} sum={}", number(*sum))?;
                if *count > 0 {
                    write!(f, " min={} max={}", number(*min), number(*max))?;
                }
                for (bound, n) in buckets {
                    write!(f, " le{}={n}", number(*bound))?;
                }
                Ok(())
            }
        }
    }
}

fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x:.3}")
    }
}

/// One series' aggregate.
pub(crate) struct Aggregate {
    tags: Vec<(String, String)>,
    state: Mutex<Reading>,
}

pub(crate) struct ValuesSink;

impl Sink for ValuesSink {
    type Handle = Aggregate;

    fn series(&self, metric: &Metric, values: Option<&[Value<'_>]>) -> Aggregate {
        let tags = match values {
            Some(values) => metric
                .tag_labels()
                .zip(values)
                .map(|(label, value)| (label.to_owned(), tags::label(value)))
                .collect(),
            None => vec![(OVERFLOW_LABEL.to_owned(), "true".to_owned())],
        };
        let reading = match metric.kind() {
            Kind::Counter => Reading::Count(0),
            Kind::Sum => Reading::Sum(0.0),
            Kind::LastValue => Reading::Last(0.0),
            Kind::Summary | Kind::Distribution => Reading::Values {
                count: 0,
                sum: 0.0,
                min: f64::INFINITY,
                max: f64::NEG_INFINITY,
                buckets: metric.bucket_bounds().iter().map(|b| (*b, 0)).collect(),
            },
        };
        Aggregate {
            tags,
            state: Mutex::new(reading),
        }
    }

    fn record(&self, _: &Metric, aggregate: &Aggregate, value: f64) {
        let mut reading = aggregate
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match &mut *reading {
            Reading::Count(n) => *n += 1,
            Reading::Sum(x) => *x += value,
            Reading::Last(x) => *x = value,
            Reading::Values {
                count,
                sum,
                min,
                max,
                buckets,
            } => {
                *count += 1;
                *sum += value;
                *min = min.min(value);
                *max = max.max(value);
                for (_, n) in buckets.iter_mut().filter(|(bound, _)| value <= *bound) {
                    *n += 1;
                }
            }
        }
    }
}

/// Every series of the tracked metrics, in definition order, each metric's series sorted
/// by tags.
pub(crate) fn read(tracked: &[Arc<Tracked<Aggregate>>]) -> Vec<MetricValue> {
    let mut out = Vec::new();
    for one in tracked {
        let mut series = Vec::new();
        one.series.for_each(|_, aggregate| {
            series.push(MetricValue {
                name: one.metric.name(),
                tags: aggregate.tags.clone(),
                reading: aggregate
                    .state
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone(),
            });
        });
        series.sort_by(|a, b| a.tags.cmp(&b.tags));
        out.extend(series);
    }
    out
}
