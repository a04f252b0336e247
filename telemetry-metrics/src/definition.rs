//! A metric definition at run time: what the `metrics!` macro builds once it has checked
//! the definition against the catalogue.

use std::fmt;

use telemetry_runtime::{Event, Fields, Name, Value};

use crate::series::DEFAULT_MAX_SERIES;
use crate::tags::TagValues;
use crate::unit::Conversion;

/// The five kinds of `Telemetry.Metrics`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Counts events.
    Counter,
    /// Adds up a measurement.
    Sum,
    /// Keeps the latest value of a measurement.
    LastValue,
    /// Summarises a measurement (count, sum, quantiles).
    Summary,
    /// Puts a measurement in buckets (a histogram).
    Distribution,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Counter => "counter",
            Kind::Sum => "sum",
            Kind::LastValue => "last_value",
            Kind::Summary => "summary",
            Kind::Distribution => "distribution",
        })
    }
}

/// How a reporter exports a `sum`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SumAs {
    /// A monotonic counter of whole numbers.
    Counter,
    /// A gauge that goes up and down by any amount.
    Gauge,
}

type MeasureFn = dyn Fn(Fields<'_>, Fields<'_>) -> Option<f64> + Send + Sync;
type FilterFn = dyn Fn(Fields<'_>, Fields<'_>) -> bool + Send + Sync;
type TagValuesFn = dyn for<'a> Fn(Fields<'a>) -> TagValues<'a> + Send + Sync;

/// Where a metric's value comes from.
pub(crate) enum Measure {
    /// A measurement by key.
    Key(&'static str),
    /// A function of the measurements and the metadata.
    Function(Box<MeasureFn>),
}

/// One metric definition.
pub struct Metric {
    pub(crate) kind: Kind,
    pub(crate) name: &'static str,
    pub(crate) exported_name: String,
    pub(crate) event: Name<'static>,
    pub(crate) measure: Measure,
    pub(crate) tags: &'static [(&'static str, &'static str)],
    pub(crate) tag_values: Option<Box<TagValuesFn>>,
    pub(crate) keep: Option<(bool, Box<FilterFn>)>,
    pub(crate) unit: Conversion,
    pub(crate) description: &'static str,
    pub(crate) buckets: &'static [f64],
    pub(crate) sum_as: SumAs,
    pub(crate) max_series: usize,
}

impl fmt::Debug for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metric")
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("event", &self.event)
            .field("tags", &self.tags)
            .field("unit", &self.unit)
            .finish_non_exhaustive()
    }
}

impl Metric {
    /// A definition; the `metrics!` macro calls this after checking every part.
    pub fn new(
        kind: Kind,
        name: &'static str,
        event: Name<'static>,
        measurement: &'static str,
    ) -> Self {
        Metric {
            kind,
            name,
            exported_name: exported_name(name),
            event,
            measure: Measure::Key(measurement),
            tags: &[],
            tag_values: None,
            keep: None,
            unit: Conversion::NONE,
            description: "",
            buckets: &[],
            sum_as: SumAs::Counter,
            max_series: DEFAULT_MAX_SERIES,
        }
    }

    /// The value comes from `f(measurements, metadata)`; `None` skips the event.
    pub fn measure_with<F, V>(mut self, f: F) -> Self
    where
        F: Fn(Fields<'_>, Fields<'_>) -> V + Send + Sync + 'static,
        V: Into<Option<f64>>,
    {
        self.measure = Measure::Function(Box::new(move |m, meta| f(m, meta).into()));
        self
    }

    /// Tags: `(label, metadata key)` pairs, in order.
    pub fn tags(mut self, tags: &'static [(&'static str, &'static str)]) -> Self {
        self.tags = tags;
        self
    }

