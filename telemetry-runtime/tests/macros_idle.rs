//! What the generated code does when nobody listens: it evaluates no `stop!` argument
//! and builds no `emit!` struct. This binary never runs a capture (which listens to
//! everything), so "nobody listens" holds unless a test attaches a handler itself.

use std::sync::atomic::{AtomicUsize, Ordering};

use telemetry_runtime::{self as telemetry, stop};

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

#[test]
fn stop_arguments_are_evaluated_only_when_somebody_listens() {
    let evaluations = AtomicUsize::new(0);
    assert_eq!(walk(&evaluations), 1, "the body runs either way");
    assert_eq!(evaluations.load(Ordering::SeqCst), 0);

    telemetry::attach("idle-walk", "behaviour.fs.walk.stop", |_| {}).unwrap();
    walk(&evaluations);
    telemetry::detach("idle-walk").unwrap();
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
