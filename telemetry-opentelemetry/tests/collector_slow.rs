//! A collector that answers slowly: the queue bounds what waits, the rest is dropped and
//! counted, and what was queued is still delivered.

mod support;

use std::time::Duration;

use telemetry_opentelemetry::{Config, install};
use telemetry_runtime::span;

const SPANS: usize = 300;

#[test]
fn a_slow_collector_bounds_the_queue_and_every_span_is_delivered_or_counted() {
    let receiver = support::Receiver::with_delay(Duration::from_millis(300));
    let bridge = install(
        Config::new("slow")
            .endpoint(&receiver.endpoint)
            .span("slow.work")
            .unwrap()
            .queue_capacity(8)
            .max_batch(4)
            .export_timeout(Duration::from_secs(10)),
    )
    .unwrap();
    for _ in 0..SPANS {
        span("slow.work", &[], || ()).unwrap();
    }
    assert!(bridge.shutdown(Duration::from_secs(60)));
    let dropped = bridge.dropped_spans();
    assert!(dropped.queue_full > 0, "{dropped:?}");
    assert_eq!(dropped.export_failed, 0, "{dropped:?}");
    assert_eq!(
        receiver.spans().len() as u64 + dropped.total(),
        SPANS as u64
    );
}
