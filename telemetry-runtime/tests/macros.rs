//! What the macros' generated code does at run time: span pairing on every exit path,
//! cancellation, lazy spans, laziness of `stop!` and `emit!`, typed handlers, `catalog!`.
//! The catalogue is `tests/telemetry.toml`.

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use telemetry_runtime::{self as telemetry, Atom, EventRecord, OwnedValue, capture, stop};

mod catalogue {
    telemetry_runtime::catalog!();
}

#[path = "macros/checked_keys.rs"]
mod checked_keys;
#[path = "macros/lazy_shapes.rs"]
mod lazy_shapes;

#[derive(telemetry::Atom, Clone, Copy, Debug, PartialEq)]
enum SessionType {
    Full,
    #[atom(rename = "oauth2")]
    OAuth,
}

#[telemetry::event("behaviour.session.create")]
struct SessionCreate<'a> {
    session_id: &'a str,
    user_id: u64,
    session_type: SessionType,
    hit: Option<bool>,
}

#[derive(telemetry::Atom, Clone, Copy)]
enum Policy {
    Log,
    Error,
    Callback,
}

#[telemetry::event("behaviour.cache.overfull")]
struct CacheOverfull {
    bytes: u64,
    cap: u64,
    policy: Policy,
}

#[telemetry::span("behaviour.fs.grep")]
fn grep(reference: &str, pattern: &str, path_glob: Option<&str>) -> Result<u64, String> {
    if pattern.is_empty() {
        return Ok(0); // early return, before any stop!
    }
    let n: u64 = pattern
        .parse()
        .map_err(|_| format!("bad pattern {pattern}"))?;
    if n == 99 {
        panic!("pattern 99 is cursed");
    }
    let _ = (reference, path_glob);
    stop!(match_count = n);
    Ok(n)
}

#[telemetry::span("behaviour.store.get")]
async fn get(sha: &str, ready_after: u32) -> bool {
    YieldTimes(ready_after).await;
    let hit = sha.starts_with('a');
    stop!(hit = hit);
    hit
}

#[telemetry::span("behaviour.store.get", sha = "panics")]
async fn get_panics() {
    YieldTimes(1).await;
    panic!("store offline");
}

