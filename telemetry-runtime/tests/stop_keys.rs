//! Required stop keys: a `#[span]` function that returns normally without setting one is
//! never silent. Written as the macros expand `#[span]`.

use telemetry_runtime::__private::{
    FieldBuf, KeptFields, LazySpan, OwnedSpan, SpanStop, StopKeys, run_span,
};
use telemetry_runtime::{OwnedValue, SpanSlots, Value, capture};

static PARSE: SpanSlots = SpanSlots::new(&["keys", "pack", "parse"]);
static PARSE_STOP: StopKeys = StopKeys {
    keys: &["object_count"],
    required: &["object_count"],
};

/// `object_count` is a required stop key; an early return skips its `stop!`.
fn parse(bytes: &[u8]) -> Result<u64, &'static str> {
    let body = |stop: SpanStop<'_, 1>| {
        if bytes.is_empty() {
            return Err("empty pack");
        }
        let objects = bytes.len() as u64 / 2;
        if stop.is_enabled() {
            stop.set(0, "object_count", Value::from(objects));
        }
        Ok(objects)
    };
    if PARSE.is_idle() {
        body(SpanStop::IDLE)
    } else {
        run_span(&PARSE, &PARSE_STOP, body, || {
            let mut start = FieldBuf::<1>::new();
            start.push("byte_size", Value::from(bytes.len()));
            start
        })
    }
}

#[test]
fn a_stop_without_a_required_key_is_reported_after_the_stop_event() {
    let captured = capture(|| parse(b""));
    assert_eq!(captured.result, Err("empty pack"));
    assert_eq!(
        captured.names(),
        [
            "keys.pack.parse.start",
            "keys.pack.parse.stop",
            "telemetry.span.missing_stop_key"
        ]
    );
    let report = &captured.events[2];
    assert_eq!(
        report.meta("span"),
        Some(&OwnedValue::from("keys.pack.parse"))
    );
    assert_eq!(report.meta("key"), Some(&OwnedValue::from("object_count")));
    assert_eq!(captured.events[1].meta("object_count"), None);
}

#[test]
fn a_stop_with_every_required_key_reports_nothing() {
    let captured = capture(|| parse(b"abcd"));
    assert_eq!(captured.result, Ok(2));
    assert_eq!(
        captured.names(),
        ["keys.pack.parse.start", "keys.pack.parse.stop"]
    );
}

static WALK: SpanSlots = SpanSlots::new(&["keys", "fs", "walk"]);

#[test]
fn a_lazy_span_missing_a_required_key_is_reported_too() {
    let captured = capture(|| {
        let span = WALK
            .is_enabled()
            .then(|| OwnedSpan::<0, 1>::start(&WALK, KeptFields::new()).requiring(&["file_count"]));
        LazySpan::over(std::iter::empty::<u8>(), span).count()
    });
    assert_eq!(
        captured.names(),
        [
            "keys.fs.walk.start",
            "keys.fs.walk.stop",
            "telemetry.span.missing_stop_key"
        ]
    );
}

#[test]
fn an_exception_is_not_reported_as_a_missing_key() {
    let captured = capture(|| std::panic::catch_unwind(parse_panicking));
    assert!(captured.result.is_err());
    assert_eq!(
        captured.names(),
        ["keys.pack.parse.start", "keys.pack.parse.exception"]
    );
}

fn parse_panicking() {
    let body = |stop: SpanStop<'_, 1>| {
        assert!(!std::hint::black_box(true), "corrupt pack");
        if stop.is_enabled() {
            stop.set(0, "object_count", Value::from(1u64));
        }
    };
    if PARSE.is_idle() {
        body(SpanStop::IDLE)
    } else {
        run_span(&PARSE, &PARSE_STOP, body, FieldBuf::<0>::new)
    }
}
