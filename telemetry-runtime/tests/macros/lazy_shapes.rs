//! Lazy spans over every return shape: `Result` and `Option` of an iterator, and streams.
//! Each ends its span exactly once, however its work ends.

use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use futures_core::Stream;
use telemetry_runtime::{self as telemetry, OwnedValue, capture, stop};

const WALK: [&str; 2] = ["behaviour.fs.walk.start", "behaviour.fs.walk.stop"];

#[telemetry::span("behaviour.fs.walk", lazy)]
fn walk_checked(
    reference: &str,
    files: Vec<&'static str>,
) -> Result<impl Iterator<Item = &'static str>, String> {
    if reference.is_empty() {
        return Err("no such reference".to_owned());
    }
    if reference == "cursed" {
        panic!("cursed reference");
    }
    let mut seen = 0u64;
    Ok(files.into_iter().inspect(move |_| {
        seen += 1;
        stop!(file_count = seen);
    }))
}

#[telemetry::span("behaviour.fs.walk", lazy)]
fn walk_if_any(files: Vec<&'static str>, reference: &str) -> Option<impl Iterator<Item = usize>> {
    let _ = reference;
    stop!(file_count = files.len() as u64);
    (!files.is_empty()).then(|| files.into_iter().map(str::len))
}

/// A stream whose every poll is ready with what `next` returns.
struct Steps<F>(F);

impl<T, F: FnMut() -> Option<T> + Unpin> Stream for Steps<F> {
    type Item = T;
    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<T>> {
        Poll::Ready((self.0)())
    }
}

#[telemetry::span("behaviour.fs.walk", lazy)]
fn walk_stream(
    reference: &str,
    patterns: Vec<&'static str>,
) -> impl Stream<Item = Result<u64, String>> + Unpin {
    let _ = reference;
    let mut patterns = patterns.into_iter();
    let mut seen = 0u64;
    stop!(file_count = seen);
    Steps(move || {
        let pattern = patterns.next()?;
        seen += 1;
        stop!(file_count = seen);
        Some(super::grep("HEAD", pattern, None))
    })
}

/// Polls `stream` up to `limit` items with a waker that does nothing.
fn poll_up_to<S: Stream + Unpin>(stream: &mut S, limit: usize) -> usize {
    let mut cx = Context::from_waker(Waker::noop());
    let mut polled = 0;
    while polled < limit {
        match Pin::new(&mut *stream).poll_next(&mut cx) {
            Poll::Ready(Some(_)) => polled += 1,
            Poll::Ready(None) | Poll::Pending => break,
        }
    }
    polled
}

#[test]
fn a_lazy_span_stops_when_its_iterator_is_exhausted_with_the_values_set_meanwhile() {
    let captured = capture(|| {
        let files = super::walk("HEAD", vec!["a", "b", "c"]);
        let started = capture(|| ()).events.len(); // nothing emitted between calls
        assert_eq!(started, 0);
        files.count()
    });
    assert_eq!(captured.result, 3);
    assert_eq!(
        captured.names(),
        ["behaviour.fs.walk.start", "behaviour.fs.walk.stop"]
    );
    assert_eq!(
        captured.events[1].meta("file_count"),
        Some(&OwnedValue::U64(3))
    );
    assert_eq!(
        captured.events[1].meta("reference"),
        Some(&OwnedValue::from("HEAD"))
    );
}

#[test]
fn a_lazy_span_stops_when_its_iterator_is_dropped_early() {
    let captured = capture(|| super::walk("HEAD", vec!["a", "b", "c"]).take(1).count());
    assert_eq!(captured.result, 1);
    assert_eq!(
        captured.names(),
        ["behaviour.fs.walk.start", "behaviour.fs.walk.stop"]
    );
    assert_eq!(
        captured.events[1].meta("file_count"),
        Some(&OwnedValue::U64(1))
    );
}

#[test]
fn a_lazy_span_whose_iterator_panics_ends_with_the_exception() {
    let captured =
        capture(|| std::panic::catch_unwind(|| super::walk("HEAD", vec!["a", "poison"]).count()));
    assert!(captured.result.is_err());
    assert_eq!(
        captured.names(),
        ["behaviour.fs.walk.start", "behaviour.fs.walk.exception"]
    );
    assert_eq!(
        captured.events[1].meta("reason"),
        Some(&OwnedValue::from("unreadable file"))
    );
}

#[test]
fn spans_started_by_a_lazy_iterators_own_work_are_its_children() {
    let captured = capture(|| super::walk_grepping("HEAD", vec!["3", "4"]).count());
    let walk_id = captured
        .named("behaviour.fs.walk.start")
        .next()
        .unwrap()
        .span_context()
        .unwrap()
        .id();
    let grep_start = captured.named("behaviour.fs.grep.start").next().unwrap();
    assert_eq!(grep_start.span_context().unwrap().parent(), Some(walk_id));
}