#[telemetry::span("behaviour.fs.walk", lazy)]
fn walk(reference: &str, files: Vec<&'static str>) -> impl Iterator<Item = &'static str> {
    let _ = reference;
    let mut seen = 0u64;
    files.into_iter().inspect(move |file| {
        if *file == "poison" {
            panic!("unreadable file");
        }
        seen += 1;
        stop!(file_count = seen);
    })
}

/// A lazy span whose iterator does work of its own that is instrumented.
#[telemetry::span("behaviour.fs.walk", lazy)]
fn walk_grepping(
    reference: &str,
    patterns: Vec<&'static str>,
) -> impl Iterator<Item = Result<u64, String>> {
    let _ = reference;
    let mut seen = 0u64;
    patterns.into_iter().map(move |pattern| {
        seen += 1;
        stop!(file_count = seen);
        grep("HEAD", pattern, None)
    })
}

/// A future that is pending `0` times, then ready.
struct YieldTimes(u32);

impl Future for YieldTimes {
    type Output = ();
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 == 0 {
            return Poll::Ready(());
        }
        self.0 -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

fn names(captured: &telemetry::Captured<impl Sized>) -> Vec<&str> {
    captured.names()
}

#[test]
fn a_span_function_ends_once_on_normal_return_early_return_and_question_mark() {
    for pattern in ["3", "", "x"] {
        let captured = capture(|| grep("HEAD", pattern, None));
        // Only the span's own events: the early exits also report their missing stop key.
        let span_events: Vec<&str> = names(&captured)
            .into_iter()
            .filter(|name| name.starts_with("behaviour.fs.grep."))
            .collect();
        assert_eq!(
            span_events,
            ["behaviour.fs.grep.start", "behaviour.fs.grep.stop"],
            "pattern {pattern:?}"
        );
    }
}

#[test]
fn stop_metadata_is_start_metadata_plus_the_stop_values() {
    let captured = capture(|| grep("HEAD", "3", Some("*.rs")));
    let stop = &captured.events[1];
    assert_eq!(
        stop.metadata_keys(),
        ["reference", "pattern", "path_glob", "match_count"]
    );
    assert_eq!(stop.meta("match_count"), Some(&OwnedValue::U64(3)));
    let start = &captured.events[0];
    assert_eq!(start.metadata_keys(), ["reference", "pattern", "path_glob"]);
}

#[test]
fn an_absent_optional_argument_is_an_absent_key() {
    let captured = capture(|| grep("HEAD", "1", None));
    assert!(captured.events[0].meta("path_glob").is_none());
}

#[test]
fn a_panicking_span_function_emits_the_exception_with_start_metadata_then_resumes() {
    let captured = capture(|| std::panic::catch_unwind(|| grep("HEAD", "99", None)));
    assert!(captured.result.is_err());
    assert_eq!(
        names(&captured),
        ["behaviour.fs.grep.start", "behaviour.fs.grep.exception"]
    );
    let exception = &captured.events[1];
    assert_eq!(
        exception.metadata_keys(),
        ["reference", "pattern", "kind", "reason"]
    );
    assert_eq!(exception.meta("kind"), Some(&OwnedValue::atom("panic")));
    assert_eq!(
        exception.meta("reason"),
        Some(&OwnedValue::from("pattern 99 is cursed"))
    );
}

#[test]
fn an_async_span_covers_the_whole_future_and_carries_stop_values() {
    let captured = capture(|| block_on(get("abc", 3)));
    assert!(captured.result);
    assert_eq!(
        names(&captured),
        ["behaviour.store.get.start", "behaviour.store.get.stop"]
    );
    assert_eq!(
        captured.events[1].meta("hit?"),
        Some(&OwnedValue::Bool(true))
    );
}

#[test]
fn an_async_span_dropped_before_completion_ends_with_a_cancelled_exception() {
    let captured = capture(|| {
        let mut future = Box::pin(get("abc", 5));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(future.as_mut().poll(&mut cx).is_pending());
        drop(future);
    });
    assert_eq!(
        names(&captured),
        ["behaviour.store.get.start", "behaviour.store.get.exception"]
    );
    let exception = &captured.events[1];
    assert_eq!(exception.meta("kind"), Some(&OwnedValue::atom("cancelled")));
    assert_eq!(exception.meta("sha"), Some(&OwnedValue::from("abc")));
}

#[test]
fn an_async_span_that_panics_ends_with_a_panic_exception() {
    let captured = capture(|| std::panic::catch_unwind(|| block_on(get_panics())));
    assert!(captured.result.is_err());
    assert_eq!(
        names(&captured),
        ["behaviour.store.get.start", "behaviour.store.get.exception"]
    );
    assert_eq!(
        captured.events[1].meta("reason"),
        Some(&OwnedValue::from("store offline"))
    );
}

#[test]
fn emit_fills_constant_measurements_and_leaves_absent_options_out() {
    let captured = capture(|| {
        telemetry::emit!(SessionCreate {
            session_id: "s1",
            user_id: 1,
            session_type: SessionType::Full,
            hit: None
        });
    });
    assert_eq!(
        captured.events[0].measurement("count"),
        Some(&OwnedValue::U64(1))
    );
    assert_eq!(
        captured.events[0].metadata_keys(),
        ["session_id", "user_id", "session_type"]
    );
}

#[test]
fn a_typed_handler_receives_the_event_as_its_struct() {
    type Seen = (String, u64, SessionType, Option<bool>, u64);
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let sink = Arc::clone(&seen);
    SessionCreate::attach("typed-session", move |event, measurements| {
        let count = measurements
            .get("count")
            .and_then(|v| v.as_u64())
            .unwrap_or(0);
        sink.lock().unwrap().push((
            event.session_id.to_owned(),
            event.user_id,
            event.session_type,
            event.hit,
            count,
        ));
    })
    .unwrap();
    SessionCreate {
        session_id: "typed",
        user_id: 9,
        session_type: SessionType::OAuth,
        hit: Some(false),
    }
    .emit();
    telemetry::detach("typed-session").unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(
        *seen,
        [("typed".to_owned(), 9, SessionType::OAuth, Some(false), 1)]
    );
}

#[test]
fn an_event_struct_is_viewable_as_keys_and_values() {
    let event = CacheOverfull {
        bytes: 10,
        cap: 8,
        policy: Policy::Callback,
    };
    event.with_fields(|measurements, metadata| {
        assert_eq!(measurements.keys().collect::<Vec<_>>(), ["bytes", "cap"]);
        assert_eq!(
            metadata.get("policy").and_then(|v| v.as_atom()),
            Some("callback")
        );
    });
    assert_eq!(CacheOverfull::NAME.to_string(), "behaviour.cache.overfull");
    let _ = (Policy::Log, Policy::Error);
}

#[test]
fn derived_atoms_are_snake_case_unless_renamed() {
    assert_eq!(SessionType::VALUES, ["full", "oauth2"]);
    assert_eq!(SessionType::Full.atom(), "full");
    assert_eq!(SessionType::from_atom("oauth2"), Some(SessionType::OAuth));
    assert_eq!(SessionType::from_atom("bearer"), None);
}

#[test]
fn catalog_lists_the_spans_and_events_of_the_catalogue() {
    let spans: Vec<String> = catalogue::events()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        spans,
        [
            "behaviour.fs.grep",
            "behaviour.fs.walk",
            "behaviour.store.get",
            "behaviour.auth.check"
        ]
    );
    let events: Vec<String> = catalogue::emit_events()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        events,
        [
            "behaviour.session.create",
            "behaviour.cache.overfull",
            "behaviour.auth.login"
        ]
    );
    let info = catalogue::CATALOG.event("behaviour.fs.grep").unwrap();
    let grep_keys: Vec<(&str, bool, bool)> = info
        .metadata
        .iter()
        .map(|k| (k.name, k.required, k.stop_only))
        .collect();
    assert_eq!(
        grep_keys,
        [
            ("reference", true, false),
            ("pattern", true, false),
            ("path_glob", false, false),
            ("match_count", true, true),
            ("files_scanned", false, true)
        ]
    );
}

