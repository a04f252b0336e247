//! The two-process example, run for real: its two processes export to a loopback
//! collector, configured by `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_SERVICE_NAME` (the
//! server) and `OTEL_RESOURCE_ATTRIBUTES`, and their spans land in one trace.

mod support;

use std::process::Command;

#[test]
fn the_client_and_server_spans_land_in_one_trace() {
    let receiver = support::Receiver::start();
    let output = Command::new(support::example_binary("two_processes"))
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.endpoint)
        .env_remove("OTEL_SERVICE_NAME")
        .env(
            "OTEL_RESOURCE_ATTRIBUTES",
            "deployment.environment=loopback-test",
        )
        .env_remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(receiver.wait_for(|r| r.spans().len() == 2));
    let spans = receiver.spans();
    let client = spans
        .iter()
        .find(|s| s.name == "twoproc.client.request")
        .unwrap();
    let server = spans
        .iter()
        .find(|s| s.name == "twoproc.server.handle")
        .unwrap();
    assert_eq!(server.trace_id, client.trace_id);
    assert_eq!(server.parent_span_id, client.span_id);
    let names = receiver.service_names();
    assert!(
        names.iter().any(|n| n.contains("two-processes-client")),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n.contains("two-processes-server")),
        "{names:?}"
    );
    let attributes = receiver.resource_attributes();
    assert!(
        attributes
            .iter()
            .filter(|a| a.starts_with("deployment.environment=") && a.contains("loopback-test"))
            .count()
            >= 2,
        "{attributes:?}"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let trace_hex: String = client.trace_id.iter().map(|b| format!("{b:02x}")).collect();
    assert!(stdout.contains(&trace_hex), "{stdout}");
}
