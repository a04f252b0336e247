//! Metric definitions (`telemetry_metrics::metrics!`) as OpenTelemetry instruments: one
//! instrument per definition, one attribute set per series, through the same series
//! cache and cardinality bound as the other reporters.

use std::collections::HashMap;

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Gauge, Histogram, Meter, UpDownCounter};
use telemetry_metrics::{
    Attachment, Kind, Metric, Metrics, OVERFLOW_LABEL, Reporter, SumAs, Unit, attach_reporter,
    tag_label,
};
use telemetry_runtime::{AttachError, Value};

/// The instrument a definition is recorded with.
#[derive(Clone)]
enum Instrument {
    /// `counter`, and a `sum` exported as a counter (whole, non-negative amounts).
    Counter(Counter<u64>),
    /// A `sum` exported as a gauge: it goes up and down by any amount.
    UpDownCounter(UpDownCounter<f64>),
    /// `last_value`.
    Gauge(Gauge<f64>),
    /// `summary` and `distribution`, with the definition's bucket boundaries.
    Histogram(Histogram<f64>),
}

/// One series: its instrument and attributes.
pub(crate) struct SeriesHandle {
    instrument: Instrument,
    attributes: Box<[KeyValue]>,
}

/// The reporter: the instruments of every definition, by metric name.
struct MeterReporter {
    instruments: HashMap<&'static str, Instrument>,
}

impl Reporter for MeterReporter {
    type Handle = Option<SeriesHandle>;

    fn series(&self, metric: &Metric, values: Option<&[Value<'_>]>) -> Option<SeriesHandle> {
        let instrument = self.instruments.get(metric.name())?.clone();
        let attributes = match values {
            Some(values) => metric
                .tag_labels()
                .zip(values)
                .map(|(label, value)| KeyValue::new(label, tag_label(value)))
                .collect(),
            None => Box::new([KeyValue::new(OVERFLOW_LABEL, "true")]) as Box<[KeyValue]>,
        };
        Some(SeriesHandle {
            instrument,
            attributes,
        })
    }

    #[inline]
    fn record(&self, metric: &Metric, handle: &Option<SeriesHandle>, value: f64) {
        let Some(SeriesHandle {
            instrument,
            attributes,
        }) = handle
        else {
            return;
        };
        match instrument {
            Instrument::Counter(counter) => {
                // A counter sum is checked to take whole non-negative measurements.
                let amount = match metric.kind() {
                    Kind::Counter => 1,
                    _ => value.max(0.0).round() as u64,
                };
                counter.add(amount, attributes);
            }
            Instrument::UpDownCounter(sum) => sum.add(value, attributes),
            Instrument::Gauge(gauge) => gauge.record(value, attributes),
            Instrument::Histogram(histogram) => histogram.record(value, attributes),
        }
    }
}

/// Attaches `metrics` to the runtime, recording them with instruments of `meter`, under
/// handler ids `<id>/<event name>`.
pub(crate) fn attach_metrics(
    id: &str,
    metrics: &Metrics,
    meter: &Meter,
) -> Result<Attachment, AttachError> {
    let instruments = metrics
        .iter()
        .map(|metric| (metric.name(), instrument(meter, metric)))
        .collect();
    attach_reporter(id, metrics, MeterReporter { instruments })
}

fn instrument(meter: &Meter, metric: &Metric) -> Instrument {
    let name = instrument_name(metric.name());
    let unit = metric.conversion().unit.map(ucum).unwrap_or_default();
    let description = metric.describe();
    match (metric.kind(), metric.exported_sum()) {
        (Kind::Counter, _) | (Kind::Sum, SumAs::Counter) => Instrument::Counter(
            meter
                .u64_counter(name)
                .with_unit(unit)
                .with_description(description)
                .build(),
        ),
        (Kind::Sum, SumAs::Gauge) => Instrument::UpDownCounter(
            meter
                .f64_up_down_counter(name)
                .with_unit(unit)
                .with_description(description)
                .build(),
        ),
        (Kind::LastValue, _) => Instrument::Gauge(
            meter
                .f64_gauge(name)
                .with_unit(unit)
                .with_description(description)
                .build(),
        ),
        (Kind::Summary | Kind::Distribution, _) => {
            let mut builder = meter
                .f64_histogram(name)
                .with_unit(unit)
                .with_description(description);
            // Without buckets (a summary), the SDK's default boundaries apply.
            if !metric.bucket_bounds().is_empty() {
                builder = builder.with_boundaries(metric.bucket_bounds().to_vec());
            }
            Instrument::Histogram(builder.build())
        }
    }
}

/// An OpenTelemetry instrument name keeps the definition's dotted name
/// (`exgit.fs.grep.stop.duration`): letters, digits, `_`, `.`, `-` and `/` stay, `?` goes,
/// anything else becomes `_`, and a name not starting with a letter gets an `m` before it.
pub(crate) fn instrument_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .filter(|c| *c != '?')
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '_' | '.' | '-' | '/' => c,
            _ => '_',
        })
        .take(255)
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert(0, 'm');
        out.truncate(255);
    }
    out
}

/// The unit in UCUM, as OpenTelemetry's semantic conventions write units; a unit the
/// definition names without converting becomes an annotation (`{request}`).
fn ucum(unit: Unit) -> String {
    match unit {
        Unit::Native | Unit::Nanosecond => "ns".to_owned(),
        Unit::Microsecond => "us".to_owned(),
        Unit::Millisecond => "ms".to_owned(),
        Unit::Second => "s".to_owned(),
        Unit::Byte => "By".to_owned(),
        Unit::Kilobyte => "kBy".to_owned(),
        Unit::Megabyte => "MBy".to_owned(),
        Unit::Other(name) => format!("{{{name}}}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instrument_names_keep_dots_and_drop_question_marks() {
        assert_eq!(
            instrument_name("exgit.object_store.has?.stop.duration"),
            "exgit.object_store.has.stop.duration"
        );
    }

    #[test]
    fn instrument_names_start_with_a_letter() {
        assert_eq!(instrument_name("9p.read count"), "m9p.read_count");
    }

    #[test]
    fn units_are_written_in_ucum() {
        assert_eq!(ucum(Unit::Millisecond), "ms");
        assert_eq!(ucum(Unit::Kilobyte), "kBy");
        assert_eq!(ucum(Unit::Other("request")), "{request}");
    }
}
