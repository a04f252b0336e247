//! The `exgit_otlp` example (the one the demo points to), run for real against a loopback
//! collector configured by `OTEL_EXPORTER_OTLP_ENDPOINT`: its spans and its metrics arrive.

mod support;

use std::process::Command;

use opentelemetry_proto::tonic::metrics::v1::metric::Data;
use opentelemetry_proto::tonic::metrics::v1::number_data_point::Value as Number;

#[test]
fn the_example_sends_its_spans_and_metrics_to_the_collector() {
    let receiver = support::Receiver::start();
    let output = Command::new(support::example_binary("exgit_otlp"))
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.endpoint)
        .env_remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .env_remove("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT")
        .env_remove("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("(0 spans and 0 events not exported)"),
        "{stdout}"
    );
    assert!(receiver.spans().iter().any(|s| s.name == "exgit.fs.grep"));
    let metrics = receiver.last_metrics();
    let grep_count = metrics
        .iter()
        .find(|m| m.name == "exgit.fs.grep.stop.count")
        .unwrap_or_else(|| panic!("no grep counter in {metrics:?}"));
    let Some(Data::Sum(sum)) = &grep_count.data else {
        panic!("not a sum: {grep_count:?}");
    };
    let total: i64 = sum
        .data_points
        .iter()
        .map(|p| match p.value {
            Some(Number::AsInt(n)) => n,
            other => panic!("{other:?}"),
        })
        .sum();
    // The example greps ten times.
    assert_eq!(total, 10);
}
