//! Metric definitions exported through the SDK's in-memory metric exporter while the
//! exgit-like and Charon-like workloads run: what an OpenTelemetry backend would receive.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use opentelemetry_sdk::logs::InMemoryLogExporter;
use opentelemetry_sdk::metrics::InMemoryMetricExporter;
use opentelemetry_sdk::metrics::data::{
    AggregatedMetrics, HistogramDataPoint, Metric, MetricData, ResourceMetrics,
};
use opentelemetry_sdk::trace::InMemorySpanExporter;
use service_like::workload::{self, CharonCounts, ExgitCounts};
use telemetry_metrics::{Kind, Metrics, OVERFLOW_LABEL, REDACTED, SumAs};
use telemetry_opentelemetry::{Config, InstallError, install_with, install_with_metrics};
use telemetry_runtime::{Name, execute_with_sensitive_keys, fields};

/// Handlers are global: one bridge at a time sees the workloads.
static SERIAL: Mutex<()> = Mutex::new(());

struct Exported {
    /// The last export: cumulative values at shutdown.
    last: ResourceMetrics,
    /// Every `exgit.fs.grep.stop` duration, in nanoseconds, as a handler saw it.
    grep_durations: Vec<u64>,
    exgit: ExgitCounts,
    charon: CharonCounts,
}

fn export_while_workloads_run() -> Exported {
    let _serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    let exporter = InMemoryMetricExporter::default();
    let bridge = install_with_metrics(
        Config::new("otel-metrics-mem").metrics(service_like::metrics()),
        InMemorySpanExporter::default(),
        InMemoryLogExporter::default(),
        exporter.clone(),
    )
    .unwrap();
    let durations = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&durations);
    telemetry_runtime::attach("otel-metrics-durations", "exgit.fs.grep.stop", move |e| {
        let ns = e.measurements().get("duration").and_then(|v| v.as_u64());
        seen.lock().unwrap().extend(ns);
    })
    .unwrap();
    let exgit = workload::exgit(25).unwrap();
    let charon = workload::charon(12).unwrap();
    telemetry_runtime::detach("otel-metrics-durations").unwrap();
    assert!(bridge.shutdown(Duration::from_secs(10)));
    let last = exporter.get_finished_metrics().unwrap().pop().unwrap();
    let grep_durations = durations.lock().unwrap().clone();
    Exported {
        last,
        grep_durations,
        exgit,
        charon,
    }
}

fn find<'a>(exported: &'a ResourceMetrics, name: &str) -> &'a Metric {
    exported
        .scope_metrics()
        .flat_map(|s| s.metrics())
        .find(|m| m.name() == name)
        .unwrap_or_else(|| panic!("no metric {name}"))
}

fn attributes<'a>(
    kvs: impl Iterator<Item = &'a opentelemetry::KeyValue>,
) -> BTreeMap<String, String> {
    kvs.map(|kv| (kv.key.to_string(), kv.value.to_string()))
        .collect()
}

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Attributes as `key → value` text.
type Attributes = BTreeMap<String, String>;

/// A `u64` sum's monotonicity and points: attributes and value.
fn u64_sum(metric: &Metric) -> (bool, Vec<(Attributes, u64)>) {
    let AggregatedMetrics::U64(MetricData::Sum(sum)) = metric.data() else {
        panic!("{} is not a u64 sum: {:?}", metric.name(), metric.data());
    };
    let points = sum
        .data_points()
        .map(|p| (attributes(p.attributes()), p.value()))
        .collect();
    (sum.is_monotonic(), points)
}

fn histogram(metric: &Metric) -> &HistogramDataPoint<f64> {
    let AggregatedMetrics::F64(MetricData::Histogram(h)) = metric.data() else {
        panic!("{} is not an f64 histogram", metric.name());
    };
    let points: Vec<_> = h.data_points().collect();
    assert_eq!(points.len(), 1, "{}", metric.name());
    points[0]
}

#[test]
fn a_counter_is_a_monotonic_sum_counting_every_event_with_its_tags_as_attributes() {
    let e = export_while_workloads_run();
    let (monotonic, points) = u64_sum(find(&e.last, "exgit.fs.grep.stop.count"));
    assert!(monotonic);
    assert_eq!(points, [(tags(&[("reference", "HEAD")]), e.exgit.greps)]);
    let (_, sessions) = u64_sum(find(&e.last, "charon.session.create.count"));
    let sessions: BTreeMap<_, _> = sessions.into_iter().collect();
    assert_eq!(
        sessions,
        BTreeMap::from([
            (tags(&[("session_type", "full")]), e.charon.full_sessions),
            (
                tags(&[("session_type", "oauth2")]),
                e.charon.oauth2_sessions
            ),
        ])
    );
}

