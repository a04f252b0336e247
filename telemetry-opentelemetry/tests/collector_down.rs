//! A collector that is not there: the emitter goes on, every lost span is counted, and
//! the losses are reported as our own event. (A binary of its own: the drop event is
//! process-wide.)

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use telemetry_opentelemetry::{Config, DROPPED_EVENT, install};
use telemetry_runtime::{attach, span};

const SPANS: u64 = 500;

#[test]
fn spans_for_an_unreachable_collector_are_counted_and_reported_as_dropped() {
    let reported = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&reported);
    attach("down-drops", DROPPED_EVENT, move |event| {
        let count = event
            .measurements()
            .get("count")
            .and_then(|c| c.as_u64())
            .unwrap();
        let signal = event
            .metadata()
            .get("signal")
            .and_then(|s| s.as_atom())
            .unwrap();
        let reason = event
            .metadata()
            .get("reason")
            .and_then(|r| r.as_atom())
            .unwrap();
        sink.lock().unwrap().push((signal, reason, count));
    })
    .unwrap();
    let bridge = install(
        Config::new("down")
            .endpoint(support::unreachable_endpoint())
            .span("down.work")
            .unwrap()
            .queue_capacity(16)
            .max_batch(8)
            .export_timeout(Duration::from_secs(2)),
    )
    .unwrap();
    for _ in 0..SPANS {
        span("down.work", &[], || ()).unwrap();
    }
    assert!(bridge.shutdown(Duration::from_secs(60)));
    let dropped = bridge.dropped_spans();
    // Every span is lost: some because the queue was full, the others because their
    // export failed. None was waited for.
    assert_eq!(dropped.total(), SPANS);
    assert!(dropped.export_failed > 0);
    let reported: u64 = reported
        .lock()
        .unwrap()
        .iter()
        .filter(|(signal, _, _)| *signal == "spans")
        .map(|(_, _, count)| count)
        .sum();
    assert_eq!(reported, SPANS);
}
