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
        let slot = Self::slot();
        if slot.is_enabled() {
            self.with_fields(|measurements, metadata| slot.dispatch(measurements, metadata));
        }
    }
}
