//! A bridge handler that is attached to our runtime only while `tracing` may want what
//! it shows: when every subscriber says "never" to its callsite (`EnvFilter` off, a level
//! above the maximum), the handler is detached and our events go back to costing one
//! atomic load, as with nobody listening.

use std::collections::HashSet;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError};

use telemetry_runtime::{
    AttachError, Durability, Event, EventName, HandlerId, attach_with, detach,
};

type Callback = dyn Fn(&Event<'_>) + Send + Sync + 'static;

/// One handler, attached or detached as its callsite's interest changes.
pub(crate) struct Switch {
    id: HandlerId,
    names: Vec<EventName>,
    callback: Arc<Callback>,
    state: Mutex<State>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Attached,
    Detached,
    /// The bridge was dropped: never attached again.
    Closed,
}

impl Switch {
    /// Attaches the handler (so that a taken id is reported now, whatever the interest).
    pub(crate) fn attach(
        id: HandlerId,
        names: Vec<EventName>,
        callback: Arc<Callback>,
    ) -> Result<Arc<Switch>, AttachError> {
        // The id stays taken while the switch is open, attached or not: a second bridge
        // under the same id is refused even while no subscriber wants the first one.
        if !held_ids().insert(id.clone()) {
            return Err(AttachError::DuplicateId(id));
        }
        let switch = Switch {
            id,
            names,
            callback,
            state: Mutex::new(State::Detached),
        };
        if let Err(error) = switch.attach_now() {
            held_ids().remove(&switch.id);
            return Err(error);
        }
        *switch.lock() = State::Attached;
        Ok(Arc::new(switch))
    }

    /// Attaches the handler when `wanted`, detaches it otherwise.
    pub(crate) fn set(&self, wanted: bool) {
        let mut state = self.lock();
        match (*state, wanted) {
            (State::Detached, true) => {
                // Only fails if someone else took the id meanwhile: then it stays detached.
                *state = match self.attach_now() {
                    Ok(()) => State::Attached,
                    Err(_) => State::Detached,
                };
            }
            (State::Attached, false) => {
                let _ = detach(self.id.clone());
                *state = State::Detached;
            }
            _ => {}
        }
    }

    /// Detaches the handler for good.
    pub(crate) fn close(&self) {
        let mut state = self.lock();
        if *state == State::Attached {
            let _ = detach(self.id.clone());
        }
        if *state != State::Closed {
            held_ids().remove(&self.id);
        }
        *state = State::Closed;
    }

    /// Whether the handler is attached now.
    pub(crate) fn is_attached(&self) -> bool {
        *self.lock() == State::Attached
    }

    pub(crate) fn id(&self) -> &HandlerId {
        &self.id
    }

    fn attach_now(&self) -> Result<(), AttachError> {
        let callback = Arc::clone(&self.callback);
        attach_with(
            self.id.clone(),
            self.names.iter(),
            Durability::Durable,
            move |event| callback(event),
        )
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // Nothing under this lock panics: a poisoned state is still a valid one.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The handler ids of every open switch, whether attached now or not.
fn held_ids() -> MutexGuard<'static, HashSet<HandlerId>> {
    static HELD: LazyLock<Mutex<HashSet<HandlerId>>> = LazyLock::new(Mutex::default);
    // Nothing under this lock panics: a poisoned set is still a valid one.
    HELD.lock().unwrap_or_else(PoisonError::into_inner)
}
