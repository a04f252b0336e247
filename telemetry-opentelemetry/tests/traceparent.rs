//! `traceparent` and `tracestate` across a process boundary: written by one side, read by
//! the other, the trace goes on.

use std::collections::HashMap;

use telemetry_opentelemetry::{TRACEPARENT, TRACESTATE, extract, inject};
use telemetry_runtime::{TraceContext, capture, current_span, span};

#[test]
fn a_traceparent_written_and_read_back_continues_the_same_trace() {
    let mut headers: HashMap<String, String> = HashMap::new();
    // A span has an identity when someone listens: here, a capture.
    let caller = capture(|| {
        span("tp.client.call", &[], || {
            assert!(inject(&mut headers));
            current_span().unwrap()
        })
    })
    .result
    .unwrap();
    let remote = extract(&headers).unwrap().unwrap();
    let callee = capture(|| {
        let _entered = remote.enter();
        span("tp.server.handle", &[], || current_span().unwrap())
    })
    .result
    .unwrap();
    assert_eq!(callee.trace_id(), caller.trace_id());
    assert_eq!(callee.parent(), Some(caller.id()));
    assert!(callee.parent_is_remote());
    assert_eq!(
        headers[TRACEPARENT],
        format!("00-{}-{}-01", caller.trace_id(), caller.id())
    );
}

#[test]
fn a_tracestate_received_is_handed_on() {
    let headers = HashMap::from([
        (
            TRACEPARENT.to_owned(),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned(),
        ),
        (TRACESTATE.to_owned(), "rojo=00f067aa0ba902b7".to_owned()),
    ]);
    let remote = extract(&headers).unwrap().unwrap();
    let mut outgoing: HashMap<String, String> = HashMap::new();
    let forward = capture(|| {
        let _entered = remote.enter();
        span("tp.server.forward", &[], || {
            assert!(inject(&mut outgoing));
            current_span().unwrap()
        })
    })
    .result
    .unwrap();
    assert_eq!(outgoing[TRACESTATE], "rojo=00f067aa0ba902b7");
    assert_eq!(
        outgoing[TRACEPARENT],
        format!("00-4bf92f3577b34da6a3ce929d0e0e4736-{}-01", forward.id())
    );
}

#[test]
fn no_traceparent_means_a_new_trace() {
    let headers: HashMap<String, String> = HashMap::new();
    assert!(extract(&headers).unwrap().is_none());
}

#[test]
fn a_malformed_traceparent_is_an_error() {
    let headers = HashMap::from([(TRACEPARENT.to_owned(), "00-zz-00-01".to_owned())]);
    assert!(extract(&headers).is_err());
}

#[test]
fn nothing_is_written_outside_any_span() {
    let mut headers: HashMap<String, String> = HashMap::new();
    let _entered = TraceContext::empty().enter();
    assert!(!inject(&mut headers));
    assert!(headers.is_empty());
}
