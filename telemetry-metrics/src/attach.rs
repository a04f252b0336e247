//! Attaching a reporter's definitions to the runtime: one handler per observed event, so
//! an event reaches only the metrics defined over it without a name lookup.

use std::sync::Arc;

use telemetry_runtime::{AttachError, Event, HandlerId, attach, detach};

use crate::definition::{Metric, Metrics};
use crate::series::Series;
use crate::tags::TagValues;

/// What a reporter does with one metric's observations.
pub(crate) trait Sink: Send + Sync + 'static {
    /// The per-series handle it caches.
    type Handle: Send + Sync + 'static;

    /// Builds the handle of a new series: `values` are its tag values, in the metric's
    /// tag order, or `None` for the overflow series.
    fn series(
        &self,
        metric: &Metric,
        values: Option<&[telemetry_runtime::Value<'_>]>,
    ) -> Self::Handle;

    /// Records one observation.
    fn record(&self, metric: &Metric, handle: &Self::Handle, value: f64);
}

/// One metric in one reporter: its definition and its series.
pub(crate) struct Tracked<H> {
    pub(crate) metric: Arc<Metric>,
    pub(crate) series: Series<H>,
}

/// The handlers of one reporter, detached when this is dropped (or by
/// [`detach`](Attachment::detach)).
#[must_use = "dropping an Attachment detaches its handlers"]
#[derive(Debug)]
pub struct Attachment {
    ids: Vec<HandlerId>,
}

impl Attachment {
    pub(crate) fn empty() -> Self {
        Attachment { ids: Vec::new() }
    }

    pub(crate) fn push(&mut self, id: HandlerId) {
        self.ids.push(id);
    }

    /// Detaches the handlers now.
    pub fn detach(mut self) {
        self.detach_all();
    }

    fn detach_all(&mut self) {
        for id in self.ids.drain(..) {
            // Already detached (by hand, or after a panic) is what we want anyway.
            let _ = detach(id);
        }
    }

    /// The handler ids, one per observed event.
    pub fn handler_ids(&self) -> &[HandlerId] {
        &self.ids
    }
}

impl Drop for Attachment {
    fn drop(&mut self) {
        self.detach_all();
    }
}

/// The tracked metrics of one reporter, and its handlers.
pub(crate) type Attached<H> = (Vec<Arc<Tracked<H>>>, Attachment);

/// Attaches `sink` to every event `metrics` observe, under ids `<id>/<event name>`;
/// returns the tracked metrics (for reading them back) with the attachment.
pub(crate) fn attach_sink<S: Sink>(
    id: &str,
    metrics: &Metrics,
    sink: Arc<S>,
) -> Result<Attached<S::Handle>, AttachError> {
    let mut attachment = Attachment::empty();
    let mut all = Vec::new();
    for (event, group) in metrics.by_event() {
        let tracked: Vec<Arc<Tracked<S::Handle>>> = group
            .into_iter()
            .map(|metric| {
                Arc::new(Tracked {
                    series: Series::new(metric.max_series),
                    metric,
                })
            })
            .collect();
        all.extend(tracked.iter().cloned());
        let handler_id = HandlerId::from(format!("{id}/{event}"));
        let sink = Arc::clone(&sink);
        attach(handler_id.clone(), event, move |event: &Event<'_>| {
            for one in &tracked {
                observe(&*sink, one, event);
            }
        })?;
        attachment.ids.push(handler_id);
    }
    Ok((all, attachment))
}

#[inline]
fn observe<S: Sink>(sink: &S, tracked: &Tracked<S::Handle>, event: &Event<'_>) {
    let mut tags = TagValues::new();
    let metric = &*tracked.metric;
    if let Some(value) = metric.observe(event, &mut tags) {
        tracked.series.with(
            tags.as_slice(),
            |values| sink.series(metric, values),
            |handle| sink.record(metric, handle, value),
        );
    }
}
