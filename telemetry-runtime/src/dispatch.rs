//! Calling handlers: the snapshot an emitter loads, panic isolation, failure events, and
//! `execute` for names known only at run time.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::capture;
use crate::event::Event;
use crate::fields::{Field, Fields};
use crate::handler::{Durability, Entry};
use crate::name::{IntoName, NameError};
use crate::registry;
use crate::slot::EventSlot;
use crate::value::Value;

/// The name of the event reported when a handler panics.
pub const HANDLER_FAILURE: &[&str] = &["telemetry", "handler", "failure"];

static FAILURE: EventSlot = EventSlot::new(HANDLER_FAILURE);

/// The handlers of one event at one moment; immutable once published.
pub(crate) struct Snapshot {
    handlers: Box<[Entry]>,
    /// Whether some thread runs a [`capture`](crate::capture()) and may want this event.
    capture: bool,
}

impl Snapshot {
    pub(crate) fn new(handlers: Vec<Entry>, capture: bool) -> Self {
        Snapshot {
            handlers: handlers.into_boxed_slice(),
            capture,
        }
    }

    #[inline]
    pub(crate) fn dispatch(&self, event: &Event<'_>) {
        if self.capture {
            capture::record(event);
        }
        for entry in self.handlers.iter() {
            if let Err(payload) = catch_unwind(AssertUnwindSafe(|| (entry.callback)(event))) {
                report_failure(entry, event, payload);
            }
        }
    }
}

/// The text of a panic, as `reason` of failure and exception events.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "panic with a non-string payload"
    }
}

#[cold]
#[inline(never)]
fn report_failure(entry: &Entry, event: &Event<'_>, payload: Box<dyn Any + Send>) {
    if entry.durability == Durability::DetachOnPanic {
        registry::detach_failed(&entry.id, &entry.callback);
    }
    // A failing handler of the failure event itself is not reported again: a durable one
    // would otherwise report its own failures forever.
    if event.name() == FAILURE.name() {
        return;
    }
    let event_name = event.name().to_string();
    FAILURE.execute(
        &[],
        &crate::fields!(
            handler_id = entry.id.as_str(),
            event_name = event_name.as_str(),
            kind = Value::atom("panic"),
            reason = panic_message(&*payload),
        ),
    );
}

/// Emits an event by name, for names known only at run time.
///
/// Events declared in a catalogue are emitted through their typed emitters instead, which
/// skip the name lookup. When nothing at all listens, this costs validating the name and
/// one atomic load; it never allocates.
///
/// ```
/// use telemetry_runtime::{capture, execute, fields, NameError, Value};
/// let captured = capture(|| {
///     execute(
///         "exgit.security.ref_rejected",
///         &fields!(count = 1u64),
///         &fields!(source = "https://example.com/repo.git", "ref" = "refs/heads/../x"),
///     )
/// });
/// assert!(captured.result.is_ok());
/// assert_eq!(captured.events[0].meta("ref").and_then(|v| v.as_str()), Some("refs/heads/../x"));
/// assert!(matches!(execute("Exgit.Bad", &[], &[]), Err(NameError::InvalidCharacter { .. })));
/// ```
pub fn execute<'n>(
    name: impl IntoName<'n>,
    measurements: &[Field<'_>],
    metadata: &[Field<'_>],
) -> Result<(), NameError> {
    let name = name.into_name()?;
    registry::dispatch_dynamic(name, Fields::new(measurements), Fields::new(metadata), None);
    Ok(())
}
