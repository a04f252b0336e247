//! When a detached handler's closure is dropped: dispatch reads the handlers without
//! reference counting, so the registry drops a replaced list only once no dispatch can
//! still use it. These tests pin the documented bound down.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use telemetry_runtime::{EventSlot, attach, detach};

static RECLAIMED: EventSlot = EventSlot::new(&["reclaim", "test", "event"]);

/// The tests of this file attach to one event; one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// Set when the closure that owns it is dropped.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

fn flag() -> (DropFlag, Arc<AtomicBool>) {
    let dropped = Arc::new(AtomicBool::new(false));
    (DropFlag(Arc::clone(&dropped)), dropped)
}

fn emit() {
    RECLAIMED.execute(&[], &[]);
}

#[test]
fn a_detached_closure_is_dropped_before_detach_returns_when_no_dispatch_runs() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (owned, dropped) = flag();
    attach("reclaim-idle", "reclaim.test.event", move |_| {
        let _ = &owned;
    })
    .unwrap();
    emit();
    detach("reclaim-idle").unwrap();
    assert!(dropped.load(Ordering::SeqCst));
}

#[test]
fn a_detached_closure_is_dropped_when_the_dispatch_running_at_detach_ends() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (owned, dropped) = flag();
    let (entered_tx, entered_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let release_rx = Mutex::new(release_rx);
    attach("reclaim-busy", "reclaim.test.event", move |_| {
        let _ = &owned;
        entered_tx.send(()).unwrap();
        release_rx.lock().unwrap().recv().unwrap();
    })
    .unwrap();
    let emitter = std::thread::spawn(emit);
    entered_rx.recv().unwrap();
    detach("reclaim-busy").unwrap();
    assert!(
        !dropped.load(Ordering::SeqCst),
        "dropped while its call was running"
    );
    release_tx.send(()).unwrap();
    emitter.join().unwrap();
    assert!(
        dropped.load(Ordering::SeqCst),
        "kept after the dispatch ended"
    );
}

#[test]
fn a_handler_detaching_itself_is_dropped_when_its_dispatch_ends() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (owned, dropped) = flag();
    let (seen_tx, seen_rx) = mpsc::channel();
    let seen_tx = Mutex::new(seen_tx);
    attach("reclaim-self", "reclaim.test.event", move |_| {
        let _ = &owned;
        detach("reclaim-self").unwrap();
        let still_alive = !owned.0.load(Ordering::SeqCst);
        seen_tx.lock().unwrap().send(still_alive).unwrap();
    })
    .unwrap();
    emit();
    assert!(seen_rx.recv().unwrap(), "dropped during its own call");
    assert!(
        dropped.load(Ordering::SeqCst),
        "kept after its dispatch ended"
    );
}
