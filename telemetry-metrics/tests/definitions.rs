//! Every option of a definition, on events the conformance libraries emit, read back
//! through the console reporter's metric values.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use charon_like::events::SessionType;
use charon_like::session::SessionStore;
use charon_like::token::{Claims, Conn, Pipeline, Signer};
use telemetry_metrics::{
    ConsoleReporter, Kind, MetricValue, Metrics, OVERFLOW_LABEL, Reading, SumAs, Unit, metrics,
};
use telemetry_runtime::Value;

/// Handlers are global: one test at a time emits and observes.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `workload` with `metrics` attached to a console reporter; returns their values.
fn observe(metrics: Metrics, workload: impl FnOnce()) -> Vec<MetricValue> {
    let reporter = ConsoleReporter::new().with_metrics(Arc::new(metrics));
    reporter
        .attach("definitions-test", [] as [&str; 0])
        .unwrap();
    workload();
    reporter.detach();
    reporter.report().metrics
}

fn reading<'a>(
    values: &'a [MetricValue],
    name: &str,
    tags: &[(&str, &str)],
) -> Option<&'a Reading> {
    values
        .iter()
        .find(|v| {
            v.name == name
                && v.tags.len() == tags.len()
                && tags
                    .iter()
                    .all(|(k, t)| v.tags.iter().any(|(k2, t2)| k2 == k && t2 == t))
        })
        .map(|v| &v.reading)
}

fn sessions(users: u64) {
    let store = SessionStore::new();
    for user in 0..users {
        let kind = if user % 2 == 0 {
            SessionType::Full
        } else {
            SessionType::Oauth2
        };
        store.create(user, kind, 1_000).unwrap();
    }
}

/// One valid token, one forged (no payload), one expired (a payload, user 7).
fn tokens() {
    let store = SessionStore::new();
    let pipeline = Pipeline {
        signer: Signer::new("secret"),
        store: &store,
    };
    let session = store.create(7, SessionType::Full, 1_000).unwrap();
    let claims = Claims::access(&session, 5_000);
    let token = pipeline.signer.sign(&claims);
    pipeline.call(Conn::bearer(&token), 2_000);
    pipeline.call(Conn::bearer(&Signer::new("forged").sign(&claims)), 2_000);
    pipeline.call(Conn::bearer(&token), 9_000);
}

fn durations_of(event: &'static str, workload: impl FnOnce()) -> Vec<u64> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    telemetry_runtime::attach("definitions-durations", event, move |e| {
        let ns = e.measurements().get("duration").and_then(|v| v.as_u64());
        sink.lock().unwrap().extend(ns);
    })
    .unwrap();
    workload();
    telemetry_runtime::detach("definitions-durations").unwrap();
    seen.lock().unwrap().clone()
}

fn grep_workload() {
    let remote = exgit_like::Remote::shared();
    remote.lock().unwrap().commit(
        "refs/heads/main",
        &[("src/a.rs", "pub fn a() {}\n"), ("src/b.rs", "fn b() {}\n")],
        "one",
    );
    let transport =
        exgit_like::transport::Transport::connect("https://example.com/r.git", remote).unwrap();
    let repo =
        exgit_like::fs::Repo::clone(&transport, exgit_like::refs::CloneOptions::lazy()).unwrap();
    for _ in 0..3 {
        repo.grep("HEAD", "pub fn", None).count();
        repo.grep("main", "fn", None).count();
        repo.ls("HEAD", "src").unwrap();
    }
}

#[test]
fn a_counter_counts_events_per_tag_set() {
    let _serial = serial();
    let values = observe(
        metrics! { use charon_like; counter("charon.session.create.count", tags = ["session_type"]) },
        || sessions(5),
    );
    assert_eq!(
        reading(
            &values,
            "charon.session.create.count",
            &[("session_type", "full")]
        ),
        Some(&Reading::Count(3))
    );
    assert_eq!(
        reading(
            &values,
            "charon.session.create.count",
            &[("session_type", "oauth2")]
        ),
        Some(&Reading::Count(2))
    );
}

#[test]
fn a_sum_adds_the_measurement_up() {
    let _serial = serial();
    let values = observe(
        metrics! { use charon_like; sum("charon.session.create.count") },
        || sessions(4),
    );
    assert_eq!(
        reading(&values, "charon.session.create.count", &[]),
        Some(&Reading::Sum(4.0))
    );
}