#[test]
fn a_distribution_is_a_histogram_with_the_definition_buckets_count_and_sum() {
    let e = export_while_workloads_run();
    let metric = find(&e.last, "exgit.fs.grep.stop.duration");
    assert_eq!(metric.unit(), "ms");
    assert_eq!(metric.description(), "How long a search took.");
    let point = histogram(metric);
    let bounds: Vec<f64> = point.bounds().collect();
    assert_eq!(bounds, [0.01, 0.1, 1.0, 10.0, 100.0]);
    assert_eq!(point.count(), e.exgit.greps);
    assert_eq!(e.grep_durations.len() as u64, point.count());
    let millis: Vec<f64> = e.grep_durations.iter().map(|ns| *ns as f64 / 1e6).collect();
    let expected: f64 = millis.iter().sum();
    assert!(
        (point.sum() - expected).abs() <= expected * 1e-9,
        "{} vs {expected}",
        point.sum()
    );
    // OpenTelemetry buckets are (previous bound, bound]; the last one is unbounded.
    let counts: Vec<u64> = point.bucket_counts().collect();
    let mut lower = f64::NEG_INFINITY;
    for (i, upper) in bounds.iter().copied().chain([f64::INFINITY]).enumerate() {
        let inside = millis
            .iter()
            .filter(|x| **x > lower && **x <= upper)
            .count();
        assert_eq!(counts[i], inside as u64, "bucket ({lower}, {upper}]");
        lower = upper;
    }
}

#[test]
fn a_summary_is_a_histogram_counting_its_measurements() {
    let e = export_while_workloads_run();
    let metric = find(&e.last, "exgit.fs.ls.stop.duration");
    assert_eq!(metric.unit(), "us");
    assert_eq!(histogram(metric).count(), e.exgit.listings);
}

#[test]
fn a_sum_of_a_computed_measurement_is_exported_as_its_definition_says_and_adds_up() {
    let e = export_while_workloads_run();
    let definition = service_like::metrics();
    let sum_as = definition
        .get("exgit.fs.grep.stop.files_scanned")
        .unwrap()
        .exported_sum();
    // A computed measurement may be fractional or negative: `metrics!` exports it as a
    // gauge, which OpenTelemetry records as a non-monotonic sum.
    assert_eq!(sum_as, SumAs::Gauge);
    let AggregatedMetrics::F64(MetricData::Sum(sum)) =
        find(&e.last, "exgit.fs.grep.stop.files_scanned").data()
    else {
        panic!("not an f64 sum");
    };
    assert!(!sum.is_monotonic());
    let values: Vec<f64> = sum.data_points().map(|p| p.value()).collect();
    assert_eq!(values, [e.exgit.files_scanned as f64]);
}

#[test]
fn a_sum_as_counter_is_a_monotonic_sum_of_its_measurements() {
    let e = export_while_workloads_run();
    let (monotonic, valid) = u64_sum(find(&e.last, "charon.token.valid.count"));
    assert!(monotonic);
    assert_eq!(
        valid,
        [(
            tags(&[("token_transport", "bearer")]),
            e.charon.valid_tokens
        )]
    );
}

#[test]
fn computed_tag_values_are_the_attributes() {
    let e = export_while_workloads_run();
    let (_, points) = u64_sum(find(&e.last, "charon.token.invalid.count"));
    assert_eq!(
        points,
        [(tags(&[("outcome", "no_session")]), e.charon.invalid_tokens)]
    );
}

/// Runs `metrics` over the events `emit` produces, and returns the last export.
fn export_of(id: &str, metrics: Metrics, emit: impl FnOnce()) -> ResourceMetrics {
    let exporter = InMemoryMetricExporter::default();
    let bridge = install_with_metrics(
        Config::new(id).metrics(metrics),
        InMemorySpanExporter::default(),
        InMemoryLogExporter::default(),
        exporter.clone(),
    )
    .unwrap();
    emit();
    assert!(bridge.shutdown(Duration::from_secs(10)));
    exporter.get_finished_metrics().unwrap().pop().unwrap()
}

const LOGIN: Name<'static> = Name::from_static(&["otelmetricsens", "login", "attempt"]);

#[test]
fn a_sensitive_tag_is_exported_redacted_never_with_its_value() {
    let metric = telemetry_metrics::Metric::new(
        Kind::Counter,
        "otelmetricsens.login.attempt.count",
        LOGIN,
        "count",
    )
    .tags(&[("client", "client"), ("token", "token")]);
    let last = export_of("otel-metrics-sensitive", Metrics::new(vec![metric]), || {
        for token in ["s3cret", "other-s3cret"] {
            execute_with_sensitive_keys(
                "otelmetricsens.login.attempt",
                &fields!(count = 1u64),
                &fields!(client = "cli", token = token),
                &["token"],
            )
            .unwrap();
        }
    });
    let (_, points) = u64_sum(find(&last, "otelmetricsens.login.attempt.count"));
    assert_eq!(
        points,
        [(tags(&[("client", "cli"), ("token", REDACTED)]), 2)]
    );
    assert!(!format!("{last:?}").contains("s3cret"));
}

