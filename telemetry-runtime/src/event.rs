//! The event a handler receives, and its owned copy.

use std::fmt;

use crate::context::SpanContext;
use crate::fields::Fields;
use crate::name::{EventName, Name};
use crate::owned_value::OwnedValue;
use crate::sensitive::MarkedField;
use crate::value::Value;

/// One emitted event, borrowed from the emitting code for the duration of the handler call.
///
/// Its `Debug` form shows sensitive values as `[redacted]` (see [`Event::is_sensitive`]).
#[derive(Clone, Copy)]
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

    /// An event of the span `span` (if any), built in place: an event is some twenty
    /// words, and building it then setting its span copied it twice per dispatch.
    #[inline(always)]
    pub(crate) fn in_span(
        name: Name<'a>,
        measurements: Fields<'a>,
        metadata: Fields<'a>,
        span: Option<SpanContext>,
    ) -> Self {
        Event {
            name,
            measurements,
            metadata,
            span,
        }
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

    /// Whether the value of `key` must not leave the process in clear: the catalogue
    /// marks it `sensitive` (carried by the event's static slot), or the emitter declared
    /// it so ([`execute_with_sensitive_keys`](crate::execute_with_sensitive_keys)).
    /// Reporters, exporters and bridges redact by this flag and keep no list of their own.
    ///
    /// ```
    /// use telemetry_runtime::{fields, Event, Fields, Name};
    /// let metadata = fields!(session_id = "sid-1", user_id = 42u64);
    /// let event = Event::new(
    ///     Name::from_static(&["charon", "session", "create"]),
    ///     Fields::EMPTY,
    ///     Fields::new(&metadata).with_sensitive_keys(&["session_id"]),
    /// );
    /// assert!(event.is_sensitive("session_id"));
    /// assert!(!event.is_sensitive("user_id"));
    /// assert!(!format!("{event:?}").contains("sid-1"));
    /// ```
    #[inline]
    pub fn is_sensitive(&self, key: &str) -> bool {
        self.metadata.is_sensitive(key) || self.measurements.is_sensitive(key)
    }

    /// The metadata in declaration order, each field with its sensitivity.
    pub fn marked_metadata(&self) -> impl Iterator<Item = MarkedField<'a, Value<'a>>> + use<'a> {
        self.metadata.iter_marked()
    }

    /// The measurements in declaration order, each field with its sensitivity.
    pub fn marked_measurements(
        &self,
    ) -> impl Iterator<Item = MarkedField<'a, Value<'a>>> + use<'a> {
        self.measurements.iter_marked()
    }

    /// An owned copy, for keeping past the handler call.
    pub fn to_owned_event(&self) -> OwnedEvent {
        let sensitive = self
            .measurements
            .keys()
            .chain(self.metadata.keys())
            .filter(|key| self.is_sensitive(key))
            .map(str::to_owned)
            .collect();
        OwnedEvent {
            name: self.name.to_event_name(),
            measurements: self.measurements.to_owned_fields(),
            metadata: self.metadata.to_owned_fields(),
            span: self.span,
            sensitive,
        }
    }
}

impl fmt::Debug for Event<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("name", &self.name)
            .field("measurements", &self.measurements)
            .field("metadata", &self.metadata)
            .field("span", &self.span)
            .finish()
    }
}

/// An owned copy of an [`Event`], as returned by [`capture`](crate::capture()).
///
/// It keeps the event's sensitivity: [`OwnedEvent::is_sensitive`] answers as the event
/// did, and `Debug` shows sensitive values as `[redacted]`.
#[derive(Clone, PartialEq)]
pub struct OwnedEvent {
    name: EventName,
    measurements: Vec<(String, OwnedValue)>,
    metadata: Vec<(String, OwnedValue)>,
    span: Option<SpanContext>,
    /// The keys of this event that are sensitive.
    sensitive: Vec<String>,
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

    /// Whether the value of `key` must not leave the process in clear, as the event said
    /// when it was emitted ([`Event::is_sensitive`]).
    pub fn is_sensitive(&self, key: &str) -> bool {
        self.sensitive.iter().any(|k| k == key)
    }

    /// The metadata in emission order, each field with its sensitivity.
    pub fn marked_metadata(&self) -> impl Iterator<Item = MarkedField<'_, &OwnedValue>> {
        self.marked(&self.metadata)
    }

    /// The measurements in emission order, each field with its sensitivity.
    pub fn marked_measurements(&self) -> impl Iterator<Item = MarkedField<'_, &OwnedValue>> {
        self.marked(&self.measurements)
    }

    fn marked<'s>(
        &'s self,
        fields: &'s [(String, OwnedValue)],
    ) -> impl Iterator<Item = MarkedField<'s, &'s OwnedValue>> {
        fields.iter().map(|(key, value)| MarkedField {
            key,
            value,
            sensitive: self.is_sensitive(key),
        })
    }
}

impl fmt::Debug for OwnedEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedEvent")
            .field("name", &self.name)
            .field(
                "measurements",
                &DebugMap(self.marked_measurements().collect()),
            )
            .field("metadata", &DebugMap(self.marked_metadata().collect()))
            .field("span", &self.span)
            .finish()
    }
}

/// Owned fields shown as a map, sensitive values redacted.
struct DebugMap<'a>(Vec<MarkedField<'a, &'a OwnedValue>>);

impl fmt::Debug for DebugMap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|field| (field.key, field.shown())))
            .finish()
    }
}

fn lookup<'a>(fields: &'a [(String, OwnedValue)], key: &str) -> Option<&'a OwnedValue> {
    fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}
