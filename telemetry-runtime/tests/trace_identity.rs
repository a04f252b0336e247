//! Trace identity: every span belongs to a trace inherited from its root, and a trace can
//! come from, and go to, another process as a W3C `traceparent`.

use telemetry_runtime::{
    OwnedEvent, SpanContext, TraceContext, TraceFlags, TraceParent, TraceState, capture,
    current_span, span,
};

const REMOTE: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

fn context_of(events: &[OwnedEvent], name: &str) -> SpanContext {
    events
        .iter()
        .find(|e| e.name() == name)
        .and_then(OwnedEvent::span_context)
        .unwrap_or_else(|| panic!("no span event {name}"))
}

#[test]
fn a_span_with_no_current_span_starts_a_new_sampled_trace() {
    let captured = capture(|| span("ctx.root", &[], || ()).unwrap());
    let root = context_of(&captured.events, "ctx.root.start");
    assert_eq!(root.parent(), None);
    assert!(root.flags().is_sampled());
    assert!(!root.is_remote());
}

#[test]
fn nested_spans_share_the_trace_of_their_root() {
    let captured = capture(|| {
        span("ctx.outer", &[], || {
            span("ctx.middle", &[], || span("ctx.inner", &[], || ()).unwrap()).unwrap()
        })
        .unwrap()
    });
    let outer = context_of(&captured.events, "ctx.outer.start");
    let middle = context_of(&captured.events, "ctx.middle.start");
    let inner = context_of(&captured.events, "ctx.inner.start");
    assert_eq!(middle.parent(), Some(outer.id()));
    assert_eq!(inner.parent(), Some(middle.id()));
    assert_eq!(
        [middle.trace_id(), inner.trace_id()],
        [outer.trace_id(), outer.trace_id()]
    );
}

#[test]
fn two_root_spans_belong_to_different_traces() {
    let captured = capture(|| {
        span("ctx.first", &[], || ()).unwrap();
        span("ctx.second", &[], || ()).unwrap();
    });
    let first = context_of(&captured.events, "ctx.first.start");
    let second = context_of(&captured.events, "ctx.second.start");
    assert_ne!(first.trace_id(), second.trace_id());
    assert_ne!(first.id(), second.id());
}

#[test]
fn a_span_under_a_remote_parent_continues_its_trace() {
    let remote = TraceContext::remote(TraceParent::parse(REMOTE).unwrap());
    let captured = capture(|| {
        let _entered = remote.enter();
        span("ctx.remote_child", &[], || ()).unwrap();
    });
    let child = context_of(&captured.events, "ctx.remote_child.start");
    assert_eq!(
        child.trace_id().to_string(),
        "4bf92f3577b34da6a3ce929d0e0e4736"
    );
    assert_eq!(
        child.parent().map(|p| p.to_string()).as_deref(),
        Some("00f067aa0ba902b7")
    );
    assert!(child.parent_is_remote());
    assert!(!child.is_remote());
}

#[test]
fn an_unsampled_remote_trace_stays_unsampled_in_its_children() {
    let unsampled = REMOTE.replace("-01", "-00");
    let remote = TraceContext::from_headers(&unsampled, None).unwrap();
    let captured = capture(|| {
        let _entered = remote.enter();
        span("ctx.unsampled", &[], || ()).unwrap();
    });
    let child = context_of(&captured.events, "ctx.unsampled.start");
    assert_eq!(child.flags(), TraceFlags::NONE);
}

#[test]
fn the_current_traceparent_names_the_current_span_as_parent() {
    let captured = capture(|| {
        span("ctx.outgoing", &[], || {
            TraceContext::current().traceparent()
        })
        .unwrap()
    });
    let started = context_of(&captured.events, "ctx.outgoing.start");
    let outgoing = captured.result.unwrap();
    assert_eq!(
        outgoing.to_string(),
        format!("00-{}-{}-01", started.trace_id(), started.id())
    );
}

#[test]
fn a_traceparent_written_here_is_read_back_elsewhere() {
    let captured = capture(|| {
        span("ctx.hop", &[], || {
            TraceContext::current().traceparent().unwrap()
        })
        .unwrap()
    });
    let header = captured.result.to_string();
    let received = TraceParent::parse(&header).unwrap();
    assert_eq!(received, captured.result);
}

#[test]
fn the_trace_state_of_a_remote_context_is_handed_on_by_its_descendants() {
    let remote = TraceContext::from_headers(REMOTE, Some("rojo=00f067aa0ba902b7")).unwrap();
    let captured = capture(|| {
        let _entered = remote.enter();
        span("ctx.state", &[], || {
            TraceContext::current().trace_state().cloned()
        })
        .unwrap()
    });
    assert_eq!(
        captured.result,
        Some(TraceState::parse("rojo=00f067aa0ba902b7").unwrap())
    );
}

#[test]
fn an_invalid_trace_state_is_dropped_and_the_traceparent_kept() {
    let remote = TraceContext::from_headers(REMOTE, Some("a=1\nb=2")).unwrap();
    assert!(remote.trace_state().is_none());
    assert_eq!(remote.traceparent().unwrap().to_string(), REMOTE);
}

#[test]
fn an_invalid_traceparent_is_an_error() {
    assert!(TraceContext::from_headers("00-xyz", Some("a=1")).is_err());
}

#[test]
fn leaving_a_remote_context_restores_the_previous_one() {
    let remote = TraceContext::remote(TraceParent::parse(REMOTE).unwrap());
    {
        let _entered = remote.enter();
        assert!(current_span().is_some_and(|s| s.is_remote()));
    }
    assert_eq!(current_span(), None);
    assert!(TraceContext::current().trace_state().is_none());
}

#[test]
fn an_empty_context_makes_the_next_span_a_new_root() {
    let captured = capture(|| {
        span("ctx.parent", &[], || {
            let _entered = TraceContext::empty().enter();
            span("ctx.detached", &[], || ()).unwrap();
        })
        .unwrap()
    });
    let parent = context_of(&captured.events, "ctx.parent.start");
    let detached = context_of(&captured.events, "ctx.detached.start");
    assert_eq!(detached.parent(), None);
    assert_ne!(detached.trace_id(), parent.trace_id());
}

#[test]
fn a_handler_reads_the_trace_state_of_the_span_it_sees_start() {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(None));
    let noted = std::sync::Arc::clone(&seen);
    let remote = TraceContext::from_headers(REMOTE, Some("congo=t61rcWkgMzE")).unwrap();
    telemetry_runtime::with_handler(
        move |_| {
            *noted.lock().unwrap() = TraceContext::current().trace_state().map(|s| s.to_string());
        },
        ["ctx.handler_state.start"],
        || {
            let _entered = remote.enter();
            span("ctx.handler_state", &[], || ()).unwrap();
        },
    )
    .unwrap();
    assert_eq!(seen.lock().unwrap().as_deref(), Some("congo=t61rcWkgMzE"));
}
