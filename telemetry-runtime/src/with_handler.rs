//! A handler attached for the length of one closure.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::AttachError;
use crate::event::Event;
use crate::handler::{Callbacks, Durability, HandlerId};
use crate::name::IntoName;
use crate::registry;

/// Attaches `handler` to `events` while `f` runs, and detaches it afterwards, also when
/// `f` panics. Returns what `f` returns.
///
/// Only this registration is detached at the end: if the handler panicked and was
/// detached meanwhile and its id was attached again, that new handler stays. With no
/// events at all, nothing is attached and `f` simply runs (unlike
/// [`attach_many`](crate::attach_many), for which no events is an error): a catalogue
/// without spans hands its scoped helper an empty list.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
/// use telemetry_runtime::{execute, with_handler};
/// let seen = Arc::new(AtomicUsize::new(0));
/// let counter = Arc::clone(&seen);
/// let answer = with_handler(
///     move |_| { counter.fetch_add(1, Ordering::Relaxed); },
///     ["exgit.pack.parse.stop"],
///     || { execute("exgit.pack.parse.stop", &[], &[]).unwrap(); 42 },
/// )?;
/// assert_eq!((answer, seen.load(Ordering::Relaxed)), (42, 1));
/// execute("exgit.pack.parse.stop", &[], &[])?; // detached by now
/// assert_eq!(seen.load(Ordering::Relaxed), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn with_handler<'n, N, F, R>(
    handler: F,
    events: impl IntoIterator<Item = N>,
    f: impl FnOnce() -> R,
) -> Result<R, AttachError>
where
    N: IntoName<'n>,
    F: Fn(&Event<'_>) + Send + Sync + 'static,
{
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let id = HandlerId::from(format!(
        "telemetry.with_handler#{}",
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let events: Vec<N> = events.into_iter().collect();
    if events.is_empty() {
        return Ok(f());
    }
    let serial = registry::attach_registration(
        id,
        events,
        Durability::DetachOnPanic,
        Callbacks::generic(handler),
    )?;
    struct DetachOnDrop(u64);
    impl Drop for DetachOnDrop {
        fn drop(&mut self) {
            registry::detach_registration(self.0);
        }
    }
    let _detach = DetachOnDrop(serial);
    Ok(f())
}
