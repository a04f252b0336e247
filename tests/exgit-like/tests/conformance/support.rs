//! What the tests share: a fixture remote, and assertions on captured events that read
//! like the seed's wording (keys, types, span pairing, the stop = start + extras merge).

use std::sync::{Arc, Mutex};

use exgit_like::object::{Object, ObjectId};
use exgit_like::telemetry::CATALOG;
use exgit_like::transport::{Remote, Transport};
use telemetry_runtime::{Captured, EventKind, OwnedEvent, OwnedValue};

#[path = "../../../conformance-support/value_fits.rs"]
mod value_fits;
pub(crate) use value_fits::fits;

/// The remote's URL, as every transport of the tests reaches it.
pub(crate) const URL: &str = "https://example.com/demo.git";

/// The files of the fixture's second commit (the first has only the README).
pub(crate) const FILES: &[(&str, &str)] = &[
    ("README.md", "# demo\nSay hello to the demo.\n"),
    ("docs/guide.md", "Start here.\nhello again\n"),
    (
        "src/lib.rs",
        "pub fn hello() -> &'static str {\n    \"hello\"\n}\n",
    ),
    (
        "src/main.rs",
        "fn main() {\n    println!(\"{}\", demo::hello());\n}\n",
    ),
];

/// A remote with two commits on `main`, and a transport to it.
pub(crate) struct Fixture {
    pub(crate) remote: Arc<Mutex<Remote>>,
    pub(crate) transport: Transport,
    pub(crate) head: ObjectId,
}

pub(crate) fn fixture() -> Fixture {
    let remote = Remote::shared();
    let head = {
        let mut r = remote.lock().unwrap();
        r.commit("refs/heads/main", &FILES[..1], "first");
        r.commit("refs/heads/main", FILES, "second")
    };
    let transport = Transport::connect(URL, Arc::clone(&remote)).unwrap();
    Fixture {
        remote,
        transport,
        head,
    }
}

/// The id of the blob holding `content`.
pub(crate) fn blob_id(content: &str) -> ObjectId {
    Object::blob(content).id()
}

/// `sha` as events carry it: a binary.
pub(crate) fn bytes(id: &ObjectId) -> OwnedValue {
    OwnedValue::Bytes(id.as_bytes().to_vec())
}

pub(crate) fn atom(name: &'static str) -> OwnedValue {
    OwnedValue::atom(name)
}

/// The captured events with this name.
pub(crate) fn named<'c, R>(captured: &'c Captured<R>, name: &str) -> Vec<&'c OwnedEvent> {
    // Not `Captured::named`, whose result borrows the name too.
    captured
        .events
        .iter()
        .filter(|e| e.name() == name)
        .collect()
}

/// The one captured event with this name.
#[track_caller]
pub(crate) fn only<'c, R>(captured: &'c Captured<R>, name: &str) -> &'c OwnedEvent {
    captured
        .only(name)
        .unwrap_or_else(|| panic!("expected one {name}, got {:?}", captured.names()))
}

/// A span's start and the one event that ended it.
pub(crate) struct SpanEvents<'c> {
    pub(crate) start: &'c OwnedEvent,
    pub(crate) end: &'c OwnedEvent,
}

/// Every span of `prefix` that was captured, each start paired with exactly one stop or
/// exception by span context.
#[track_caller]
pub(crate) fn spans<'c, R>(captured: &'c Captured<R>, prefix: &str) -> Vec<SpanEvents<'c>> {
    captured
        .spans(prefix)
        .into_iter()
        .map(|span| {
            let end = span
                .end()
                .unwrap_or_else(|| panic!("{prefix}: a start ends exactly once: {:?}", span.ends));
            SpanEvents {
                start: span.start,
                end,
            }
        })
        .collect()
}

/// The one captured span of `prefix`.
#[track_caller]
pub(crate) fn the_span<'c, R>(captured: &'c Captured<R>, prefix: &str) -> SpanEvents<'c> {
    let mut all = spans(captured, prefix);
    assert_eq!(
        all.len(),
        1,
        "expected one {prefix} span, got {:?}",
        captured.names()
    );
    all.remove(0)
}

/// The metadata keys with the kind of each value, in emission order.
pub(crate) fn kinds(event: &OwnedEvent) -> Vec<(&str, &'static str)> {
    event
        .metadata()
        .iter()
        .map(|(k, v)| (k.as_str(), v.kind()))
        .collect()
}

