//! Metric definitions sent by the official OTLP/HTTP metric exporter to a loopback
//! receiver that decodes `ExportMetricsServiceRequest` with the official definitions,
//! while the exgit-like and Charon-like workloads run.

mod support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use opentelemetry_proto::tonic::common::v1::KeyValue as ProtoKeyValue;
use opentelemetry_proto::tonic::common::v1::any_value::Value as ProtoValue;
use opentelemetry_proto::tonic::metrics::v1::metric::Data;
use opentelemetry_proto::tonic::metrics::v1::number_data_point::Value as Number;
use opentelemetry_proto::tonic::metrics::v1::{AggregationTemporality, Metric};
use service_like::workload;
use support::Receiver;
use telemetry_opentelemetry::{Config, DROPPED_EVENT, install};

/// Handlers are global: one bridge at a time sees the workloads.
static SERIAL: Mutex<()> = Mutex::new(());

fn labels(attributes: &[ProtoKeyValue]) -> BTreeMap<String, String> {
    attributes
        .iter()
        .map(|kv| {
            let value = match kv.value.as_ref().and_then(|v| v.value.as_ref()) {
                Some(ProtoValue::StringValue(s)) => s.clone(),
                other => panic!("attribute {} is not a string: {other:?}", kv.key),
            };
            (kv.key.clone(), value)
        })
        .collect()
}

fn find<'a>(metrics: &'a [Metric], name: &str) -> &'a Metric {
    metrics
        .iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("no metric {name}"))
}

#[test]
fn metric_definitions_reach_a_collector_as_otlp_protobuf() {
    let _serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    let receiver = Receiver::start();
    let bridge = install(
        Config::new("otlp-metrics")
            .endpoint(&receiver.endpoint)
            .service_name("otlp-metrics-test")
            .metrics(service_like::metrics()),
    )
    .unwrap();
    let durations = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&durations);
    telemetry_runtime::attach("otlp-metrics-durations", "exgit.fs.grep.stop", move |e| {
        let ns = e.measurements().get("duration").and_then(|v| v.as_u64());
        seen.lock().unwrap().extend(ns);
    })
    .unwrap();
    let exgit = workload::exgit(20).unwrap();
    let charon = workload::charon(9).unwrap();
    telemetry_runtime::detach("otlp-metrics-durations").unwrap();
    // Shutdown exports the last values, whatever the export interval.
    assert!(bridge.shutdown(Duration::from_secs(10)));
    assert!(receiver.wait_for(|r| r.metric_exports() >= 1));
    let metrics = receiver.last_metrics();
    assert!(
        receiver
            .metric_service_names()
            .iter()
            .all(|name| name.contains("otlp-metrics-test"))
    );

    let count = find(&metrics, "exgit.fs.grep.stop.count");
    assert_eq!(count.description, "Searches run, by ref.");
    let Some(Data::Sum(sum)) = &count.data else {
        panic!("not a sum: {count:?}");
    };
    assert!(sum.is_monotonic);
    assert_eq!(
        sum.aggregation_temporality,
        AggregationTemporality::Cumulative as i32
    );
    let points: Vec<_> = sum
        .data_points
        .iter()
        .map(|p| (labels(&p.attributes), p.value))
        .collect();
    assert_eq!(
        points,
        [(
            BTreeMap::from([("reference".to_owned(), "HEAD".to_owned())]),
            Some(Number::AsInt(exgit.greps as i64))
        )]
    );

    let duration = find(&metrics, "exgit.fs.grep.stop.duration");
    assert_eq!(duration.unit, "ms");
    let Some(Data::Histogram(histogram)) = &duration.data else {
        panic!("not a histogram: {duration:?}");
    };
    let [point] = histogram.data_points.as_slice() else {
        panic!("one series expected: {histogram:?}");
    };
    assert_eq!(point.explicit_bounds, [0.01, 0.1, 1.0, 10.0, 100.0]);
    assert_eq!(point.count, exgit.greps);
    let millis: Vec<f64> = durations
        .lock()
        .unwrap()
        .iter()
        .map(|ns| *ns as f64 / 1e6)
        .collect();
    let expected: f64 = millis.iter().sum();
    let sum = point.sum.unwrap();
    assert!(
        (sum - expected).abs() <= expected * 1e-9,
        "{sum} vs {expected}"
    );
    assert_eq!(point.bucket_counts.iter().sum::<u64>(), exgit.greps);

    let sessions = find(&metrics, "charon.session.create.count");
    let Some(Data::Sum(sessions)) = &sessions.data else {
        panic!("not a sum");
    };
    let by_type: BTreeMap<_, _> = sessions
        .data_points
        .iter()
        .map(|p| (labels(&p.attributes)["session_type"].clone(), p.value))
        .collect();
    assert_eq!(
        by_type,
        BTreeMap::from([
            (
                "full".to_owned(),
                Some(Number::AsInt(charon.full_sessions as i64))
            ),
            (
                "oauth2".to_owned(),
                Some(Number::AsInt(charon.oauth2_sessions as i64))
            ),
        ])
    );
}

#[test]
fn an_unreachable_collector_loses_metric_points_counted_and_reported_without_stalling() {
    let _serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    let reported = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&reported);
    telemetry_runtime::attach("otlp-metrics-drops", DROPPED_EVENT, move |e| {
        let signal = e.metadata().get("signal").and_then(|v| v.as_atom());
        let count = e.measurements().get("count").and_then(|v| v.as_u64());
        seen.lock().unwrap().push((signal, count));
    })
    .unwrap();
    let bridge = install(
        Config::new("otlp-metrics-down")
            .endpoint(support::unreachable_endpoint())
            .export_timeout(Duration::from_secs(1))
            .metrics(service_like::metrics()),
    )
    .unwrap();
    let counts = workload::exgit(5).unwrap();
    assert_eq!(counts.greps, 5);
    let started = std::time::Instant::now();
    // The last push fails: shutdown says so, within its timeout.
    assert!(!bridge.shutdown(Duration::from_secs(5)));
    assert!(started.elapsed() < Duration::from_secs(8));
    telemetry_runtime::detach("otlp-metrics-drops").unwrap();
    // One point per series: the grep counter, the duration histogram, the summary and
    // the computed sum.
    let dropped = bridge.dropped_metric_points();
    assert_eq!(dropped.export_failed, 4);
    assert_eq!(dropped.total(), 4);
    let reported = reported.lock().unwrap().clone();
    assert_eq!(reported, [(Some("metrics"), Some(4))]);
}
