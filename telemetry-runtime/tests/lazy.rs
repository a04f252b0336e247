//! Lazy spans as the macros expand them over `OwnedSpan`: the span stays open while the
//! returned iterator or stream runs, keeps the `stop!` values set by the body and by each
//! step, and ends once, however the work ends.

use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use futures_core::Stream;
use telemetry_runtime::__private::{KeptFields, LazySpan, LazyStop, OwnedSpan, run_lazy_body};
use telemetry_runtime::{OwnedValue, SpanSlots, Value, capture};

static WALK: SpanSlots = SpanSlots::new(&["lazy", "fs", "walk"]);

/// What `#[span("lazy.fs.walk", lazy)]` expands to for a function returning
/// `impl Iterator`, with `stop!(file_count = ..)` in the body and in each step.
fn walk(reference: &str, files: Vec<&'static str>) -> impl Iterator<Item = &'static str> {
    let mut span = WALK.is_enabled().then(|| {
        let mut start = KeptFields::<1>::new();
        start.push("reference", Value::from(reference));
        OwnedSpan::<1, 2>::start(&WALK, start)
    });
    let stop = LazyStop::of_owned(span.as_ref());
    let files = run_lazy_body(&mut span, || {
        let mut seen = 0u64;
        if stop.is_enabled() {
            stop.set("file_count", Value::from(seen));
            stop.set("last_file", Value::from("none yet, a string"));
        }
        files.into_iter().inspect(move |file| {
            assert!(*file != "poison", "unreadable file");
            seen += 1;
            if stop.is_enabled() {
                stop.set("file_count", Value::from(seen));
                stop.set("last_file", Value::from(*file));
            }
        })
    });
    LazySpan::over(files, span)
}

#[test]
fn an_exhausted_iterator_stops_its_span_with_the_last_values_set() {
    let captured = capture(|| walk("HEAD", vec!["a.txt", "b.txt"]).count());
    assert_eq!(captured.result, 2);
    assert_eq!(
        captured.names(),
        ["lazy.fs.walk.start", "lazy.fs.walk.stop"]
    );
    let stop = &captured.events[1];
    assert_eq!(
        stop.metadata_keys(),
        ["reference", "file_count", "last_file"]
    );
    assert_eq!(stop.meta("reference"), Some(&OwnedValue::from("HEAD")));
    assert_eq!(stop.meta("file_count"), Some(&OwnedValue::from(2u64)));
    assert_eq!(stop.meta("last_file"), Some(&OwnedValue::from("b.txt")));
}

#[test]
fn values_set_by_the_body_alone_reach_the_stop_of_an_empty_iterator() {
    let captured = capture(|| walk("HEAD", Vec::new()).count());
    assert_eq!(
        captured.events[1].meta("file_count"),
        Some(&OwnedValue::from(0u64))
    );
}

#[test]
fn an_iterator_dropped_early_stops_with_what_it_had_found() {
    let captured = capture(|| walk("HEAD", vec!["a", "b", "c"]).nth(1));
    assert_eq!(captured.result, Some("b"));
    assert_eq!(
        captured.names(),
        ["lazy.fs.walk.start", "lazy.fs.walk.stop"]
    );
    assert_eq!(
        captured.events[1].meta("file_count"),
        Some(&OwnedValue::from(2u64))
    );
}

#[test]
fn a_step_that_panics_ends_the_span_with_one_exception() {
    let captured =
        capture(|| std::panic::catch_unwind(|| walk("HEAD", vec!["a", "poison", "c"]).count()));
    assert!(captured.result.is_err());
    assert_eq!(
        captured.names(),
        ["lazy.fs.walk.start", "lazy.fs.walk.exception"]
    );
    let exception = &captured.events[1];
    assert_eq!(exception.meta("kind"), Some(&OwnedValue::atom("panic")));
    assert_eq!(
        exception.meta("reason"),
        Some(&OwnedValue::from("unreadable file"))
    );
}

#[test]
fn the_consumers_code_runs_outside_the_lazy_span() {
    let captured = capture(|| {
        walk("HEAD", vec!["a"])
            .map(|_| telemetry_runtime::current_span())
            .collect::<Vec<_>>()
    });
    assert_eq!(captured.result, [None]);
}

static OPEN: SpanSlots = SpanSlots::new(&["lazy", "fs", "open"]);

#[derive(Debug)]
struct NotFound(&'static str);

/// `#[span(.., lazy)]` over a function returning `Result<impl Iterator, E>`.
fn open(path: &'static str) -> Result<impl Iterator<Item = u8>, NotFound> {
    let mut span = OPEN
        .is_enabled()
        .then(|| OwnedSpan::<0, 1>::start(&OPEN, KeptFields::new()));
    let stop = LazyStop::of_owned(span.as_ref());
    let result = run_lazy_body(&mut span, || {
        if path.is_empty() {
            return Err(NotFound("no such file"));
        }
        if stop.is_enabled() {
            stop.set("path", Value::from(path));
        }
        Ok(path.bytes())
    });
    LazySpan::over_result(result, span)
}

#[test]
fn an_err_before_yielding_ends_the_span_at_once_as_an_exception() {
    let captured = capture(|| open("").map(Iterator::count));
    assert!(matches!(captured.result, Err(NotFound("no such file"))));
    assert_eq!(
        captured.names(),
        ["lazy.fs.open.start", "lazy.fs.open.exception"]
    );
    let exception = &captured.events[1];
    assert_eq!(exception.meta("kind"), Some(&OwnedValue::atom("error")));
    assert_eq!(
        exception.meta("reason"),
        Some(&OwnedValue::from("NotFound(\"no such file\")"))
    );
}

#[test]
fn an_ok_iterator_keeps_its_span_open_until_it_is_exhausted() {
    let captured = capture(|| open("ab").map(Iterator::count));
    assert!(matches!(captured.result, Ok(2)));
    assert_eq!(
        captured.names(),
        ["lazy.fs.open.start", "lazy.fs.open.stop"]
    );
    assert_eq!(
        captured.events[1].meta("path"),
        Some(&OwnedValue::from("ab"))
    );
}

static FIND: SpanSlots = SpanSlots::new(&["lazy", "fs", "find"]);

/// `#[span(.., lazy)]` over a function returning `Option<impl Iterator>`.
fn find(present: bool) -> Option<impl Iterator<Item = u8>> {
    let mut span = FIND
        .is_enabled()
        .then(|| OwnedSpan::<0, 1>::start(&FIND, KeptFields::new()));
    let stop = LazyStop::of_owned(span.as_ref());
    let found = run_lazy_body(&mut span, || {
        if stop.is_enabled() {
            stop.set("present?", Value::from(present));
        }
        present.then(|| [1u8, 2].into_iter())
    });
    LazySpan::over_option(found, span)
}

#[test]
fn none_before_yielding_ends_the_span_at_once_with_a_stop() {
    let captured = capture(|| find(false).is_none());
    assert!(captured.result);
    assert_eq!(
        captured.names(),
        ["lazy.fs.find.start", "lazy.fs.find.stop"]
    );
    assert_eq!(
        captured.events[1].meta("present?"),
        Some(&OwnedValue::from(false))
    );
}

#[test]
fn some_iterator_stops_its_span_when_exhausted() {
    let captured = capture(|| find(true).map(Iterator::count));
    assert_eq!(captured.result, Some(2));
    assert_eq!(
        captured.names(),
        ["lazy.fs.find.start", "lazy.fs.find.stop"]
    );
}

static PACKETS: SpanSlots = SpanSlots::new(&["lazy", "net", "packets"]);

/// A stream that is ready at once with `0..n`, then ends.
struct Counter {
    next: u64,
    end: u64,
}

impl Stream for Counter {
    type Item = u64;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<u64>> {
        if self.next == self.end {
            return Poll::Ready(None);
        }
        self.next += 1;
        Poll::Ready(Some(self.next - 1))
    }
}

/// `#[span(.., lazy)]` over a function returning `impl Stream`.
fn packets(n: u64) -> impl Stream<Item = u64> + Unpin {
    let mut span = PACKETS.is_enabled().then(|| {
        let mut start = KeptFields::<1>::new();
        start.push("wanted", Value::from(n));
        OwnedSpan::<1, 1>::start(&PACKETS, start)
    });
    let stop = LazyStop::of_owned(span.as_ref());
    let stream = run_lazy_body(&mut span, || {
        let _ = stop;
        Counter { next: 0, end: n }
    });
    LazySpan::over(stream, span)
}

fn drain<S: Stream + Unpin>(mut stream: S) -> Vec<S::Item> {
    let mut cx = Context::from_waker(Waker::noop());
    let mut items = Vec::new();
    while let Poll::Ready(Some(item)) = Pin::new(&mut stream).poll_next(&mut cx) {
        items.push(item);
    }
    items
}

#[test]
fn a_stream_stops_its_span_when_it_ends() {
    let captured = capture(|| drain(packets(3)));
    assert_eq!(captured.result, [0, 1, 2]);
    assert_eq!(
        captured.names(),
        ["lazy.net.packets.start", "lazy.net.packets.stop"]
    );
    assert_eq!(
        captured.events[1].meta("wanted"),
        Some(&OwnedValue::from(3u64))
    );
}

#[test]
fn a_stream_dropped_before_it_ends_stops_its_span_once() {
    let captured = capture(|| {
        let mut stream = packets(3);
        let mut cx = Context::from_waker(Waker::noop());
        let first = Pin::new(&mut stream).poll_next(&mut cx);
        drop(stream);
        first
    });
    assert_eq!(captured.result, Poll::Ready(Some(0)));
    assert_eq!(
        captured.names(),
        ["lazy.net.packets.start", "lazy.net.packets.stop"]
    );
}

#[test]
fn without_a_span_the_work_runs_unchanged_and_stop_is_inert() {
    let span: Option<OwnedSpan<0, 0>> = None;
    assert!(!LazyStop::of_owned(span.as_ref()).is_enabled());
    assert_eq!(LazySpan::over(0..3, span).sum::<i32>(), 3);
}

#[test]
fn a_lazy_span_over_a_send_iterator_is_send() {
    fn moved_to_another_thread<T: Send + 'static>(value: T) -> T {
        std::thread::spawn(move || value).join().unwrap()
    }
    let captured = capture(|| moved_to_another_thread(walk("HEAD", vec!["a"])).count());
    assert_eq!(captured.result, 1);
    assert_eq!(
        captured.names(),
        ["lazy.fs.walk.start", "lazy.fs.walk.stop"]
    );
}
