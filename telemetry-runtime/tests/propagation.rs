//! Context across threads and tasks: work handed off with its context starts spans that
//! are children of the span that handed it off, in the same trace.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use telemetry_runtime::{
    InContext, OwnedEvent, SpanContext, TraceContext, capture, current_span, span,
};

const REMOTE: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

fn context_of(events: &[OwnedEvent], name: &str) -> SpanContext {
    events
        .iter()
        .find(|e| e.name() == name)
        .and_then(OwnedEvent::span_context)
        .unwrap_or_else(|| panic!("no span event {name}"))
}

fn multi_threaded_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap()
}

fn poll_once<F: Future>(future: F) -> Poll<F::Output> {
    pin!(future).poll(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn a_span_in_a_thread_that_entered_the_context_is_a_child_of_the_spawning_span() {
    let captured = capture(|| {
        span("prop.thread.parent", &[], || {
            let context = TraceContext::current();
            std::thread::spawn(move || {
                let _entered = context.enter();
                span("prop.thread.child", &[], || ()).unwrap();
            })
            .join()
            .unwrap();
        })
        .unwrap()
    });
    let parent = context_of(&captured.events, "prop.thread.parent.start");
    let child = context_of(&captured.events, "prop.thread.child.start");
    assert_eq!(child.parent(), Some(parent.id()));
    assert_eq!(child.trace_id(), parent.trace_id());
}

#[test]
fn a_thread_spawned_without_the_context_starts_with_no_current_span() {
    let seen = capture(|| {
        span("prop.plain_thread", &[], || {
            std::thread::spawn(current_span).join().unwrap()
        })
        .unwrap()
    });
    assert_eq!(seen.result, None);
}

#[test]
fn a_context_entered_on_one_thread_is_not_current_on_another() {
    let remote = TraceContext::from_headers(REMOTE, None).unwrap();
    let _entered = remote.enter();
    let elsewhere = std::thread::spawn(current_span).join().unwrap();
    assert_eq!(elsewhere, None);
    assert!(current_span().is_some_and(|s| s.is_remote()));
}

#[test]
fn dropping_the_guard_restores_the_span_that_was_current_on_its_thread() {
    let captured = capture(|| {
        span("prop.guard.outer", &[], || {
            let outer = current_span();
            {
                let _entered = TraceContext::from_headers(REMOTE, None).unwrap().enter();
                assert_ne!(current_span(), outer);
            }
            assert_eq!(current_span(), outer);
        })
        .unwrap()
    });
    assert_eq!(captured.names().len(), 2);
    assert_eq!(current_span(), None);
}

#[test]
fn a_task_carried_by_the_adaptor_is_a_child_of_the_span_that_spawned_it() {
    let runtime = multi_threaded_runtime();
    let captured = capture(|| {
        span("prop.task.parent", &[], || {
            let task = async {
                tokio::task::yield_now().await;
                span("prop.task.child", &[], || ()).unwrap();
            };
            runtime
                .block_on(runtime.spawn(task.in_current_context()))
                .unwrap();
        })
        .unwrap()
    });
    let parent = context_of(&captured.events, "prop.task.parent.start");
    let child = context_of(&captured.events, "prop.task.child.start");
    assert_eq!(child.parent(), Some(parent.id()));
    assert_eq!(child.trace_id(), parent.trace_id());
}

#[test]
fn a_task_spawned_by_a_carried_task_is_a_grandchild() {
    let runtime = multi_threaded_runtime();
    let captured = capture(|| {
        span("prop.nested.root", &[], || {
            let task = async {
                span("prop.nested.middle", &[], || {
                    tokio::spawn(
                        async { span("prop.nested.leaf", &[], || ()).unwrap() }
                            .in_current_context(),
                    )
                })
                .unwrap()
                .await
                .unwrap();
            };
            runtime
                .block_on(runtime.spawn(task.in_current_context()))
                .unwrap();
        })
        .unwrap()
    });
    let root = context_of(&captured.events, "prop.nested.root.start");
    let middle = context_of(&captured.events, "prop.nested.middle.start");
    let leaf = context_of(&captured.events, "prop.nested.leaf.start");
    assert_eq!(middle.parent(), Some(root.id()));
    assert_eq!(leaf.parent(), Some(middle.id()));
    assert_eq!(leaf.trace_id(), root.trace_id());
}

#[test]
fn a_task_run_under_a_remote_context_continues_the_remote_trace() {
    let runtime = multi_threaded_runtime();
    let captured = capture(|| {
        let remote = TraceContext::from_headers(REMOTE, Some("rojo=1")).unwrap();
        let task = async {
            span("prop.remote.handler", &[], || {
                TraceContext::current().trace_state().map(|s| s.to_string())
            })
            .unwrap()
        };
        runtime
            .block_on(runtime.spawn(task.in_context(remote)))
            .unwrap()
    });
    let handler = context_of(&captured.events, "prop.remote.handler.start");
    assert_eq!(
        handler.trace_id().to_string(),
        "4bf92f3577b34da6a3ce929d0e0e4736"
    );
    assert_eq!(
        handler.parent().map(|p| p.to_string()).as_deref(),
        Some("00f067aa0ba902b7")
    );
    assert_eq!(captured.result.as_deref(), Some("rojo=1"));
}

#[test]
fn a_future_given_a_span_context_alone_runs_under_that_span() {
    let captured = capture(|| {
        let parent = span("prop.span_only.parent", &[], || current_span().unwrap()).unwrap();
        let task = async { span("prop.span_only.child", &[], || ()).unwrap() };
        assert!(poll_once(task.in_context(parent)).is_ready());
        parent
    });
    let child = context_of(&captured.events, "prop.span_only.child.start");
    assert_eq!(child.parent(), Some(captured.result.id()));
}

#[test]
fn polling_a_carried_future_leaves_the_polling_thread_context_as_it_was() {
    let remote = TraceContext::from_headers(REMOTE, None).unwrap();
    let captured = capture(|| {
        span("prop.poller", &[], || {
            let mine = current_span();
            let mut task = pin!(std::future::pending::<()>().in_context(remote));
            let poll = task.as_mut().poll(&mut Context::from_waker(Waker::noop()));
            (poll.is_pending(), current_span() == mine)
        })
        .unwrap()
    });
    assert_eq!(captured.result, (true, true));
}

/// Notes the span current when it is dropped.
struct NotesSpanOnDrop(std::sync::mpsc::Sender<Option<SpanContext>>);

impl Drop for NotesSpanOnDrop {
    fn drop(&mut self) {
        let _ = self.0.send(current_span());
    }
}

#[test]
fn a_carried_future_dropped_unfinished_is_dropped_in_its_context() {
    let remote = TraceContext::from_headers(REMOTE, None).unwrap();
    let expected = remote.span();
    let (notes, noted) = std::sync::mpsc::channel();
    let task = async move {
        let _note = NotesSpanOnDrop(notes);
        std::future::pending::<()>().await;
    };
    let mut task = Box::pin(task.in_context(remote));
    assert!(
        task.as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
            .is_pending()
    );
    std::thread::spawn(move || drop(task)).join().unwrap();
    assert_eq!(noted.recv().unwrap(), expected);
}
