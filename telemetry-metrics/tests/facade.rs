//! Definitions recorded through the `metrics` facade's global recorder, as any
//! metrics-rs exporter installs it.

use charon_like::events::SessionType;
use charon_like::session::SessionStore;
use metrics_exporter_prometheus::PrometheusBuilder;

#[test]
fn definitions_reach_the_globally_installed_recorder_with_their_descriptions() {
    let handle = PrometheusBuilder::new().install_recorder().unwrap();
    let definitions = telemetry_metrics::metrics! {
        use charon_like;
        counter("charon.session.create.count", tags = ["session_type"], description = "Sessions created."),
    };
    let attached = telemetry_metrics::record_with_metrics("facade-test", &definitions).unwrap();
    let store = SessionStore::new();
    for user in 0..3 {
        store.create(user, SessionType::Oauth2, 1_000).unwrap();
    }
    drop(attached);
    store.create(9, SessionType::Oauth2, 1_000).unwrap();
    let text = handle.render();
    assert!(
        text.contains("# HELP charon_session_create_count Sessions created."),
        "{text}"
    );
    assert!(
        text.contains("charon_session_create_count{session_type=\"oauth2\"} 3"),
        "{text}"
    );
}