#[test]
fn an_ok_iterator_keeps_its_span_open_until_it_is_exhausted() {
    let captured = capture(|| walk_checked("HEAD", vec!["a", "b"]).map(Iterator::count));
    assert_eq!(captured.result, Ok(2));
    assert_eq!(captured.names(), WALK);
    assert_eq!(
        captured.events[1].meta("file_count"),
        Some(&OwnedValue::U64(2))
    );
}

#[test]
fn a_lazy_span_that_ends_without_its_required_stop_key_reports_it() {
    // Nothing walked: the only `stop!` of `file_count` never ran.
    let captured = capture(|| walk_checked("HEAD", Vec::new()).map(Iterator::count));
    assert_eq!(captured.result, Ok(0));
    assert_eq!(
        captured.names(),
        [
            "behaviour.fs.walk.start",
            "behaviour.fs.walk.stop",
            "telemetry.span.missing_stop_key"
        ]
    );
    let missing = &captured.events[2];
    assert_eq!(
        missing.meta("span"),
        Some(&OwnedValue::from("behaviour.fs.walk"))
    );
    assert_eq!(missing.meta("key"), Some(&OwnedValue::from("file_count")));
}

#[test]
fn an_err_ends_the_span_at_once_as_an_exception() {
    let captured = capture(|| walk_checked("", vec!["a"]).map(Iterator::count));
    assert_eq!(captured.result, Err("no such reference".to_owned()));
    assert_eq!(
        captured.names(),
        ["behaviour.fs.walk.start", "behaviour.fs.walk.exception"]
    );
    let exception = &captured.events[1];
    assert_eq!(exception.meta("kind"), Some(&OwnedValue::atom("error")));
    assert_eq!(
        exception.meta("reason"),
        Some(&OwnedValue::from("\"no such reference\""))
    );
}

#[test]
fn a_panic_in_the_body_ends_the_span_as_an_exception() {
    let captured =
        capture(|| std::panic::catch_unwind(|| walk_checked("cursed", vec!["a"]).is_ok()));
    assert!(captured.result.is_err());
    assert_eq!(
        captured.names(),
        ["behaviour.fs.walk.start", "behaviour.fs.walk.exception"]
    );
    assert_eq!(
        captured.events[1].meta("reason"),
        Some(&OwnedValue::from("cursed reference"))
    );
}

#[test]
fn none_ends_the_span_at_once_with_the_stop_values_set() {
    let captured = capture(|| walk_if_any(Vec::new(), "HEAD").is_none());
    assert!(captured.result);
    assert_eq!(captured.names(), WALK);
    assert_eq!(
        captured.events[1].meta("file_count"),
        Some(&OwnedValue::U64(0))
    );
}

#[test]
fn some_iterator_keeps_its_span_open_until_it_is_exhausted() {
    let captured = capture(|| {
        let lengths = walk_if_any(vec!["ab", "c"], "HEAD").unwrap();
        assert!(telemetry::capture(|| ()).events.is_empty());
        lengths.sum::<usize>()
    });
    assert_eq!(captured.result, 3);
    assert_eq!(captured.names(), WALK);
}

#[test]
fn a_stream_polled_to_its_end_stops_its_span() {
    let captured = capture(|| poll_up_to(&mut walk_stream("HEAD", vec!["1", "2"]), 10));
    assert_eq!(captured.result, 2);
    let names = captured.names();
    assert_eq!(names.first(), Some(&"behaviour.fs.walk.start"));
    assert_eq!(names.last(), Some(&"behaviour.fs.walk.stop"));
    assert_eq!(captured.named("behaviour.fs.walk.stop").count(), 1);
    let stop = captured.named("behaviour.fs.walk.stop").next().unwrap();
    assert_eq!(stop.meta("file_count"), Some(&OwnedValue::U64(2)));
}

#[test]
fn a_stream_dropped_early_stops_its_span_with_the_values_so_far() {
    let captured = capture(|| {
        let mut stream = walk_stream("HEAD", vec!["1", "2", "3"]);
        poll_up_to(&mut stream, 1)
    });
    assert_eq!(captured.result, 1);
    let walk: Vec<&str> = captured
        .names()
        .into_iter()
        .filter(|name| name.starts_with("behaviour.fs.walk."))
        .collect();
    assert_eq!(walk, WALK);
    let stop = captured.named("behaviour.fs.walk.stop").next().unwrap();
    assert_eq!(stop.meta("file_count"), Some(&OwnedValue::U64(1)));
}

#[test]
fn spans_started_while_a_lazy_stream_is_polled_are_its_children() {
    let captured = capture(|| poll_up_to(&mut walk_stream("HEAD", vec!["1"]), 10));
    let walk = captured.named("behaviour.fs.walk.start").next().unwrap();
    let walk_id = walk.span_context().unwrap().id();
    let grep = captured.named("behaviour.fs.grep.start").next().unwrap();
    assert_eq!(grep.span_context().unwrap().parent(), Some(walk_id));
}
