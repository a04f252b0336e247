//! Handlers: what is attached, under which id, and how a failing one is treated.

use std::any::Any;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::event::Event;
use crate::name::EventName;

/// A handler's unique id, as given to [`attach`](crate::attach).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HandlerId(Arc<str>);

impl HandlerId {
    /// The id as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for HandlerId {
    fn from(id: &str) -> Self {
        HandlerId(id.into())
    }
}

impl From<String> for HandlerId {
    fn from(id: String) -> Self {
        HandlerId(id.into())
    }
}

impl From<&String> for HandlerId {
    fn from(id: &String) -> Self {
        HandlerId(id.as_str().into())
    }
}

impl fmt::Display for HandlerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for HandlerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HandlerId({:?})", &*self.0)
    }
}

/// What happens to a handler that panics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Durability {
    /// Detached after its first panic, as `:telemetry` does.
    #[default]
    DetachOnPanic,
    /// Stays attached; every panic is still reported as `telemetry.handler.failure`.
    Durable,
}

/// One (handler, event) pair, as listed by [`list_handlers`](crate::list_handlers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandlerInfo {
    /// The handler's id.
    pub id: HandlerId,
    /// One event it is attached to.
    pub event: EventName,
    /// Whether it survives its own panics.
    pub durability: Durability,
}

/// The type-erased handler callback.
pub(crate) type Callback = dyn Fn(&Event<'_>) + Send + Sync + 'static;

/// A typed handler as its event's emitter calls it, with the emitter's own value (see
/// [`EventRecord::TypedHandler`](crate::EventRecord::TypedHandler)); type-erased here, and
/// recognised by the emitter by its type.
pub(crate) type TypedCallback = Arc<dyn Any + Send + Sync>;

/// What a handler is called through: every event reaches `generic`; an event emitted from
/// the typed value `typed` was attached for reaches `typed` instead.
pub(crate) struct Callbacks {
    generic: Box<Callback>,
    typed: Option<TypedCallback>,
}

impl Callbacks {
    pub(crate) fn generic(handler: impl Fn(&Event<'_>) + Send + Sync + 'static) -> Self {
        Callbacks {
            generic: Box::new(handler),
            typed: None,
        }
    }

    pub(crate) fn typed(
        generic: impl Fn(&Event<'_>) + Send + Sync + 'static,
        typed: TypedCallback,
    ) -> Self {
        Callbacks {
            generic: Box::new(generic),
            typed: Some(typed),
        }
    }
}

/// One attached handler, shared by every snapshot of the events it is attached to.
pub(crate) struct Handler {
    pub(crate) id: HandlerId,
    pub(crate) callback: Box<Callback>,
    /// For a typed handler: what its own event's emitter calls instead of `callback`,
    /// without building the struct back from the fields.
    pub(crate) typed: Option<TypedCallback>,
    pub(crate) durability: Durability,
    /// Tells this registration from a later one under the same id.
    pub(crate) serial: u64,
    /// Set once by `detach` or by its own failure; dispatch skips it from then on, even
    /// through a snapshot loaded before.
    detached: AtomicBool,
}

impl Handler {
    pub(crate) fn new(
        id: HandlerId,
        callbacks: Callbacks,
        durability: Durability,
        serial: u64,
    ) -> Self {
        Handler {
            id,
            callback: callbacks.generic,
            typed: callbacks.typed,
            durability,
            serial,
            detached: AtomicBool::new(false),
        }
    }

    #[inline]
    pub(crate) fn is_detached(&self) -> bool {
        self.detached.load(Ordering::Acquire)
    }

    /// Marks the handler detached; returns whether it was attached until now.
    pub(crate) fn mark_detached(&self) -> bool {
        !self.detached.swap(true, Ordering::AcqRel)
    }
}
