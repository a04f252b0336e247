//! Span semantics: pairing, metadata merge, exceptions, context and nesting.

use telemetry_runtime::{
    ActiveSpan, NameError, OwnedEvent, OwnedValue, SpanSlots, Spanned, capture, fields,
    owned_fields, span, spanned,
};

fn names(events: &[OwnedEvent]) -> Vec<&str> {
    events.iter().map(|e| e.name().as_str()).collect()
}

#[test]
fn a_span_emits_start_then_stop_with_the_documented_measurements() {
    let captured = capture(|| span("sp.basic", &fields!(reference = "HEAD"), || 1 + 1));
    assert_eq!(captured.result, Ok(2));
    assert_eq!(names(&captured.events), ["sp.basic.start", "sp.basic.stop"]);
    let (start, stop) = (&captured.events[0], &captured.events[1]);
    assert_eq!(start.measurement_keys(), ["system_time", "monotonic_time"]);
    assert_eq!(stop.measurement_keys(), ["duration", "monotonic_time"]);
    let started = start
        .measurement("monotonic_time")
        .and_then(OwnedValue::as_u64)
        .unwrap();
    let stopped = stop
        .measurement("monotonic_time")
        .and_then(OwnedValue::as_u64)
        .unwrap();
    let duration = stop
        .measurement("duration")
        .and_then(OwnedValue::as_u64)
        .unwrap();
    assert_eq!(
        stopped - started,
        duration,
        "duration is in the monotonic clock's unit"
    );
    let system = start
        .measurement("system_time")
        .and_then(OwnedValue::as_u64)
        .unwrap();
    assert!(
        system > 1_600_000_000_000_000_000,
        "system_time is Unix nanoseconds"
    );
}

#[test]
fn stop_metadata_equals_start_metadata_when_the_closure_returns_a_plain_value() {
    let captured = capture(|| span("sp.plain", &fields!(sha = "abc"), || Some(5)));
    assert_eq!(captured.result, Ok(Some(5)), "returned verbatim");
    assert_eq!(captured.events[1].metadata(), captured.events[0].metadata());
}

#[test]
fn spanned_returns_the_result_and_merges_the_extras_into_stop_metadata() {
    let captured = capture(|| {
        spanned(
            &["sp", "merge"],
            &fields!(reference = "HEAD", match_count = 0u64),
            || Spanned::new("matches", fields!(match_count = 3u64, files_scanned = 2u64)),
        )
    });
    assert_eq!(captured.result, Ok("matches"));
    let start = &captured.events[0];
    let stop = &captured.events[1];
    assert_eq!(start.metadata_keys(), ["reference", "match_count"]);
    assert_eq!(
        stop.metadata_keys(),
        ["reference", "match_count", "files_scanned"]
    );
    assert_eq!(
        stop.meta("match_count"),
        Some(&OwnedValue::U64(3)),
        "the extra wins"
    );
    assert_eq!(stop.meta("reference"), Some(&OwnedValue::from("HEAD")));
}

#[test]
fn a_spanned_value_is_returned_verbatim_by_span() {
    // `span` never interprets the closure's value: returning a `Spanned` there hands it back.
    let captured = capture(|| span("sp.verbatim", &[], || Spanned::new(1, fields!(x = 2u64))));
    let returned = captured.result.unwrap();
    assert_eq!(returned.into_parts().0, 1);
    assert!(captured.events[1].meta("x").is_none());
}

#[test]
fn an_early_return_and_a_question_mark_each_end_the_span_once() {
    fn parse(input: &str) -> Result<u32, std::num::ParseIntError> {
        span("sp.early", &fields!(input = input), || {
            if input.is_empty() {
                return Ok(0);
            }
            let n: u32 = input.parse()?;
            Ok(n * 2)
        })
        .unwrap()
    }
    for input in ["", "21", "x"] {
        let captured = capture(|| parse(input));
        assert_eq!(
            names(&captured.events),
            ["sp.early.start", "sp.early.stop"],
            "input {input:?}"
        );
    }
}

#[test]
fn a_panic_emits_the_exception_event_then_resumes() {
    let captured = capture(|| {
        std::panic::catch_unwind(|| {
            span("sp.panics", &fields!(sha = "abc"), || -> u32 {
                panic!("pack truncated")
            })
        })
    });
    assert!(captured.result.is_err(), "the panic reached the caller");
    assert_eq!(
        names(&captured.events),
        ["sp.panics.start", "sp.panics.exception"]
    );
    let exception = &captured.events[1];
    assert_eq!(exception.metadata_keys(), ["sha", "kind", "reason"]);
    assert_eq!(exception.meta("kind"), Some(&OwnedValue::atom("panic")));
    assert_eq!(
        exception.meta("reason"),
        Some(&OwnedValue::from("pack truncated"))
    );
    assert_eq!(exception.measurement_keys(), ["duration", "monotonic_time"]);
}

#[test]
fn all_three_events_of_a_span_share_its_context() {
    let captured = capture(|| {
        let _ = span("sp.shared", &[], || ());
        let _ = std::panic::catch_unwind(|| span("sp.shared", &[], || panic!("x")));
    });
    let contexts: Vec<_> = captured
        .events
        .iter()
        .map(|e| e.span_context().unwrap())
        .collect();
    assert_eq!(contexts[0], contexts[1]);
    assert_eq!(contexts[2], contexts[3]);
    assert_ne!(
        contexts[0].id(),
        contexts[2].id(),
        "each span has its own id"
    );
}

