//! The `metrics` facade reporter: every defined metric recorded through a
//! [`metrics::Recorder`], so any metrics-rs exporter (Prometheus, StatsD, ...) shows it.

use std::sync::Arc;

use metrics::{Counter, Gauge, Histogram, Key, Label, Level, Metadata, Recorder, SharedString};
use telemetry_runtime::{AttachError, Value};

use crate::attach::{Attachment, Sink, attach_sink};
use crate::definition::{Kind, Metric, Metrics, SumAs};
use crate::series::OVERFLOW_LABEL;
use crate::tags;

static METADATA: Metadata<'static> =
    Metadata::new("telemetry_metrics", Level::INFO, Some(module_path!()));

/// Where handles come from.
enum Target {
    /// The recorder that the `metrics` facade would use where the series is first seen.
    Global,
    /// A recorder of our own.
    Recorder(Arc<dyn Recorder + Send + Sync>),
}

impl Target {
    fn with<T>(&self, f: impl FnOnce(&dyn Recorder) -> T) -> T {
        match self {
            Target::Global => metrics::with_recorder(f),
            Target::Recorder(recorder) => f(&**recorder),
        }
    }
}

/// A cached `metrics` handle of one series.
pub(crate) enum Handle {
    Counter(Counter),
    Gauge(Gauge),
    Histogram(Histogram),
}

struct FacadeSink {
    target: Target,
}

impl Sink for FacadeSink {
    type Handle = Handle;

    fn series(&self, metric: &Metric, values: Option<&[Value<'_>]>) -> Handle {
        let labels: Vec<Label> = match values {
            Some(values) => metric
                .tag_labels()
                .zip(values)
                .map(|(label, value)| Label::new(label, tags::label(value)))
                .collect(),
            None => vec![Label::new(OVERFLOW_LABEL, "true")],
        };
        let key = Key::from_parts(
            SharedString::from(metric.exported_name().to_owned()),
            labels,
        );
        self.target
            .with(|recorder| match (metric.kind(), metric.exported_sum()) {
                (Kind::Counter, _) | (Kind::Sum, SumAs::Counter) => {
                    Handle::Counter(recorder.register_counter(&key, &METADATA))
                }
                (Kind::Sum, SumAs::Gauge) | (Kind::LastValue, _) => {
                    Handle::Gauge(recorder.register_gauge(&key, &METADATA))
                }
                (Kind::Summary | Kind::Distribution, _) => {
                    Handle::Histogram(recorder.register_histogram(&key, &METADATA))
                }
            })
    }

    #[inline]
    fn record(&self, metric: &Metric, handle: &Handle, value: f64) {
        match (handle, metric.kind()) {
            (Handle::Counter(counter), Kind::Counter) => counter.increment(1),
            // A counter sum is checked to take whole non-negative measurements.
            (Handle::Counter(counter), _) => counter.increment(value.max(0.0).round() as u64),
            (Handle::Gauge(gauge), Kind::LastValue) => gauge.set(value),
            (Handle::Gauge(gauge), _) => gauge.increment(value),
            (Handle::Histogram(histogram), _) => histogram.record(value),
        }
    }
}

fn describe(target: &Target, metrics: &Metrics) {
    target.with(|recorder| {
        for metric in metrics.iter() {
            let name = metrics::KeyName::from(metric.exported_name().to_owned());
            let unit = metric.conversion().unit.and_then(|u| u.to_metrics());
            let description = SharedString::const_str(metric.describe());
            match (metric.kind(), metric.exported_sum()) {
                (Kind::Counter, _) | (Kind::Sum, SumAs::Counter) => {
                    recorder.describe_counter(name, unit, description)
                }
                (Kind::Sum, SumAs::Gauge) | (Kind::LastValue, _) => {
                    recorder.describe_gauge(name, unit, description)
                }
                (Kind::Summary | Kind::Distribution, _) => {
                    recorder.describe_histogram(name, unit, description)
                }
            }
        }
    });
}

/// Records `metrics` through the `metrics` facade's global recorder, from now until the
/// returned [`Attachment`] is dropped. Install the recorder first: a series' handle is
/// taken from the recorder installed when the series is first seen, and kept.
///
/// Handler ids are `<id>/<event name>`.
///
/// ```
/// use telemetry_metrics::{Metric, Metrics, Kind, record_with_metrics};
/// use telemetry_runtime::{Name, fields, execute};
/// let metrics = Metrics::new(vec![Metric::new(
///     Kind::Counter,
///     "exgit.object_store.haves_sent.count",
///     Name::from_static(&["exgit", "object_store", "haves_sent"]),
///     "count",
/// )]);
/// let attached = record_with_metrics("doc-facade", &metrics)?;
/// execute("exgit.object_store.haves_sent", &fields!(count = 3u64), &fields!(sha = "abc"))?;
/// drop(attached);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn record_with_metrics(id: &str, metrics: &Metrics) -> Result<Attachment, AttachError> {
    let target = Target::Global;
    describe(&target, metrics);
    let (_, attachment) = attach_sink(id, metrics, Arc::new(FacadeSink { target }))?;
    Ok(attachment)
}

/// Records `metrics` into `recorder`, which need not be installed globally (several
/// endpoints, or a test, can each have their own).
pub fn record_into(
    id: &str,
    metrics: &Metrics,
    recorder: Arc<dyn Recorder + Send + Sync>,
) -> Result<Attachment, AttachError> {
    let target = Target::Recorder(recorder);
    describe(&target, metrics);
    let (_, attachment) = attach_sink(id, metrics, Arc::new(FacadeSink { target }))?;
    Ok(attachment)
}