    /// The tag values come from `f(metadata)`, one per tag, in tag order.
    pub fn tag_values<F, const N: usize>(mut self, f: F) -> Self
    where
        F: for<'a> Fn(Fields<'a>) -> [Value<'a>; N] + Send + Sync + 'static,
    {
        self.tag_values = Some(Box::new(move |meta| TagValues::from(f(meta))));
        self
    }

    /// Keeps only the events for which `f(metadata, measurements)` holds (`keep: true`),
    /// or drops them (`keep: false`).
    pub fn filter<F>(mut self, keep: bool, f: F) -> Self
    where
        F: Fn(Fields<'_>, Fields<'_>) -> bool + Send + Sync + 'static,
    {
        self.keep = Some((keep, Box::new(f)));
        self
    }

    /// The unit, or the conversion to it.
    pub fn unit(mut self, unit: Conversion) -> Self {
        self.unit = unit;
        self
    }

    /// What the metric means.
    pub fn description(mut self, description: &'static str) -> Self {
        self.description = description;
        self
    }

    /// A distribution's bucket boundaries, ascending.
    pub fn buckets(mut self, buckets: &'static [f64]) -> Self {
        self.buckets = buckets;
        self
    }

    /// How a sum is exported.
    pub fn sum_as(mut self, sum_as: SumAs) -> Self {
        self.sum_as = sum_as;
        self
    }

    /// How many tag sets stay apart before new ones share the overflow series.
    pub fn max_series(mut self, max_series: usize) -> Self {
        self.max_series = max_series;
        self
    }

    /// The metric's name as written: `exgit.fs.grep.stop.duration`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The name exporters use: dots and other characters Prometheus does not allow
    /// become `_` (`exgit_fs_grep_stop_duration`).
    pub fn exported_name(&self) -> &str {
        &self.exported_name
    }

    /// The kind.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The event it observes.
    pub fn event(&self) -> Name<'static> {
        self.event
    }

    /// The tag labels, in order.
    pub fn tag_labels(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.tags.iter().map(|(label, _)| *label)
    }

    /// The unit it reports in, and the conversion from the measurement's.
    pub fn conversion(&self) -> Conversion {
        self.unit
    }

    /// What it means.
    pub fn describe(&self) -> &'static str {
        self.description
    }

    /// A distribution's bucket boundaries.
    pub fn bucket_bounds(&self) -> &'static [f64] {
        self.buckets
    }

    /// How a sum is exported.
    pub fn exported_sum(&self) -> SumAs {
        self.sum_as
    }

    /// What one event contributes: `None` when the event is filtered out or its
    /// measurement is missing, not a number, or not finite; otherwise the converted value
    /// (1 for a counter), with the tag values written to `tags`. The filter runs first,
    /// then the measurement, then the tag values.
    #[inline]
    pub fn observe<'a>(&self, event: &Event<'a>, tags: &mut TagValues<'a>) -> Option<f64> {
        let (measurements, metadata) = (event.measurements(), event.metadata());
        if let Some((keep, filter)) = &self.keep
            && filter(metadata, measurements) != *keep
        {
            return None;
        }
        let value = match (&self.kind, &self.measure) {
            (Kind::Counter, _) => 1.0,
            (_, Measure::Key(key)) => number(measurements.get(key)?)?,
            (_, Measure::Function(f)) => f(measurements, metadata)?,
        };
        if !value.is_finite() {
            return None;
        }
        match &self.tag_values {
            Some(f) => *tags = f(metadata),
            None => {
                tags.clear();
                for (_, key) in self.tags {
                    tags.push(metadata.get(key));
                }
            }
        }
        Some(self.unit.apply(value))
    }
}

fn number(value: Value<'_>) -> Option<f64> {
    match value {
        Value::U64(n) => Some(n as f64),
        Value::I64(n) => Some(n as f64),
        Value::F64(x) => Some(x),
        _ => None,
    }
}

fn exported_name(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '?')
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// A set of metric definitions, as `metrics!` returns it; reporters take it by reference.
#[derive(Debug, Default)]
pub struct Metrics {
    metrics: Vec<std::sync::Arc<Metric>>,
}

