//! Once a tag set has been seen, an event observed by metric definitions and recorded
//! through the `metrics` facade allocates nothing: no label string, no key, no lookup by
//! name. A counting global allocator counts the current thread's allocations only.
//! (Histograms are left out: the Prometheus recorder's sample buffer allocates a block
//! every few dozen samples, which is its storage, not the definition layer.)

use std::sync::Arc;

use charon_like::events::{SessionCreate, SessionType};
use metrics_exporter_prometheus::PrometheusBuilder;
use telemetry_runtime::emit;

#[path = "../../tests/test-support/counting_allocator.rs"]
mod counting_allocator;

use counting_allocator::{CountingAllocator, allocations_during};

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn create(kind: SessionType) {
    emit!(SessionCreate {
        session_id: "sid-1",
        user_id: 7,
        session_type: kind,
    });
}

#[test]
fn a_repeated_tag_set_is_recorded_without_allocating() {
    let definitions = telemetry_metrics::metrics! {
        use charon_like;
        counter("charon.session.create.count", tags = ["session_type"]),
        sum("charon.session.create.total", event_name = "charon.session.create", measurement = "count"),
        last_value("charon.session.create.user", event_name = "charon.session.create",
            measurement = |_, metadata| metadata.get("user_id").and_then(|v| v.as_f64()),
            tags = ["session_type"]),
    };
    let recorder = Arc::new(PrometheusBuilder::new().build_recorder());
    let handle = recorder.handle();
    let attached = telemetry_metrics::record_into("allocations", &definitions, recorder).unwrap();
    // The first event of each tag set builds its series.
    assert!(allocations_during(|| create(SessionType::Full)) > 0);
    create(SessionType::Oauth2);
    let repeated = allocations_during(|| {
        for _ in 0..100 {
            create(SessionType::Full);
            create(SessionType::Oauth2);
        }
    });
    drop(attached);
    assert_eq!(repeated, 0);
    let text = handle.render();
    assert!(
        text.contains("charon_session_create_count{session_type=\"full\"} 101"),
        "{text}"
    );
}