/// The span's measurements are those of `:telemetry.span/3`, and its end is a stop
/// whose metadata is the start metadata, unchanged, followed by `extras`.
#[track_caller]
pub(crate) fn assert_stop_merges_start(span: &SpanEvents<'_>, extras: &[(&str, &str)]) {
    assert_eq!(
        span.start.measurement_keys(),
        ["system_time", "monotonic_time"]
    );
    assert!(
        span.end.name().as_str().ends_with(".stop"),
        "{}",
        span.end.name()
    );
    assert_eq!(span.end.measurement_keys(), ["duration", "monotonic_time"]);
    let mut expected = kinds(span.start);
    expected.extend_from_slice(extras);
    assert_eq!(kinds(span.end), expected, "stop = start + extras");
    for (key, value) in span.start.metadata() {
        assert_eq!(span.end.meta(key), Some(value), "{key} is repeated at stop");
    }
}

/// The span ended with the exception event of a panic whose message contains `reason`,
/// carrying the start metadata plus `kind` and `reason`.
#[track_caller]
pub(crate) fn assert_panicked(span: &SpanEvents<'_>, reason: &str) {
    assert!(
        span.end.name().as_str().ends_with(".exception"),
        "{}",
        span.end.name()
    );
    assert_eq!(span.end.measurement_keys(), ["duration", "monotonic_time"]);
    let mut expected = kinds(span.start);
    expected.extend_from_slice(&[("kind", "atom"), ("reason", "string")]);
    assert_eq!(kinds(span.end), expected);
    for (key, value) in span.start.metadata() {
        assert_eq!(
            span.end.meta(key),
            Some(value),
            "{key} is repeated at exception"
        );
    }
    assert_eq!(span.end.meta("kind"), Some(&atom("panic")));
    let message = span
        .end
        .meta("reason")
        .and_then(OwnedValue::as_str)
        .unwrap_or_default();
    assert!(
        message.contains(reason),
        "reason {message:?} should mention {reason:?}"
    );
}

/// Runs `f`, which must panic, with the panic caught: the tests provoke panics on
/// purpose to see the exception events.
pub(crate) fn expect_panic<R>(f: impl FnOnce() -> R) {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    assert!(outcome.is_err(), "the operation was expected to panic");
}

/// Checks one event against the catalogue compiled into the library: its measurement
/// keys, that every metadata key is declared for its phase, that every required key is
/// there, and that every value has the declared type.
#[track_caller]
pub(crate) fn assert_conforms(event: &OwnedEvent) {
    let name = event.name().as_str();
    let (prefix, phase) = match name.rsplit_once('.') {
        Some((prefix, phase @ ("start" | "stop" | "exception"))) => (prefix, Some(phase)),
        _ => (name, None),
    };
    let info = CATALOG
        .event(prefix)
        .unwrap_or_else(|| panic!("{name} is not in the catalogue"));
    let mut allowed: Vec<(&str, &str, bool)> = Vec::new();
    match (info.kind, phase) {
        (EventKind::Event, None) => {
            let declared: Vec<&str> = info.measurements.iter().map(|m| m.name).collect();
            assert_eq!(event.measurement_keys(), declared, "{name}: measurements");
            for m in info.measurements {
                allowed_type(name, m.name, m.ty, event.measurement(m.name));
            }
            allowed.extend(info.metadata.iter().map(|k| (k.name, k.ty, k.required)));
        }
        (EventKind::Span, Some(phase)) => {
            let measurements = match phase {
                "start" => ["system_time", "monotonic_time"],
                _ => ["duration", "monotonic_time"],
            };
            assert_eq!(
                event.measurement_keys(),
                measurements,
                "{name}: measurements"
            );
            let start_keys = info.metadata.iter().filter(|k| !k.stop_only);
            allowed.extend(start_keys.map(|k| (k.name, k.ty, k.required)));
            match phase {
                "stop" => allowed.extend(
                    info.metadata
                        .iter()
                        .filter(|k| k.stop_only)
                        .map(|k| (k.name, k.ty, k.required)),
                ),
                "exception" => {
                    allowed.extend([("kind", "atom(..)", true), ("reason", "string", true)])
                }
                _ => {}
            }
        }
        _ => panic!("{name}: the phase does not fit the catalogue's kind of {prefix}"),
    }
    for key in event.metadata_keys() {
        assert!(
            allowed.iter().any(|(k, ..)| *k == key),
            "{name}: key {key} is not declared for this event"
        );
    }
    for (key, ty, required) in allowed {
        let value = event.meta(key);
        if required {
            assert!(value.is_some(), "{name}: required key {key} is missing");
        }
        allowed_type(name, key, ty, value);
    }
}

#[track_caller]
fn allowed_type(name: &str, key: &str, ty: &str, value: Option<&OwnedValue>) {
    if let Some(value) = value {
        assert!(
            fits(ty, value),
            "{name}: {key} = {value} does not fit `{ty}`"
        );
    }
}