#[test]
fn catalog_with_handler_sees_every_span_stop_while_the_closure_runs() {
    let stops = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&stops);
    let result = catalogue::with_handler(
        move |event| {
            // Other tests run in parallel: keep only this test's spans.
            if event.metadata().get("reference").and_then(|v| v.as_str()) == Some("with-handler") {
                sink.lock().unwrap().push(event.name().to_string());
            }
        },
        || {
            let _ = grep("with-handler", "2", None);
            walk("with-handler", vec!["a"]).count()
        },
    )
    .unwrap();
    assert_eq!(result, 1);
    let _ = grep("with-handler", "2", None); // after: detached
    assert_eq!(
        *stops.lock().unwrap(),
        ["behaviour.fs.grep.stop", "behaviour.fs.walk.stop"]
    );
}

#[telemetry::span("behaviour.fs.grep")]
fn grep_each(reference: &str, pattern: &str) -> Vec<usize> {
    vec![reference.len(), {
        stop!(match_count = pattern.len());
        pattern.len()
    }]
}

#[test]
fn stop_inside_another_macros_arguments_sets_its_key() {
    let captured = capture(|| grep_each("HEAD", "abc"));
    assert_eq!(
        captured.events[1].meta("match_count"),
        Some(&OwnedValue::U64(3))
    );
}

/// A crate that re-exports the runtime, as a facade library would.
mod facade {
    pub(crate) use telemetry_runtime as rt;
}

#[telemetry::event("behaviour.cache.overfull", crate = facade::rt)]
struct CacheOverfullThroughFacade {
    bytes: u64,
    cap: u64,
    policy: Policy,
}

#[test]
fn an_event_declared_through_a_re_exported_runtime_emits_like_any_other() {
    let captured = capture(|| {
        telemetry::emit!(
            crate = facade::rt,
            CacheOverfullThroughFacade {
                bytes: 10,
                cap: 8,
                policy: Policy::Error,
            }
        );
    });
    assert_eq!(names(&captured), ["behaviour.cache.overfull"]);
    assert_eq!(
        captured.events[0].measurement("bytes"),
        Some(&OwnedValue::U64(10))
    );
    assert_eq!(
        captured.events[0].meta("policy"),
        Some(&OwnedValue::Atom("error"))
    );
}
