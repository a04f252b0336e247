//! Sensitive keys: which values of an event must not leave the process in clear.
//!
//! Sensitivity travels with the event: a catalogued event's static slot declares its
//! sensitive keys once (`EventSlot::with_sensitive_keys(segments, keys)`), a dynamic event
//! declares them with [`execute_with_sensitive_keys`](crate::execute_with_sensitive_keys), and every consumer asks the event
//! ([`Event::is_sensitive`](crate::Event::is_sensitive),
//! [`OwnedEvent::is_sensitive`](crate::OwnedEvent::is_sensitive)) instead of keeping a
//! list of its own. Every `Debug` form of an event shows sensitive values as
//! [`REDACTED`].

use std::fmt;

/// What a sensitive value is shown as.
pub const REDACTED: &str = "[redacted]";

/// One field seen while iterating an event, with whether its key is sensitive.
///
/// `V` is [`Value`](crate::Value) for a live [`Event`](crate::Event) and
/// `&`[`OwnedValue`](crate::OwnedValue) for an [`OwnedEvent`](crate::OwnedEvent).
#[derive(Clone, Copy, PartialEq)]
pub struct MarkedField<'a, V> {
    /// The canonical key.
    pub key: &'a str,
    /// The value, in clear: redact it yourself when `sensitive` (or use [`shown`]).
    ///
    /// [`shown`]: MarkedField::shown
    pub value: V,
    /// Whether the value must be redacted wherever it leaves the process.
    pub sensitive: bool,
}

impl<V: fmt::Display + Copy> MarkedField<'_, V> {
    /// The value as a log line or a report may show it: [`REDACTED`] when sensitive.
    pub fn shown(&self) -> Shown<V> {
        Shown {
            value: self.value,
            sensitive: self.sensitive,
        }
    }
}

/// A field's value, or [`REDACTED`] when the field is sensitive; `Display` and `Debug`
/// write the same.
#[derive(Clone, Copy)]
pub struct Shown<V> {
    value: V,
    sensitive: bool,
}

impl<V: fmt::Display> fmt::Display for Shown<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.sensitive {
            f.write_str(REDACTED)
        } else {
            self.value.fmt(f)
        }
    }
}

impl<V: fmt::Display> fmt::Debug for Shown<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl<V: fmt::Display + Copy> fmt::Debug for MarkedField<'_, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MarkedField")
            .field("key", &self.key)
            .field("value", &self.shown())
            .field("sensitive", &self.sensitive)
            .finish()
    }
}
