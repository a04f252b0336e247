//! A `#[span]` function makes its span current while its body runs and leaves exactly the
//! context it found when it ends, by returning or by panicking: the same span, parent,
//! flags and remote markers, under a local or a remote parent.

use std::panic::{AssertUnwindSafe, catch_unwind};

use telemetry_runtime::{
    self as telemetry, SpanContext, TraceContext, TraceParent, capture, current_span,
};

mod catalogue {
    telemetry_runtime::catalog!();
}

const REMOTE: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";

/// Runs `inner` inside a span, returning the context current inside it and the one
/// current right after it returned.
#[telemetry::span("behaviour.store.get")]
fn outer(sha: &str) -> (SpanContext, Option<SpanContext>) {
    let own = current_span().expect("the span is current in its body");
    let inner_own = inner(sha);
    assert_eq!(inner_own.parent(), Some(own.id()));
    (own, current_span())
}

#[telemetry::span("behaviour.store.get")]
fn inner(sha: &str) -> SpanContext {
    current_span().expect("the span is current in its body")
}

#[telemetry::span("behaviour.store.get")]
fn failing(sha: &str) {
    panic!("the body fails");
}

#[test]
fn a_nested_span_function_restores_its_parent_span_exactly() {
    let captured = capture(|| outer("a1"));
    let (outer_own, after_inner) = captured.result;
    assert_eq!(after_inner, Some(outer_own));
    assert_eq!(outer_own.parent(), None);
}

#[test]
fn a_root_span_function_leaves_no_current_span() {
    let captured = capture(|| {
        let _ = inner("a2");
        current_span()
    });
    assert_eq!(captured.result, None);
}

#[test]
fn a_span_function_under_a_remote_parent_restores_the_remote_context_exactly() {
    let remote = TraceContext::remote(TraceParent::parse(REMOTE).unwrap());
    let captured = capture(|| {
        let _entered = remote.enter();
        let before = current_span();
        let (outer_own, after_inner) = outer("a3");
        (before, outer_own, after_inner, current_span())
    });
    let (before, outer_own, after_inner, after) = captured.result;
    let before = before.expect("the remote context is current");
    assert!(before.is_remote());
    assert_eq!(after, Some(before));
    assert_eq!(after_inner, Some(outer_own));
    assert!(outer_own.parent_is_remote() && !outer_own.is_remote());
    assert_eq!(outer_own.trace_id(), before.trace_id());
    assert_eq!(outer_own.flags(), before.flags());
}

#[test]
fn a_span_function_that_panics_restores_its_parent_span_exactly() {
    let remote = TraceContext::remote(TraceParent::parse(REMOTE).unwrap());
    let captured = capture(|| {
        let _entered = remote.enter();
        let before = current_span();
        let outcome = catch_unwind(AssertUnwindSafe(|| failing("a4")));
        (before, outcome.is_err(), current_span())
    });
    let (before, panicked, after) = captured.result;
    assert!(panicked);
    assert!(before.is_some());
    assert_eq!(after, before);
}
