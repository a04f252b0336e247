//! Model check of the slot protocol under every interleaving loom explores: a slot's
//! first use (queue itself, then read the index and the capture count) against the
//! registry publishing handlers and adopting queued slots, and against a capture
//! starting. After every run, the slot's state must be what the registry last published:
//! no lost handlers, no lost capture, no stale handlers after a detach.
//!
//! The slot's state byte is the runtime's own source (`src/interest.rs`), compiled here
//! against loom's atomics; the registry's side is modelled with the same order of steps
//! as `registry.rs` (publish, fence, drain, adopt). Run by `.ci/loom.sh`.
#![cfg(telemetry_loom)]

mod sync {
    pub(crate) use loom::sync::atomic::{AtomicU8, Ordering};
}

#[path = "../src/interest.rs"]
#[allow(dead_code, unreachable_pub)]
mod interest;

use interest::{CAPTURE, HANDLERS, Interest};
use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering, fence};
use loom::sync::{Arc, Mutex};
use loom::thread;

/// The registry's side, reduced to one event with one static slot.
struct World {
    slot: Interest,
    /// The index: whether the event has handlers.
    index: AtomicBool,
    /// How many captures run.
    captures: AtomicUsize,
    /// Slots first used, not adopted yet.
    queue: Mutex<Vec<()>>,
    registry: Mutex<Registry>,
}

#[derive(Default)]
struct Registry {
    adopted: bool,
    handlers: bool,
    capture_on: bool,
}

impl World {
    fn new() -> Arc<Self> {
        Arc::new(World {
            slot: Interest::new(sync::AtomicU8::new(0)),
            index: AtomicBool::new(false),
            captures: AtomicUsize::new(0),
            queue: Mutex::new(Vec::new()),
            registry: Mutex::new(Registry::default()),
        })
    }

    /// `EventSlot::is_enabled` with its first use, as `slot.rs` does it.
    fn is_enabled(&self) -> bool {
        self.slot.get(|| {
            self.queue.lock().unwrap().push(());
            fence(Ordering::SeqCst);
            let mut reasons = 0;
            if self.index.load(Ordering::SeqCst) {
                reasons |= HANDLERS;
            }
            if self.captures.load(Ordering::SeqCst) != 0 {
                reasons |= CAPTURE;
            }
            reasons
        })
    }

    /// Releasing the registry's lock: fence, then adopt what was queued.
    fn adopt(&self, registry: &mut Registry) {
        fence(Ordering::SeqCst);
        if !std::mem::take(&mut *self.queue.lock().unwrap()).is_empty() {
            registry.adopted = true;
            self.slot.set(HANDLERS, registry.handlers);
            self.slot.set(CAPTURE, registry.capture_on);
        }
    }

    /// Attach (`true`) or detach (`false`) the event's only handler.
    fn set_handlers(&self, on: bool) {
        let mut registry = self.registry.lock().unwrap();
        registry.handlers = on;
        self.index.store(on, Ordering::SeqCst);
        if registry.adopted {
            self.slot.set(HANDLERS, on);
        }
        self.adopt(&mut registry);
    }

    fn begin_capture(&self) {
        self.captures.fetch_add(1, Ordering::SeqCst);
        let mut registry = self.registry.lock().unwrap();
        self.adopt(&mut registry);
        if !registry.capture_on {
            registry.capture_on = true;
            if registry.adopted {
                self.slot.set(CAPTURE, true);
            }
        }
    }
}

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    builder.check(f);
}

#[test]
fn a_slot_first_used_during_an_attach_ends_up_enabled() {
    model(|| {
        let world = World::new();
        let w = Arc::clone(&world);
        let attacher = thread::spawn(move || w.set_handlers(true));
        let first_use = world.is_enabled();
        attacher.join().unwrap();
        let _ = first_use;
        assert!(world.is_enabled(), "the attach was lost");
        assert!(world.slot.has(HANDLERS));
    });
}

#[test]
fn a_slot_first_used_during_attach_then_detach_ends_up_idle() {
    model(|| {
        let world = World::new();
        let w = Arc::clone(&world);
        let registry = thread::spawn(move || {
            w.set_handlers(true);
            w.set_handlers(false);
        });
        world.is_enabled();
        registry.join().unwrap();
        assert!(
            !world.slot.has(HANDLERS),
            "a detached handler stayed published"
        );
    });
}

#[test]
fn a_slot_first_used_while_a_capture_starts_is_enabled_once_it_started() {
    model(|| {
        let world = World::new();
        let w = Arc::clone(&world);
        let capture = thread::spawn(move || w.begin_capture());
        world.is_enabled();
        capture.join().unwrap();
        assert!(world.is_enabled(), "the running capture was lost");
    });
}

#[test]
fn two_first_uses_and_an_attach_agree() {
    model(|| {
        let world = World::new();
        let w1 = Arc::clone(&world);
        let w2 = Arc::clone(&world);
        let other = thread::spawn(move || w1.is_enabled());
        let attacher = thread::spawn(move || w2.set_handlers(true));
        world.is_enabled();
        other.join().unwrap();
        attacher.join().unwrap();
        assert!(world.is_enabled());
    });
}