const GROW: Name<'static> = Name::from_static(&["otelmetricover", "cache", "grow"]);

#[test]
fn tag_sets_past_max_series_share_the_overflow_series() {
    let metric =
        telemetry_metrics::Metric::new(Kind::Sum, "otelmetricover.cache.grow.bytes", GROW, "bytes")
            .tags(&[("key", "key")])
            .max_series(2);
    let last = export_of("otel-metrics-overflow", Metrics::new(vec![metric]), || {
        for key in 0..5u64 {
            telemetry_runtime::execute(
                "otelmetricover.cache.grow",
                &fields!(bytes = 10u64),
                &fields!(key = key),
            )
            .unwrap();
        }
    });
    let (_, points) = u64_sum(find(&last, "otelmetricover.cache.grow.bytes"));
    let points: BTreeMap<_, _> = points.into_iter().collect();
    assert_eq!(
        points,
        BTreeMap::from([
            (tags(&[("key", "0")]), 10),
            (tags(&[("key", "1")]), 10),
            (tags(&[(OVERFLOW_LABEL, "true")]), 30),
        ])
    );
}

const LEVEL: Name<'static> = Name::from_static(&["otelmetriclevel", "pool", "resize"]);

#[test]
fn a_last_value_is_a_gauge_and_a_sum_as_gauge_goes_up_and_down() {
    let last_value = telemetry_metrics::Metric::new(
        Kind::LastValue,
        "otelmetriclevel.pool.resize.size",
        LEVEL,
        "size",
    );
    let delta = telemetry_metrics::Metric::new(
        Kind::Sum,
        "otelmetriclevel.pool.resize.delta",
        LEVEL,
        "delta",
    )
    .sum_as(SumAs::Gauge);
    let last = export_of(
        "otel-metrics-gauges",
        Metrics::new(vec![last_value, delta]),
        || {
            for (size, delta) in [(8u64, 8i64), (4, -4), (6, 2)] {
                telemetry_runtime::execute(
                    "otelmetriclevel.pool.resize",
                    &fields!(size = size, delta = delta),
                    &fields!(),
                )
                .unwrap();
            }
        },
    );
    let AggregatedMetrics::F64(MetricData::Gauge(gauge)) =
        find(&last, "otelmetriclevel.pool.resize.size").data()
    else {
        panic!("not a gauge");
    };
    let values: Vec<f64> = gauge.data_points().map(|p| p.value()).collect();
    assert_eq!(values, [6.0]);
    let AggregatedMetrics::F64(MetricData::Sum(sum)) =
        find(&last, "otelmetriclevel.pool.resize.delta").data()
    else {
        panic!("not a sum");
    };
    assert!(!sum.is_monotonic());
    let values: Vec<f64> = sum.data_points().map(|p| p.value()).collect();
    assert_eq!(values, [6.0]);
}

#[test]
fn metrics_without_a_metric_exporter_are_an_error() {
    let result = install_with(
        Config::new("otel-metrics-no-exporter").metrics(service_like::metrics()),
        InMemorySpanExporter::default(),
        InMemoryLogExporter::default(),
    );
    assert!(matches!(result, Err(InstallError::NoMetricExporter)));
}

const WIDE: Name<'static> = Name::from_static(&["otelmetricwide", "shard", "write"]);

#[test]
fn a_max_series_above_the_sdk_default_keeps_every_tag_set_apart() {
    const SHARDS: u64 = 2_500;
    let metric = telemetry_metrics::Metric::new(
        Kind::Counter,
        "otelmetricwide.shard.write.count",
        WIDE,
        "count",
    )
    .tags(&[("shard", "shard")])
    .max_series(3_000);
    let last = export_of("otel-metrics-wide", Metrics::new(vec![metric]), || {
        for shard in 0..SHARDS {
            telemetry_runtime::execute(
                "otelmetricwide.shard.write",
                &fields!(count = 1u64),
                &fields!(shard = shard),
            )
            .unwrap();
        }
    });
    let (_, points) = u64_sum(find(&last, "otelmetricwide.shard.write.count"));
    assert_eq!(points.len() as u64, SHARDS);
    assert!(points.iter().all(|(attributes, value)| {
        *value == 1 && attributes.len() == 1 && attributes.contains_key("shard")
    }));
}