#[test]
fn a_nested_span_carries_its_parents_id() {
    let captured = capture(|| {
        span("sp.outer", &[], || {
            span("sp.inner", &[], || ()).unwrap();
        })
        .unwrap();
        span("sp.after", &[], || ()).unwrap();
    });
    let context = |name: &str| captured.named(name).next().unwrap().span_context().unwrap();
    let outer = context("sp.outer.start");
    let inner = context("sp.inner.start");
    assert_eq!(outer.parent(), None);
    assert_eq!(inner.parent(), Some(outer.id()));
    assert_eq!(context("sp.inner.stop").parent(), Some(outer.id()));
    assert_eq!(
        context("sp.after.start").parent(),
        None,
        "the outer span ended"
    );
}

#[test]
fn a_span_on_another_thread_is_not_a_child() {
    let captured = capture(|| {
        span("sp.thread_outer", &[], || {
            std::thread::spawn(|| capture(|| span("sp.thread_inner", &[], || ()).unwrap()).events)
                .join()
                .unwrap()
        })
        .unwrap()
    });
    let inner = &captured.result[0];
    assert_eq!(inner.span_context().unwrap().parent(), None);
}

#[test]
fn a_malformed_prefix_is_an_error_and_the_closure_does_not_run() {
    let mut ran = false;
    let result = span("sp.Bad", &[], || ran = true);
    assert!(matches!(
        result,
        Err(NameError::InvalidCharacter { character: 'B', .. })
    ));
    assert!(!ran);
}

#[test]
fn a_prefix_ending_in_a_phase_is_rejected_and_the_closure_does_not_run() {
    for phased in ["sp.grep.stop", "sp.grep.start", "sp.grep.exception"] {
        let mut ran = false;
        let result = span(phased, &[], || ran = true);
        assert_eq!(
            result,
            Err(NameError::PhaseInPrefix {
                name: phased.to_owned()
            })
        );
        assert!(!ran, "{phased}");
    }
}

#[test]
fn a_segment_list_ending_in_a_phase_is_rejected_too() {
    let result = spanned(&["sp", "grep", "stop"], &[], || Spanned::new((), NO_EXTRA));
    assert!(matches!(result, Err(NameError::PhaseInPrefix { .. })));
}

const NO_EXTRA: [telemetry_runtime::Field<'static>; 0] = [];

#[test]
fn extras_computed_inside_the_closure_are_returned_by_value() {
    let captured = capture(|| {
        spanned("sp.owned", &fields!(kind = "blob"), || {
            let sha: Vec<u8> = (0u8..20).collect();
            let path = format!("objects/{:02x}/{}", sha[0], sha.len());
            Spanned::new(
                sha.len(),
                owned_fields!(sha = sha, path = path, size = 7u64),
            )
        })
    });
    assert_eq!(captured.result, Ok(20));
    let stop = &captured.events[1];
    assert_eq!(stop.metadata_keys(), ["kind", "sha", "path", "size"]);
    let expected: Vec<u8> = (0u8..20).collect();
    assert_eq!(
        stop.meta("sha").and_then(OwnedValue::as_bytes),
        Some(&expected[..])
    );
    assert_eq!(stop.meta("path"), Some(&OwnedValue::from("objects/00/20")));
}

#[test]
fn owned_extras_win_over_start_metadata_on_a_shared_key() {
    let captured = capture(|| {
        GREP.spanned(&fields!(match_count = 0u64), || {
            Spanned::new((), owned_fields!(match_count = 4u64))
        })
    });
    assert_eq!(
        captured.events[1].meta("match_count"),
        Some(&OwnedValue::from(4u64))
    );
}

static GREP: SpanSlots = SpanSlots::new(&["sp", "static", "grep"]);

#[test]
fn static_span_slots_emit_the_same_events_as_dynamic_names() {
    let captured = capture(|| {
        GREP.spanned(&fields!(pattern = "foo"), || {
            Spanned::new(3, fields!(match_count = 3u64))
        })
    });
    assert_eq!(captured.result, 3);
    assert_eq!(
        names(&captured.events),
        ["sp.static.grep.start", "sp.static.grep.stop"]
    );
    assert_eq!(
        captured.events[1].metadata_keys(),
        ["pattern", "match_count"]
    );
}

static CANCELLED: SpanSlots = SpanSlots::new(&["sp", "static", "cancelled"]);

#[test]
fn an_active_span_dropped_before_it_ends_emits_a_cancelled_exception() {
    let captured = capture(|| {
        assert!(CANCELLED.is_enabled(), "a capture listens to everything");
        let metadata = fields!(sha = "abc");
        let active = ActiveSpan::start(&CANCELLED, &metadata);
        drop(active);
    });
    assert_eq!(
        names(&captured.events),
        ["sp.static.cancelled.start", "sp.static.cancelled.exception"]
    );
    let exception = &captured.events[1];
    assert_eq!(exception.meta("kind"), Some(&OwnedValue::atom("cancelled")));
    assert_eq!(exception.meta("sha"), Some(&OwnedValue::from("abc")));
}