#[test]
fn a_summary_converts_native_time_to_microseconds() {
    let _serial = serial();
    let mut values = Vec::new();
    let durations = durations_of("exgit.fs.ls.stop", || {
        values = observe(
            metrics! { use exgit_like; summary("exgit.fs.ls.stop.duration", unit = native -> microsecond) },
            grep_workload,
        );
    });
    let Some(Reading::Values {
        count,
        sum,
        min,
        max,
        buckets,
    }) = reading(&values, "exgit.fs.ls.stop.duration", &[])
    else {
        panic!("{values:?}");
    };
    assert_eq!(*count, durations.len() as u64, "{values:?} {durations:?}");
    let expected: f64 = durations.iter().map(|ns| *ns as f64 / 1e3).sum();
    assert!((sum - expected).abs() <= expected * 1e-9);
    assert_eq!(*min, *durations.iter().min().unwrap() as f64 / 1e3);
    assert_eq!(*max, *durations.iter().max().unwrap() as f64 / 1e3);
    assert!(buckets.is_empty());
}

#[test]
fn a_distribution_counts_values_at_or_below_each_bucket_bound() {
    let _serial = serial();
    let mut values = Vec::new();
    let durations = durations_of("exgit.fs.grep.stop", || {
        values = observe(
            metrics! { use exgit_like; distribution("exgit.fs.grep.stop.duration", unit = native -> millisecond, buckets = [0.001, 0.1, 1000]) },
            grep_workload,
        );
    });
    let Some(Reading::Values { count, buckets, .. }) =
        reading(&values, "exgit.fs.grep.stop.duration", &[])
    else {
        panic!("{values:?}");
    };
    assert_eq!(*count, 6);
    for (bound, n) in buckets {
        let expected = durations
            .iter()
            .filter(|ns| **ns as f64 / 1e6 <= *bound)
            .count() as u64;
        assert_eq!(*n, expected, "le {bound}");
    }
}

#[test]
fn a_last_value_keeps_the_latest_converted_from_bytes_to_kilobytes() {
    let _serial = serial();
    let event = |bytes: u64| {
        telemetry_runtime::execute(
            "exgit.object_store.cache_overfull",
            &telemetry_runtime::fields!(bytes = bytes, cap = 1_000u64),
            &telemetry_runtime::fields!(policy = Value::atom("log")),
        )
        .unwrap()
    };
    let values = observe(
        metrics! { use exgit_like; last_value("exgit.object_store.cache_overfull.bytes", unit = byte -> kilobyte) },
        || {
            event(4_000);
            event(2_500);
        },
    );
    assert_eq!(
        reading(&values, "exgit.object_store.cache_overfull.bytes", &[]),
        Some(&Reading::Last(2.5))
    );
}

#[test]
fn event_name_and_measurement_can_be_given_apart() {
    let _serial = serial();
    let values = observe(
        metrics! {
            use exgit_like;
            last_value("service.cache.cap_mb", event_name = "exgit.object_store.cache_overfull", measurement = "cap", unit = byte -> megabyte),
            last_value("service.cache.bytes", event_name = "exgit.object_store.cache_overfull"),
        },
        || {
            telemetry_runtime::execute(
                "exgit.object_store.cache_overfull",
                &telemetry_runtime::fields!(bytes = 10u64, cap = 3_000_000u64),
                &telemetry_runtime::fields!(policy = Value::atom("log")),
            )
            .unwrap()
        },
    );
    assert_eq!(
        reading(&values, "service.cache.cap_mb", &[]),
        Some(&Reading::Last(3.0))
    );
    // Without `measurement`, the name's last segment is the measurement.
    assert_eq!(
        reading(&values, "service.cache.bytes", &[]),
        Some(&Reading::Last(10.0))
    );
}

#[test]
fn a_measurement_function_sees_measurements_and_metadata_and_none_skips_the_event() {
    let _serial = serial();
    let values = observe(
        metrics! {
            use charon_like;
            // A payload is at hand for the expired token (user 7), not for the forged one.
            summary("charon.token.invalid.user_id", measurement = |_, metadata| metadata.get("user_id").and_then(|v| v.as_f64())),
            sum("charon.token.invalid.doubled", event_name = "charon.token.invalid", measurement = |m| m.get("count").and_then(|v| v.as_f64()).map(|c| c * 2.0)),
        },
        tokens,
    );
    let Some(Reading::Values { count, sum, .. }) =
        reading(&values, "charon.token.invalid.user_id", &[])
    else {
        panic!("{values:?}");
    };
    assert_eq!((*count, *sum), (1, 7.0));
    assert_eq!(
        reading(&values, "charon.token.invalid.doubled", &[]),
        Some(&Reading::Sum(4.0))
    );
}

