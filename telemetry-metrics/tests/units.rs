//! Unit conversions from the unit a catalogue declares, on the events a conformance
//! library emits: exgit's promisor reports its cache size and cap in bytes.

use std::sync::Arc;

use exgit_like::promisor::{OverfullPolicy, Promisor};
use exgit_like::transport::Transport;
use exgit_like::{Object, ObjectStore, Remote};
use telemetry_metrics::{ConsoleReporter, MetricValue, Reading, Unit, metrics};

/// The cap of the promisor, in bytes: nothing fits.
const CAP: u64 = 8;

/// Puts a blob of `size` bytes into a promisor capped at [`CAP`] bytes, which reports
/// `exgit.object_store.cache_overfull` once, with `bytes` = `size` and `cap` = [`CAP`].
fn overfull_cache(size: usize) {
    let transport = Transport::connect("https://git.example.com/units.git", Remote::shared())
        .expect("a transport over a local remote");
    let promisor = Promisor::new(transport, CAP, OverfullPolicy::Log);
    let blob = Object::blob(vec![b'x'; size]);
    assert_eq!(blob.size(), size as u64);
    promisor.put(blob).expect("the log policy keeps the object");
}

fn reading<'a>(values: &'a [MetricValue], name: &str) -> &'a Reading {
    values
        .iter()
        .find(|v| v.name == name)
        .map(|v| &v.reading)
        .unwrap_or_else(|| panic!("no value for {name} in {values:#?}"))
}

#[test]
fn byte_measurements_are_reported_in_the_unit_they_convert_to() {
    let metrics = metrics! {
        use exgit_like;
        last_value("exgit.object_store.cache_overfull.bytes", unit = byte -> kilobyte),
        last_value("service.cache.cap_megabytes", event_name = "exgit.object_store.cache_overfull",
            measurement = "cap", unit = byte -> megabyte),
        last_value("service.cache.bytes", event_name = "exgit.object_store.cache_overfull",
            measurement = "bytes", unit = byte),
    };
    let metrics = Arc::new(metrics);
    let unit = |name: &str| metrics.get(name).and_then(|m| m.conversion().unit);
    assert_eq!(
        unit("exgit.object_store.cache_overfull.bytes"),
        Some(Unit::Kilobyte)
    );
    assert_eq!(unit("service.cache.cap_megabytes"), Some(Unit::Megabyte));
    assert_eq!(unit("service.cache.bytes"), Some(Unit::Byte));
    let reporter = ConsoleReporter::new().with_metrics(Arc::clone(&metrics));
    reporter.attach("units-test", [] as [&str; 0]).unwrap();
    overfull_cache(2_500);
    reporter.detach();
    let values = reporter.report().metrics;

    assert_eq!(
        reading(&values, "exgit.object_store.cache_overfull.bytes"),
        &Reading::Last(2.5)
    );
    assert_eq!(
        reading(&values, "service.cache.cap_megabytes"),
        &Reading::Last(CAP as f64 / 1e6)
    );
    assert_eq!(
        reading(&values, "service.cache.bytes"),
        &Reading::Last(2_500.0)
    );
}
