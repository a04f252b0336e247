//! Reporters outside this crate (an OpenTelemetry meter, say): the same handlers, series
//! cache and cardinality bound as the built-in reporters, with the reporter's own handles.

use std::sync::Arc;

use telemetry_runtime::{AttachError, Event, HandlerId, Value, attach};

use crate::attach::{Attachment, Tracked};
use crate::console::REDACTED;
use crate::definition::{Metric, Metrics};
use crate::series::Series;
use crate::tags::{self, TagValues};

/// What an external reporter does with one metric's observations.
///
/// [`attach_reporter`] calls [`series`](Reporter::series) once per metric and tag set
/// (at most `max_series` times, then once more for the overflow series), and
/// [`record`](Reporter::record) once per observation, with the handle it built.
pub trait Reporter: Send + Sync + 'static {
    /// The handle cached for one series.
    type Handle: Send + Sync + 'static;

    /// Builds the handle of a new series: `values` are its tag values in the metric's tag
    /// order (render them with [`tag_label`] to match the other reporters), or `None` for
    /// the overflow series (labelled [`OVERFLOW_LABEL`](crate::OVERFLOW_LABEL)).
    fn series(&self, metric: &Metric, values: Option<&[Value<'_>]>) -> Self::Handle;

    /// Records one observation: the converted value, or 1 for a counter.
    fn record(&self, metric: &Metric, handle: &Self::Handle, value: f64);
}

impl Metric {
    /// How many tag sets stay apart before new ones share the overflow series (its
    /// definition's `max_series`, else [`DEFAULT_MAX_SERIES`](crate::DEFAULT_MAX_SERIES)):
    /// a reporter with a bound of its own sets it above this one.
    ///
    /// ```
    /// use telemetry_metrics::{Kind, Metric, DEFAULT_MAX_SERIES};
    /// use telemetry_runtime::Name;
    /// let metric = Metric::new(Kind::Counter, "a.b.count", Name::from_static(&["a", "b"]), "count");
    /// assert_eq!(metric.series_limit(), DEFAULT_MAX_SERIES);
    /// assert_eq!(metric.max_series(5).series_limit(), 5);
    /// ```
    pub fn series_limit(&self) -> usize {
        self.max_series
    }
}

/// A tag value as every reporter labels it: strings and atoms as they are, numbers and
/// booleans as written, binaries as hex.
///
/// ```
/// use telemetry_runtime::Value;
/// assert_eq!(telemetry_metrics::tag_label(&Value::U64(42)), "42");
/// assert_eq!(telemetry_metrics::tag_label(&Value::atom("http")), "http");
/// ```
pub fn tag_label(value: &Value<'_>) -> String {
    tags::label(value)
}

/// Attaches `reporter` to every event `metrics` observe, under handler ids
/// `<id>/<event name>`, until the returned [`Attachment`] is dropped.
///
/// A tag whose metadata key the event marks sensitive
/// ([`Event::is_sensitive`](telemetry_runtime::Event::is_sensitive)) reaches the reporter
/// as [`REDACTED`](crate::REDACTED), never with its value: `metrics!` already rejects
/// such tags, and this holds for definitions built by hand too.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use telemetry_metrics::{Kind, Metric, Metrics, Reporter, attach_reporter};
/// use telemetry_runtime::{Name, Value, execute, fields};
///
/// struct Total(AtomicU64);
/// impl Reporter for Total {
///     type Handle = ();
///     fn series(&self, _: &Metric, _: Option<&[Value<'_>]>) {}
///     fn record(&self, _: &Metric, _: &(), value: f64) {
///         self.0.fetch_add(value as u64, Ordering::Relaxed);
///     }
/// }
///
/// let metrics = Metrics::new(vec![Metric::new(
///     Kind::Counter,
///     "exgit.object_store.haves_sent.count",
///     Name::from_static(&["exgit", "object_store", "haves_sent"]),
///     "count",
/// )]);
/// let attached = attach_reporter("doc-external", &metrics, Total(AtomicU64::new(0)))?;
/// execute("exgit.object_store.haves_sent", &fields!(count = 3u64), &fields!(sha = "abc"))?;
/// drop(attached);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn attach_reporter<R: Reporter>(
    id: &str,
    metrics: &Metrics,
    reporter: R,
) -> Result<Attachment, AttachError> {
    let reporter = Arc::new(reporter);
    let mut attachment = Attachment::empty();
    for (event, group) in metrics.by_event() {
        let tracked: Vec<Tracked<R::Handle>> = group
            .into_iter()
            .map(|metric| Tracked {
                series: Series::new(metric.max_series),
                metric,
            })
            .collect();
        let handler_id = HandlerId::from(format!("{id}/{event}"));
        let reporter = Arc::clone(&reporter);
        attach(handler_id.clone(), event, move |event: &Event<'_>| {
            for one in &tracked {
                observe(&*reporter, one, event);
            }
        })?;
        attachment.push(handler_id);
    }
    Ok(attachment)
}

#[inline]
fn observe<R: Reporter>(reporter: &R, tracked: &Tracked<R::Handle>, event: &Event<'_>) {
    let mut tags = TagValues::new();
    let metric = &*tracked.metric;
    let Some(value) = metric.observe(event, &mut tags) else {
        return;
    };
    if metric.tags.iter().any(|(_, key)| event.is_sensitive(key)) {
        tags = redacted(metric, event, &tags);
    }
    tracked.series.with(
        tags.as_slice(),
        |values| reporter.series(metric, values),
        |handle| reporter.record(metric, handle, value),
    );
}

fn redacted<'a>(metric: &Metric, event: &Event<'_>, tags: &TagValues<'a>) -> TagValues<'a> {
    let mut safe = TagValues::new();
    for ((_, key), value) in metric.tags.iter().zip(tags.as_slice()) {
        safe.push(Some(if event.is_sensitive(key) {
            Value::Str(REDACTED)
        } else {
            *value
        }));
    }
    safe
}