impl Metrics {
    /// The definitions, in order.
    pub fn new(metrics: Vec<Metric>) -> Self {
        Metrics {
            metrics: metrics.into_iter().map(std::sync::Arc::new).collect(),
        }
    }

    /// Every definition, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Metric> {
        self.metrics.iter().map(|m| &**m)
    }

    /// The definition named `name`.
    pub fn get(&self, name: &str) -> Option<&Metric> {
        self.iter().find(|m| m.name == name)
    }

    /// How many definitions there are.
    pub fn len(&self) -> usize {
        self.metrics.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.metrics.is_empty()
    }

    /// The definitions grouped by the event they observe, in order of first appearance:
    /// a reporter attaches one handler per event.
    pub(crate) fn by_event(&self) -> Vec<(Name<'static>, Vec<std::sync::Arc<Metric>>)> {
        let mut groups: Vec<(Name<'static>, Vec<std::sync::Arc<Metric>>)> = Vec::new();
        for metric in &self.metrics {
            match groups.iter_mut().find(|(name, _)| *name == metric.event) {
                Some((_, group)) => group.push(metric.clone()),
                None => groups.push((metric.event, vec![metric.clone()])),
            }
        }
        groups
    }
}

impl Extend<Metric> for Metrics {
    fn extend<I: IntoIterator<Item = Metric>>(&mut self, metrics: I) {
        self.metrics
            .extend(metrics.into_iter().map(std::sync::Arc::new));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use telemetry_runtime::fields;

    const EVENT: Name<'static> = Name::from_static(&["demo", "cache", "overfull"]);

    fn observed(metric: &Metric, measurements: Fields<'_>, metadata: Fields<'_>) -> Option<f64> {
        let event = Event::new(EVENT, measurements, metadata);
        metric.observe(&event, &mut TagValues::new())
    }

    #[test]
    fn an_event_without_the_measurement_is_skipped() {
        let metric = Metric::new(Kind::Sum, "demo.cache.overfull.bytes", EVENT, "bytes");
        let other = fields!(cap = 1u64);
        assert_eq!(observed(&metric, Fields::new(&other), Fields::EMPTY), None);
    }

    #[test]
    fn a_measurement_that_is_not_a_number_is_skipped() {
        let metric = Metric::new(Kind::LastValue, "demo.cache.overfull.bytes", EVENT, "bytes");
        let text = fields!(bytes = "many");
        assert_eq!(observed(&metric, Fields::new(&text), Fields::EMPTY), None);
        let nan = fields!(bytes = f64::NAN);
        assert_eq!(observed(&metric, Fields::new(&nan), Fields::EMPTY), None);
    }

    #[test]
    fn a_counter_counts_an_event_without_its_measurement() {
        let metric = Metric::new(Kind::Counter, "demo.cache.overfull.bytes", EVENT, "bytes");
        assert_eq!(observed(&metric, Fields::EMPTY, Fields::EMPTY), Some(1.0));
    }

    #[test]
    fn a_missing_tag_key_reads_as_an_empty_value() {
        let metric = Metric::new(Kind::Counter, "demo.cache.overfull.count", EVENT, "count")
            .tags(&[("policy", "policy")]);
        let event = Event::new(EVENT, Fields::EMPTY, Fields::EMPTY);
        let mut tags = TagValues::new();
        assert_eq!(metric.observe(&event, &mut tags), Some(1.0));
        assert_eq!(tags.as_slice().len(), 1);
        assert_eq!(tags.as_slice()[0].as_str(), Some(""));
    }

    #[test]
    fn exported_names_keep_only_letters_digits_and_underscores() {
        assert_eq!(
            exported_name("exgit.object_store.has?.stop.duration"),
            "exgit_object_store_has_stop_duration"
        );
    }
}
