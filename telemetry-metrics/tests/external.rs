//! A reporter of another crate, attached with `attach_reporter`: what it is given.

use std::sync::Mutex;

use telemetry_metrics::{
    Kind, Metric, Metrics, OVERFLOW_LABEL, REDACTED, Reporter, attach_reporter, tag_label,
};
use telemetry_runtime::{Name, Value, execute, execute_with_sensitive_keys, fields};

/// Records every series it is asked to build (as labels) and every value.
#[derive(Default)]
struct Recording {
    series: Mutex<Vec<Vec<String>>>,
    values: Mutex<Vec<(usize, f64)>>,
}

impl Reporter for &'static Recording {
    type Handle = usize;

    fn series(&self, _: &Metric, values: Option<&[Value<'_>]>) -> usize {
        let labels = match values {
            Some(values) => values.iter().map(tag_label).collect(),
            None => vec![OVERFLOW_LABEL.to_owned()],
        };
        let mut series = self.series.lock().unwrap();
        series.push(labels);
        series.len() - 1
    }

    fn record(&self, _: &Metric, handle: &usize, value: f64) {
        self.values.lock().unwrap().push((*handle, value));
    }
}

fn leak() -> &'static Recording {
    Box::leak(Box::default())
}

const LOGIN: Name<'static> = Name::from_static(&["extreporter", "login"]);

#[test]
fn a_sensitive_tag_reaches_the_reporter_redacted() {
    let recording = leak();
    let metric = Metric::new(Kind::Counter, "extreporter.login.count", LOGIN, "count")
        .tags(&[("client", "client"), ("token", "token")]);
    let attached =
        attach_reporter("ext-sensitive", &Metrics::new(vec![metric]), recording).unwrap();
    for token in ["s3cret", "other"] {
        execute_with_sensitive_keys(
            "extreporter.login",
            &fields!(count = 1u64),
            &fields!(client = "cli", token = token),
            &["token"],
        )
        .unwrap();
    }
    drop(attached);
    assert_eq!(
        *recording.series.lock().unwrap(),
        [vec!["cli".to_owned(), REDACTED.to_owned()]]
    );
    assert_eq!(*recording.values.lock().unwrap(), [(0, 1.0), (0, 1.0)]);
}

const GROW: Name<'static> = Name::from_static(&["extreporter", "grow"]);

#[test]
fn tag_sets_past_the_limit_reach_the_reporter_as_one_overflow_series() {
    let recording = leak();
    let metric = Metric::new(Kind::Sum, "extreporter.grow.bytes", GROW, "bytes")
        .tags(&[("key", "key")])
        .max_series(1);
    let attached = attach_reporter("ext-overflow", &Metrics::new(vec![metric]), recording).unwrap();
    for key in 0..3u64 {
        execute(
            "extreporter.grow",
            &fields!(bytes = 5u64),
            &fields!(key = key),
        )
        .unwrap();
    }
    drop(attached);
    assert_eq!(
        *recording.series.lock().unwrap(),
        [vec!["0".to_owned()], vec![OVERFLOW_LABEL.to_owned()]]
    );
    assert_eq!(
        *recording.values.lock().unwrap(),
        [(0, 5.0), (1, 5.0), (1, 5.0)]
    );
}

#[test]
fn a_dropped_attachment_reports_nothing_more() {
    let recording = leak();
    let metric = Metric::new(
        Kind::Counter,
        "extreporter.gone.count",
        Name::from_static(&["extreporter", "gone"]),
        "count",
    );
    let attached = attach_reporter("ext-gone", &Metrics::new(vec![metric]), recording).unwrap();
    execute("extreporter.gone", &fields!(count = 1u64), &fields!()).unwrap();
    drop(attached);
    execute("extreporter.gone", &fields!(count = 1u64), &fields!()).unwrap();
    assert_eq!(recording.values.lock().unwrap().len(), 1);
}
