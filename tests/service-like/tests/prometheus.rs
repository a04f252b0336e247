//! The Prometheus endpoint while both libraries' workloads run: scraped over HTTP, the
//! text parsed as the exposition format, the values compared with what was emitted.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use prometheus_parse::{Sample, Scrape, Value};
use service_like::workload::{self, CharonCounts, ExgitCounts};

/// Handlers are global: one endpoint at a time sees the workloads.
static SERIAL: Mutex<()> = Mutex::new(());

struct Scraped {
    samples: Vec<Sample>,
    /// Every `exgit.fs.grep.stop` duration, in nanoseconds, as a handler saw it.
    grep_durations: Vec<u64>,
    exgit: ExgitCounts,
    charon: CharonCounts,
}

fn scrape_while_workloads_run() -> Scraped {
    let _serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    let metrics = service_like::metrics();
    let endpoint = telemetry_metrics::serve_prometheus("127.0.0.1:0", &metrics).unwrap();
    let durations = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&durations);
    telemetry_runtime::attach(
        "prometheus-test-durations",
        "exgit.fs.grep.stop",
        move |e| {
            let ns = e.measurements().get("duration").and_then(|v| v.as_u64());
            seen.lock().unwrap().extend(ns);
        },
    )
    .unwrap();
    let exgit = workload::exgit(25).unwrap();
    let charon = workload::charon(12).unwrap();
    telemetry_runtime::detach("prometheus-test-durations").unwrap();
    let grep_durations = durations.lock().unwrap().clone();
    let url = format!("http://{}/metrics", endpoint.local_addr());
    let mut response = ureq::get(&url).call().unwrap();
    assert_eq!(response.status(), 200);
    let text = response.body_mut().read_to_string().unwrap();
    drop(endpoint);
    let scrape = Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).unwrap();
    Scraped {
        samples: scrape.samples,
        grep_durations,
        exgit,
        charon,
    }
}

impl Scraped {
    fn find(&self, metric: &str, labels: &[(&str, &str)]) -> Option<&Value> {
        self.samples
            .iter()
            .find(|s| s.metric == metric && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
            .map(|s| &s.value)
    }

    fn number(&self, metric: &str, labels: &[(&str, &str)]) -> f64 {
        match self.find(metric, labels) {
            Some(Value::Counter(x) | Value::Gauge(x) | Value::Untyped(x)) => *x,
            other => panic!("{metric}{labels:?}: {other:?}"),
        }
    }
}

#[test]
fn a_counter_with_a_tag_counts_every_emitted_event() {
    let s = scrape_while_workloads_run();
    assert_eq!(
        s.number("exgit_fs_grep_stop_count", &[("reference", "HEAD")]),
        s.exgit.greps as f64
    );
    assert_eq!(
        s.number("charon_session_create_count", &[("session_type", "full")]),
        s.charon.full_sessions as f64
    );
    assert_eq!(
        s.number("charon_session_create_count", &[("session_type", "oauth2")]),
        s.charon.oauth2_sessions as f64
    );
}

#[test]
fn a_distribution_is_a_histogram_whose_count_and_sum_agree_with_the_measurements() {
    let s = scrape_while_workloads_run();
    let Some(Value::Histogram(buckets)) = s.find("exgit_fs_grep_stop_duration", &[]) else {
        panic!(
            "no histogram: {:?}",
            s.find("exgit_fs_grep_stop_duration", &[])
        );
    };
    let bounds: Vec<f64> = buckets.iter().map(|b| b.less_than).collect();
    assert_eq!(bounds, [0.01, 0.1, 1.0, 10.0, 100.0, f64::INFINITY]);
    let count = s.number("exgit_fs_grep_stop_duration_count", &[]);
    assert_eq!(count, s.exgit.greps as f64);
    assert_eq!(buckets.last().map(|b| b.count), Some(count));
    assert_eq!(s.grep_durations.len() as f64, count);
    // The sum is of the durations converted to milliseconds.
    let expected: f64 = s.grep_durations.iter().map(|ns| *ns as f64 / 1e6).sum();
    let sum = s.number("exgit_fs_grep_stop_duration_sum", &[]);
    assert!(
        (sum - expected).abs() <= expected * 1e-9,
        "{sum} vs {expected}"
    );
    // Each bucket counts the durations at or below its bound.
    for bucket in buckets {
        let at_or_below = s
            .grep_durations
            .iter()
            .filter(|ns| **ns as f64 / 1e6 <= bucket.less_than)
            .count();
        assert_eq!(bucket.count, at_or_below as f64, "le={}", bucket.less_than);
    }
}

#[test]
fn a_summary_counts_its_measurements_and_has_quantiles() {
    let s = scrape_while_workloads_run();
    let Some(Value::Summary(quantiles)) = s.find("exgit_fs_ls_stop_duration", &[]) else {
        panic!("no summary");
    };
    assert!(!quantiles.is_empty());
    assert_eq!(
        s.number("exgit_fs_ls_stop_duration_count", &[]),
        s.exgit.listings as f64
    );
}

#[test]
fn a_sum_of_a_constant_measurement_equals_the_events_and_a_computed_one_adds_up() {
    let s = scrape_while_workloads_run();
    assert_eq!(
        s.number("charon_token_valid_count", &[("token_transport", "bearer")]),
        s.charon.valid_tokens as f64
    );
    assert_eq!(
        s.number("exgit_fs_grep_stop_files_scanned", &[]),
        s.exgit.files_scanned as f64
    );
}

#[test]
fn computed_tag_values_label_the_series() {
    let s = scrape_while_workloads_run();
    let by_outcome: HashMap<&str, f64> = s
        .samples
        .iter()
        .filter(|x| x.metric == "charon_token_invalid_count")
        .filter_map(|x| match x.value {
            Value::Counter(n) => Some((x.labels.get("outcome")?, n)),
            _ => None,
        })
        .collect();
    assert_eq!(
        by_outcome,
        HashMap::from([("no_session", s.charon.invalid_tokens as f64)])
    );
}
