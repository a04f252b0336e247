//! What the generated code does when nobody listens: it evaluates no `stop!` argument
//! and builds no `emit!` struct. This binary never runs a capture (which listens to
//! everything), so "nobody listens" holds unless a test attaches a handler itself.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use telemetry_runtime::{self as telemetry, stop};

/// Held by the tests that attach to `behaviour.fs.walk`, so that one's handler never
/// makes the span listened to while another counts on nobody listening.
static WALK_LISTENERS: Mutex<()> = Mutex::new(());

#[derive(telemetry::Atom, Clone, Copy)]
enum SessionType {
    Full,
}

#[telemetry::event("behaviour.session.create")]
struct SessionCreate<'a> {
    session_id: &'a str,
    user_id: u64,
    session_type: SessionType,
}

#[telemetry::span("behaviour.fs.walk", reference = "idle")]
fn walk(evaluations: &AtomicUsize) -> usize {
    stop!(
        file_count = {
            evaluations.fetch_add(1, Ordering::SeqCst);
            1u64
        }
    );
    1
}

/// A span whose start metadata counts its evaluations.
#[telemetry::span("behaviour.fs.walk", reference = {
    evaluations.fetch_add(1, Ordering::SeqCst);
    "idle"
})]
fn walk_counting_start(evaluations: &AtomicUsize) -> usize {
    stop!(file_count = 1u64);
    1
}

/// A lazy span whose start metadata and every step's `stop!` count their evaluations.
#[telemetry::span("behaviour.fs.walk", lazy, reference = {
    evaluations.fetch_add(1, Ordering::SeqCst);
    "idle"
})]
fn walk_lazily(
    evaluations: &AtomicUsize,
    files: u64,
) -> Result<impl Iterator<Item = u64> + '_, String> {
    Ok((1..=files).inspect(move |seen| {
        stop!(
            file_count = {
                evaluations.fetch_add(1, Ordering::SeqCst);
                *seen
            }
        );
    }))
}

#[test]
fn a_lazy_span_evaluates_its_metadata_and_stop_arguments_only_when_somebody_listens() {
    let _alone = WALK_LISTENERS.lock().unwrap_or_else(|e| e.into_inner());
    let evaluations = AtomicUsize::new(0);
    assert_eq!(walk_lazily(&evaluations, 3).map(Iterator::count), Ok(3));
    assert_eq!(evaluations.load(Ordering::SeqCst), 0);

    telemetry::attach("idle-lazy-walk", "behaviour.fs.walk.stop", |_| {}).unwrap();
    assert_eq!(walk_lazily(&evaluations, 3).map(Iterator::count), Ok(3));
    telemetry::detach("idle-lazy-walk").unwrap();
    assert_eq!(evaluations.load(Ordering::SeqCst), 1 + 3);
}

#[test]
fn stop_arguments_are_evaluated_only_when_somebody_listens() {
    let _alone = WALK_LISTENERS.lock().unwrap_or_else(|e| e.into_inner());
    let evaluations = AtomicUsize::new(0);
    assert_eq!(walk(&evaluations), 1, "the body runs either way");
    assert_eq!(evaluations.load(Ordering::SeqCst), 0);

    telemetry::attach("idle-walk", "behaviour.fs.walk.stop", |_| {}).unwrap();
    walk(&evaluations);
    telemetry::detach("idle-walk").unwrap();
    assert_eq!(evaluations.load(Ordering::SeqCst), 1);
}

#[test]
fn start_metadata_expressions_are_evaluated_only_when_somebody_listens() {
    let _alone = WALK_LISTENERS.lock().unwrap_or_else(|e| e.into_inner());
    let evaluations = AtomicUsize::new(0);
    assert_eq!(walk_counting_start(&evaluations), 1, "first use");
    assert_eq!(walk_counting_start(&evaluations), 1, "idle");
    assert_eq!(evaluations.load(Ordering::SeqCst), 0);

    telemetry::attach("idle-walk-start", "behaviour.fs.walk.start", |_| {}).unwrap();
    walk_counting_start(&evaluations);
    telemetry::detach("idle-walk-start").unwrap();
    assert_eq!(evaluations.load(Ordering::SeqCst), 1);
}

#[test]
fn emit_builds_the_struct_only_when_somebody_listens() {
    let built = AtomicUsize::new(0);
    let session_id = || {
        built.fetch_add(1, Ordering::SeqCst);
        "s1"
    };
    let emit = || {
        telemetry::emit!(SessionCreate {
            session_id: session_id(),
            user_id: 1,
            session_type: SessionType::Full
        })
    };
    emit();
    assert_eq!(built.load(Ordering::SeqCst), 0);

    telemetry::attach("idle-session", "behaviour.session.create", |_| {}).unwrap();
    emit();
    telemetry::detach("idle-session").unwrap();
    assert_eq!(built.load(Ordering::SeqCst), 1);
}
