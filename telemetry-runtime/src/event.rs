//! The event a handler receives, and its owned copy.

use crate::context::SpanContext;
use crate::fields::Fields;
use crate::name::{EventName, Name};
use crate::value::OwnedValue;

/// One emitted event, borrowed from the emitting code for the duration of the handler call.
#[derive(Clone, Copy, Debug)]
pub struct Event<'a> {
    name: Name<'a>,
    measurements: Fields<'a>,
    metadata: Fields<'a>,
    span: Option<SpanContext>,
}

impl<'a> Event<'a> {
    /// An event built by hand, e.g. to unit-test a handler.
    pub fn new(name: Name<'a>, measurements: Fields<'a>, metadata: Fields<'a>) -> Self {
        Event {
            name,
            measurements,
            metadata,
            span: None,
        }
    }

    pub(crate) fn with_span(mut self, span: Option<SpanContext>) -> Self {
        self.span = span;
        self
    }

    /// The event's name; span events end in `start`, `stop` or `exception`.
    #[inline]
    pub fn name(&self) -> Name<'a> {
        self.name
    }

    /// The measurements (for span events: `system_time`, `monotonic_time`, `duration`, in
    /// nanoseconds).
    #[inline]
    pub fn measurements(&self) -> Fields<'a> {
        self.measurements
    }

    /// The metadata.
    #[inline]
    pub fn metadata(&self) -> Fields<'a> {
        self.metadata
    }

    /// For span events, the span's identity and its parent's; `None` for standalone events.
    #[inline]
    pub fn span_context(&self) -> Option<SpanContext> {
        self.span
    }

    /// An owned copy, for keeping past the handler call.
    pub fn to_owned_event(&self) -> OwnedEvent {
        OwnedEvent {
            name: self.name.to_event_name(),
            measurements: self.measurements.to_owned_fields(),
            metadata: self.metadata.to_owned_fields(),
            span: self.span,
        }
    }
}

/// An owned copy of an [`Event`], as returned by [`capture`](crate::capture()).
#[derive(Clone, Debug, PartialEq)]
pub struct OwnedEvent {
    name: EventName,
    measurements: Vec<(String, OwnedValue)>,
    metadata: Vec<(String, OwnedValue)>,
    span: Option<SpanContext>,
}

impl OwnedEvent {
    /// The event's name.
    pub fn name(&self) -> &EventName {
        &self.name
    }

    /// The measurements, in emission order.
    pub fn measurements(&self) -> &[(String, OwnedValue)] {
        &self.measurements
    }

    /// The metadata, in emission order.
    pub fn metadata(&self) -> &[(String, OwnedValue)] {
        &self.metadata
    }

    /// One measurement by key.
    pub fn measurement(&self, key: &str) -> Option<&OwnedValue> {
        lookup(&self.measurements, key)
    }

    /// One metadata value by key.
    pub fn meta(&self, key: &str) -> Option<&OwnedValue> {
        lookup(&self.metadata, key)
    }

    /// The measurement keys, in emission order.
    pub fn measurement_keys(&self) -> Vec<&str> {
        self.measurements.iter().map(|(k, _)| k.as_str()).collect()
    }

    /// The metadata keys, in emission order.
    pub fn metadata_keys(&self) -> Vec<&str> {
        self.metadata.iter().map(|(k, _)| k.as_str()).collect()
    }

    /// For span events, the span's identity and its parent's.
    pub fn span_context(&self) -> Option<SpanContext> {
        self.span
    }
}

fn lookup<'a>(fields: &'a [(String, OwnedValue)], key: &str) -> Option<&'a OwnedValue> {
    fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}
