//! Test capture: the events one thread emits while a closure runs, as owned values.

use std::cell::RefCell;

use crate::event::{Event, OwnedEvent};
use crate::registry;

thread_local! {
    /// One buffer per `capture` running on this thread, innermost last.
    static SESSIONS: RefCell<Vec<Vec<OwnedEvent>>> = const { RefCell::new(Vec::new()) };
}

/// What [`capture`] returns: the closure's result and the events emitted meanwhile.
#[derive(Debug)]
pub struct Captured<R> {
    /// What the closure returned.
    pub result: R,
    /// Every event the current thread emitted while the closure ran, in order.
    pub events: Vec<OwnedEvent>,
}

impl<R> Captured<R> {
    /// The captured events with this dotted name.
    pub fn named<'s, 'n>(
        &'s self,
        dotted: &'n str,
    ) -> impl Iterator<Item = &'s OwnedEvent> + use<'s, 'n, R> {
        self.events.iter().filter(move |e| e.name() == dotted)
    }

    /// The dotted names of the captured events, in order.
    pub fn names(&self) -> Vec<&str> {
        self.events.iter().map(|e| e.name().as_str()).collect()
    }
}

/// Runs `f` and returns the events the current thread emitted meanwhile, whether or not
/// any handler is attached to them, like `telemetry_test` but isolated: events of other
/// threads (other tests running in parallel) are not captured.
///
/// ```
/// use telemetry_runtime::{capture, execute, fields};
/// let captured = capture(|| {
///     execute("charon.session.create", &fields!(count = 1u64), &fields!(session_id = "s1")).unwrap();
///     std::thread::spawn(|| execute("charon.session.delete", &[], &[]).unwrap()).join().unwrap();
/// });
/// assert_eq!(captured.names(), ["charon.session.create"]);
/// ```
pub fn capture<R>(f: impl FnOnce() -> R) -> Captured<R> {
    let session = Session::begin();
    let result = f();
    let events = session.finish();
    Captured { result, events }
}

struct Session {
    finished: bool,
}

impl Session {
    fn begin() -> Self {
        SESSIONS.with_borrow_mut(|s| s.push(Vec::new()));
        registry::begin_capture(record);
        Session { finished: false }
    }

    fn finish(mut self) -> Vec<OwnedEvent> {
        self.finished = true;
        registry::end_capture();
        SESSIONS.with_borrow_mut(Vec::pop).unwrap_or_default()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if !self.finished {
            registry::end_capture();
            let _ = SESSIONS.try_with(|s| s.borrow_mut().pop());
        }
    }
}

/// Records `event` into every capture running on this thread.
pub(crate) fn record(event: &Event<'_>) {
    let _ = SESSIONS.try_with(|sessions| {
        let Ok(mut sessions) = sessions.try_borrow_mut() else {
            return;
        };
        if sessions.is_empty() {
            return;
        }
        let owned = event.to_owned_event();
        for session in sessions.iter_mut() {
            session.push(owned.clone());
        }
    });
}
