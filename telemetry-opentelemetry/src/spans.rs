//! One of our finished spans as an OpenTelemetry `SpanData`, with our ids and our times.

use std::borrow::Cow;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use opentelemetry::trace::{
    self, SpanContext as OtelSpanContext, SpanKind, Status, TraceFlags, TraceState,
};
use opentelemetry::{InstrumentationScope, KeyValue};
use opentelemetry_sdk::trace::{SpanData, SpanEvents, SpanLinks};
use telemetry_runtime::{Event, Phase, SpanContext};

use crate::attributes::{REDACTED, key_values};

/// How one span ended.
pub(crate) struct Ending<'e, 'a> {
    pub(crate) event: &'e Event<'a>,
    pub(crate) context: SpanContext,
    pub(crate) start_system_time: u64,
}

/// Builds the exported span. The start time is the start event's `system_time`, the end
/// time that plus the stop (or exception) event's `duration`: no clock is read here.
pub(crate) fn span_data(
    ending: &Ending<'_, '_>,
    scope: &InstrumentationScope,
    trace_state: TraceState,
) -> SpanData {
    let event = ending.event;
    let start_time = unix_nanos(ending.start_system_time);
    let duration = event
        .measurements()
        .get("duration")
        .and_then(|d| d.as_u64())
        .unwrap_or(0);
    let end_time = start_time + Duration::from_nanos(duration);
    let metadata = event.metadata();
    let attributes = key_values(metadata.iter(), |key| event.is_sensitive(key));
    let (status, events) = if event.name().phase() == Some(Phase::Exception) {
        let text = |key: &str| {
            if event.is_sensitive(key) {
                REDACTED.to_owned()
            } else {
                metadata
                    .get(key)
                    .map_or_else(String::new, |v| match v.as_atom() {
                        Some(atom) => atom.to_owned(),
                        None => v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                    })
            }
        };
        let (kind, reason) = (text("kind"), text("reason"));
        let exception = trace::Event::new(
            "exception",
            end_time,
            vec![
                KeyValue::new("exception.type", kind.clone()),
                KeyValue::new("exception.message", reason.clone()),
                KeyValue::new("kind", kind),
                KeyValue::new("reason", reason.clone()),
            ],
            0,
        );
        let mut events = SpanEvents::default();
        events.events.push(exception);
        (Status::error(reason), events)
    } else {
        (Status::Unset, SpanEvents::default())
    };
    let context = ending.context;
    let parent = context.parent().map_or(trace::SpanId::INVALID, |p| {
        trace::SpanId::from_bytes(p.to_bytes())
    });
    SpanData {
        span_context: OtelSpanContext::new(
            trace::TraceId::from_bytes(context.trace_id().to_bytes()),
            trace::SpanId::from_bytes(context.id().to_bytes()),
            TraceFlags::SAMPLED,
            false,
            trace_state,
        ),
        parent_span_id: parent,
        parent_span_is_remote: context.parent_is_remote(),
        span_kind: SpanKind::Internal,
        name: Cow::Owned(
            event
                .name()
                .span_prefix()
                .map_or_else(|| event.name().to_string(), |p| p.to_string()),
        ),
        start_time,
        end_time,
        attributes,
        dropped_attributes_count: 0,
        events,
        links: SpanLinks::default(),
        status,
        instrumentation_scope: scope.clone(),
    }
}

pub(crate) fn unix_nanos(nanos: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_nanos(nanos)
}
