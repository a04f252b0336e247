//! `metrics! { use crate; .. }` over the crate's own events, checked against its own
//! catalogue, and the values they report.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use telemetry_metrics::{ConsoleReporter, Metrics, Reading, Unit};
use telemetry_metrics_fixture_own::{all_metrics, own_metrics, uploaded};

/// Handlers are global: one test at a time emits and observes.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A metric's name, its tags as (label, value), and what it read.
type Observed = (String, Vec<(String, String)>, Reading);

/// The readings of `metrics` over `workload`.
fn observe(metrics: Metrics, workload: impl FnOnce()) -> Vec<Observed> {
    let reporter = ConsoleReporter::new().with_metrics(Arc::new(metrics));
    reporter
        .attach("own-catalogue-test", [] as [&str; 0])
        .unwrap();
    workload();
    reporter.detach();
    reporter
        .report()
        .metrics
        .into_iter()
        .map(|v| (v.name.to_owned(), v.tags, v.reading))
        .collect()
}

#[test]
fn metrics_over_the_crates_own_events_report_their_values() {
    let _serial = serial();
    let values = observe(own_metrics(), || {
        uploaded(3_000, 1, "fast");
        uploaded(1_500, 4, "fast");
        uploaded(500, 2, "bulk");
    });
    let reading = |name: &str, tags: &[(&str, &str)]| {
        values
            .iter()
            .find(|(n, t, _)| {
                n == name
                    && t.iter()
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                        .eq(tags.iter().copied())
            })
            .map(|(_, _, r)| r.clone())
    };
    assert_eq!(
        reading("jobs.upload.done.bytes", &[("queue", "fast")]),
        Some(Reading::Sum(4.5))
    );
    assert_eq!(
        reading("jobs.upload.done.bytes", &[("queue", "bulk")]),
        Some(Reading::Sum(0.5))
    );
    assert_eq!(
        reading("jobs.upload.done.attempts", &[]),
        Some(Reading::Last(2.0))
    );
}

#[test]
fn the_own_catalogues_unit_decides_the_conversion() {
    let metrics = own_metrics();
    let bytes = metrics.get("jobs.upload.done.bytes").expect("defined");
    assert_eq!(bytes.conversion().unit, Some(Unit::Kilobyte));
    assert_eq!(bytes.conversion().apply(2_000.0), 2.0);
}

#[test]
fn the_own_catalogue_and_a_librarys_are_used_together() {
    let _serial = serial();
    let values = observe(all_metrics(), || {
        uploaded(10, 1, "bulk");
        uploaded(20, 1, "bulk");
    });
    assert!(
        values
            .iter()
            .any(|(n, _, r)| n == "jobs.upload.done.count" && *r == Reading::Count(2)),
        "{values:?}"
    );
    assert!(
        all_metrics()
            .get("exgit.object_store.cache_overfull.bytes")
            .is_some()
    );
}