#[test]
fn keep_counts_only_the_events_its_predicate_accepts() {
    let _serial = serial();
    let values = observe(
        metrics! {
            use charon_like;
            counter("charon.session.create.count", keep = |metadata| metadata.get("session_type").and_then(|v| v.as_atom()) == Some("oauth2")),
            counter("charon.session.create.with_count", event_name = "charon.session.create", keep = |_, measurements| measurements.get("count").is_some()),
        },
        || sessions(5),
    );
    assert_eq!(
        reading(&values, "charon.session.create.count", &[]),
        Some(&Reading::Count(2))
    );
    assert_eq!(
        reading(&values, "charon.session.create.with_count", &[]),
        Some(&Reading::Count(5))
    );
}

#[test]
fn drop_counts_only_the_events_its_predicate_rejects() {
    let _serial = serial();
    let values = observe(
        metrics! { use charon_like; counter("charon.session.create.count", drop = |metadata| metadata.get("session_type").and_then(|v| v.as_atom()) == Some("oauth2")) },
        || sessions(5),
    );
    assert_eq!(
        reading(&values, "charon.session.create.count", &[]),
        Some(&Reading::Count(3))
    );
}

static TAG_VALUES_CALLS: AtomicUsize = AtomicUsize::new(0);

#[test]
fn tag_values_compute_the_tags_and_run_after_keep() {
    let _serial = serial();
    let values = observe(
        metrics! {
            use charon_like;
            counter("charon.token.valid.count",
                tags = ["loaded"],
                keep = |metadata| metadata.get("session_loaded").is_some(),
                tag_values = |metadata| [Value::Str(if metadata.get("session_loaded").and_then(|v| v.as_bool()) == Some(true) { "yes" } else { "no" })]),
            counter("charon.token.invalid.count",
                tags = ["never"],
                keep = |_| false,
                tag_values = |_| {
                    TAG_VALUES_CALLS.fetch_add(1, Ordering::SeqCst);
                    [Value::Str("x")]
                }),
        },
        tokens,
    );
    assert_eq!(
        reading(&values, "charon.token.valid.count", &[("loaded", "yes")]),
        Some(&Reading::Count(1))
    );
    assert_eq!(TAG_VALUES_CALLS.load(Ordering::SeqCst), 0);
    assert!(reading(&values, "charon.token.invalid.count", &[("never", "x")]).is_none());
}

#[test]
fn a_tag_with_a_question_mark_is_labelled_without_it() {
    let _serial = serial();
    let values = observe(
        metrics! { use exgit_like; counter("exgit.object_store.get.stop.count", tags = ["store", "hit?"]) },
        grep_workload,
    );
    assert!(
        values
            .iter()
            .any(|v| v.tags.iter().any(|(label, _)| label == "hit")),
        "{values:?}"
    );
}

#[test]
fn tag_sets_past_max_series_share_one_overflow_series() {
    let _serial = serial();
    let values = observe(
        metrics! { use charon_like; counter("charon.session.create.count", tags = ["user_id"], max_series = 3) },
        || sessions(5),
    );
    let series: Vec<&MetricValue> = values
        .iter()
        .filter(|v| v.name == "charon.session.create.count")
        .collect();
    assert_eq!(series.len(), 4);
    assert_eq!(
        reading(
            &values,
            "charon.session.create.count",
            &[(OVERFLOW_LABEL, "true")]
        ),
        Some(&Reading::Count(2))
    );
}

#[test]
fn description_unit_and_reporter_options_reach_the_reporters() {
    let metrics = metrics! {
        use exgit_like, charon_like;
        sum("charon.session.create.count", description = "Sessions created.", prometheus_type = gauge),
        sum("exgit.object_store.haves_sent.count"),
        sum("exgit.object_store.cache_overfull.bytes", unit = byte -> kilobyte),
        distribution("exgit.fs.grep.stop.duration", unit = native -> second, buckets = [0.5, 1]),
    };
    let sessions = metrics.get("charon.session.create.count").unwrap();
    assert_eq!(
        (
            sessions.kind(),
            sessions.describe(),
            sessions.exported_sum()
        ),
        (Kind::Sum, "Sessions created.", SumAs::Gauge)
    );
    // A whole-number measurement sums as a counter; a converted one as a gauge.
    assert_eq!(
        metrics
            .get("exgit.object_store.haves_sent.count")
            .unwrap()
            .exported_sum(),
        SumAs::Counter
    );
    assert_eq!(
        metrics
            .get("exgit.object_store.cache_overfull.bytes")
            .unwrap()
            .exported_sum(),
        SumAs::Gauge
    );
    let grep = metrics.get("exgit.fs.grep.stop.duration").unwrap();
    assert_eq!(grep.conversion().unit, Some(Unit::Second));
    assert_eq!(grep.bucket_bounds(), [0.5, 1.0]);
    assert_eq!(grep.exported_name(), "exgit_fs_grep_stop_duration");
}
