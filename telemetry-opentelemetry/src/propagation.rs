//! Trace context across processes: W3C `traceparent` and `tracestate` read from incoming
//! headers and written into outgoing ones.
//!
//! The carriers are OpenTelemetry's [`Extractor`] and [`Injector`]: a
//! `HashMap<String, String>` works as is, and so does every carrier an OpenTelemetry
//! integration already provides (HTTP header maps, gRPC metadata).

use opentelemetry::propagation::{Extractor, Injector};
use telemetry_runtime::{TraceContext, TraceParentError};

/// The W3C header that names the trace and the parent span.
pub const TRACEPARENT: &str = "traceparent";
/// The W3C header that carries vendor trace state along.
pub const TRACESTATE: &str = "tracestate";

/// The remote context that incoming headers describe: spans started while it is entered
/// continue the caller's trace, as children of the caller's span, and are exported with
/// the caller's `tracestate`.
///
/// `Ok(None)` when there is no `traceparent` (start a new trace); an `Err` when there is
/// one but it is malformed (W3C asks to start a new trace then too: the error says why).
/// Several `tracestate` headers are joined, in order, as W3C Trace Context specifies.
///
/// ```
/// use std::collections::HashMap;
/// use telemetry_opentelemetry::extract;
/// let headers = HashMap::from([(
///     "traceparent".to_owned(),
///     "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned(),
/// )]);
/// let remote = extract(&headers)?.expect("a traceparent was sent");
/// let _entered = remote.enter();
/// let child = telemetry_runtime::span("charon.session.create", &[], || {
///     telemetry_runtime::current_span().unwrap()
/// })?;
/// # let _ = child;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn extract(carrier: &dyn Extractor) -> Result<Option<TraceContext>, TraceParentError> {
    let Some(traceparent) = carrier.get(TRACEPARENT) else {
        return Ok(None);
    };
    let tracestate = carrier.get_all(TRACESTATE).map(|values| values.join(","));
    TraceContext::from_headers(traceparent.trim(), tracestate.as_deref()).map(Some)
}

/// Writes the current span's `traceparent` (and the trace state it carries) into
/// outgoing headers; `false`, writing nothing, when no span is current.
///
/// ```
/// use std::collections::HashMap;
/// use telemetry_opentelemetry::inject;
/// let mut headers = HashMap::new();
/// telemetry_runtime::span("charon.session.create", &[], || inject(&mut headers))?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn inject(carrier: &mut dyn Injector) -> bool {
    inject_context(&TraceContext::current(), carrier)
}

/// Writes `context`'s `traceparent` and `tracestate` into outgoing headers; `false`,
/// writing nothing, when it has no span.
pub fn inject_context(context: &TraceContext, carrier: &mut dyn Injector) -> bool {
    let Some(parent) = context.traceparent() else {
        return false;
    };
    carrier.set(TRACEPARENT, parent.to_string());
    if let Some(state) = context.trace_state() {
        carrier.set(TRACESTATE, state.as_str().to_owned());
    }
    true
}
