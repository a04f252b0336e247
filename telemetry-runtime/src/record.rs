//! Typed events: the trait every `#[event]` struct implements, how an emitted value
//! reaches its typed handlers as it is, and how they read back an event from elsewhere.

use std::any::Any;
use std::sync::Arc;

use crate::dispatch::{Emission, Origin};
use crate::error::AttachError;
use crate::event::Event;
use crate::fields::Fields;
use crate::handler::{Callbacks, Durability, HandlerId, TypedCallback};
use crate::name::Name;
use crate::registry;
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

    /// A typed handler of this event, as its emitter calls it: with the emitted value
    /// itself, and the measurements. The same type for every lifetime of the struct, so
    /// that the emitter recognises the handlers attached for it.
    type TypedHandler: ?Sized + Send + Sync + 'static + for<'s, 'm> Fn(&'s Self, Fields<'m>);

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
        dispatch_typed(slot, record);
    }
}

/// Dispatches `record` on `slot`: its own typed handlers receive it as it is, and the
/// event is built only if some other handler needs it.
#[inline(always)]
fn dispatch_typed<R: EventRecord + ?Sized>(slot: &'static EventSlot, record: &R) {
    if slot.hints_typed_handlers() {
        // Only the measurements are read here (the metadata beside them is dead code):
        // the event builds its own fields if a handler needs it.
        record.with_fields(|measurements, _| {
            let measurements = slot.marked(measurements);
            slot.dispatch_emission(&Emitted {
                record,
                slot,
                measurements,
            });
        });
    } else {
        record.with_fields(|measurements, metadata| slot.dispatch(measurements, metadata));
    }
}

/// A value being emitted, for its typed handlers.
struct Emitted<'r, R: ?Sized> {
    record: &'r R,
    slot: &'static EventSlot,
    measurements: Fields<'r>,
}

impl<R: EventRecord + ?Sized> Origin for Emitted<'_, R> {
    #[inline]
    fn deliver(&self, typed: &(dyn Any + Send + Sync), measurements: Fields<'_>) -> bool {
        match typed.downcast_ref::<Box<R::TypedHandler>>() {
            Some(handler) => {
                handler(self.record, measurements);
                true
            }
            None => false,
        }
    }
}

impl<R: EventRecord + ?Sized> Emission for Emitted<'_, R> {
    #[inline]
    fn measurements(&self) -> Fields<'_> {
        self.measurements
    }

    #[inline]
    fn with_event(&self, f: &mut dyn FnMut(&Event<'_>)) {
        self.record.with_fields(|measurements, metadata| {
            f(&self.slot.event(measurements, metadata, None));
        });
    }
}

/// What `emit!` calls when its slot is registered and not idle, that is when somebody
/// listens, with the struct literal it evaluated only then.
///
/// Out of line for the reason [`EventRecord::emit`]'s path is. The value comes by value,
/// so that its fields are read where the caller stored them: a closure building it here
/// had them copied out of the caller's frame in wider loads than the caller's stores,
/// which the store buffer cannot forward (a stall on every emission).
#[cold]
#[inline(never)]
pub fn emit_value<R: EventRecord>(record: R) {
    dispatch_typed(R::slot(), &record);
}

/// What `emit!` calls at the first use of its slot: registers the slot, and builds the
/// event (the user's struct literal) and dispatches it only if somebody listens.
#[cold]
#[inline(never)]
pub fn emit_first_use<R: EventRecord>(build: impl FnOnce() -> R) {
    if R::slot().is_enabled() {
        emit_value(build());
    }
}

/// Attaches `handler` to `E`'s event: it receives the event as `E`, and the
/// measurements. An event emitted from an `E` reaches it as that value; one emitted any
/// other way (by name, with the same keys) goes to `read_back`, which reads it back as `E`
/// (the struct's `from_event`) and calls the handler when it reads back (not for other
/// keys or shapes).
///
/// `read_back` is a plain function (what the macro's `attach` passes is a closure that
/// captures nothing), so that the struct needs no trait of its own for reading and the
/// generic code here is instantiated once per struct.
pub fn attach_typed<E: EventRecord + ?Sized>(
    id: impl Into<HandlerId>,
    handler: Box<E::TypedHandler>,
    read_back: fn(&E::TypedHandler, &Event<'_>),
) -> Result<(), AttachError> {
    let handler = Arc::new(handler);
    let typed: TypedCallback = handler.clone();
    let read_back = move |event: &Event<'_>| read_back(&handler, event);
    let callbacks = Callbacks::typed(read_back, typed);
    registry::attach_registration(id.into(), [E::NAME], Durability::DetachOnPanic, callbacks)
        .map(drop)
}
