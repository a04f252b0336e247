//! Typed events: the trait every `#[event]` struct implements.

use crate::fields::Fields;
use crate::name::Name;
use crate::slot::EventSlot;

/// A standalone event as a Rust type: what `#[event("..")]` implements for a struct.
///
/// Generic code uses it to emit any typed event or to view one as keys and values.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an #[event] struct, so it cannot be emitted as one",
    label = "not an #[event] struct",
    note = "declare it with #[event(\"<name from telemetry.toml>\")] on the struct, whose \
            fields are then checked against that event's keys"
)]
pub trait EventRecord {
    /// The event's name.
    const NAME: Name<'static>;

    /// The event's static slot.
    fn slot() -> &'static EventSlot;

    /// Calls `f` with the measurements and metadata of this value, built on the stack.
    fn with_fields<R>(&self, f: impl FnOnce(Fields<'_>, Fields<'_>) -> R) -> R;

    /// Whether anybody listens: one atomic load.
    #[inline]
    fn enabled() -> bool
    where
        Self: Sized,
    {
        Self::slot().is_enabled()
    }

    /// Emits the event; builds nothing when nobody listens.
    #[inline]
    fn emit(&self) {
        if !Self::slot().is_idle() {
            dispatch_record(self);
        }
    }
}

/// Builds the fields of `record` and calls its handlers if anybody listens: the path of
/// [`EventRecord::emit`] past its idle test, kept out of the emitting function so that an
/// event nobody listens to adds only the slot's load, compare and branch to it (no saved
/// registers, no stack frame for the fields).
#[cold]
#[inline(never)]
fn dispatch_record<R: EventRecord + ?Sized>(record: &R) {
    let slot = R::slot();
    if slot.is_enabled() {
        record.with_fields(|measurements, metadata| slot.dispatch(measurements, metadata));
    }
}

/// What `emit!` calls when its slot is not idle: builds the event (the user's struct
/// literal, evaluated only now) if anybody listens, and dispatches it. Out of line for
/// the reason [`EventRecord::emit`]'s path is.
#[cold]
#[inline(never)]
pub fn emit_lazy<R: EventRecord>(build: impl FnOnce() -> R) {
    let slot = R::slot();
    if slot.is_enabled() {
        let record = build();
        record.with_fields(|measurements, metadata| slot.dispatch(measurements, metadata));
    }
}
