//! Capture for async tests: what a future emits on whichever worker thread polls it, and
//! what the tasks it spawns with its context emit, isolated from other captures.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use telemetry_runtime::{
    CaptureFuture, InContext, TraceContext, capture_async, current_span, execute, fields, span,
};

/// Yields until `count` tasks have arrived, so that they are known to overlap.
async fn rendezvous(arrived: &AtomicUsize, count: usize) {
    arrived.fetch_add(1, Ordering::SeqCst);
    for _ in 0..100_000 {
        if arrived.load(Ordering::SeqCst) >= count {
            return;
        }
        tokio::task::yield_now().await;
    }
    panic!("the other task never arrived");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spawned_future_is_captured_across_the_awaits_that_may_move_it() {
    let captured = tokio::spawn(capture_async(async {
        for i in 0..20u64 {
            execute("acap.moving.step", &[], &fields!(i = i)).unwrap();
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }))
    .await
    .unwrap();
    let steps: Vec<u64> = captured
        .events
        .iter()
        .filter_map(|e| e.meta("i").and_then(|v| v.as_u64()))
        .collect();
    assert_eq!(steps, (0..20).collect::<Vec<_>>());
}

#[test]
fn a_future_polled_on_two_threads_in_turn_is_captured_on_both() {
    let mut polls = 0;
    let future = capture_async(std::future::poll_fn(move |cx| {
        polls += 1;
        execute("acap.two_threads.poll", &[], &fields!(n = polls as u64)).unwrap();
        if polls == 2 {
            return Poll::Ready(());
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }));
    let poll_on_new_thread = |mut future: Pin<Box<CaptureFuture<_>>>| {
        std::thread::spawn(move || {
            let poll = future
                .as_mut()
                .poll(&mut Context::from_waker(Waker::noop()));
            (future, poll)
        })
        .join()
        .unwrap()
    };
    let (future, first) = poll_on_new_thread(Box::pin(future));
    assert!(first.is_pending());
    let (_, second) = poll_on_new_thread(future);
    let Poll::Ready(captured) = second else {
        panic!("the future completes on its second poll");
    };
    assert_eq!(
        captured.names(),
        ["acap.two_threads.poll", "acap.two_threads.poll"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_spawned_with_the_context_is_captured() {
    let captured = capture_async(async {
        tokio::spawn(
            async { execute("acap.spawned.with_context", &[], &[]).unwrap() }.in_current_context(),
        )
        .await
        .unwrap();
    })
    .await;
    assert_eq!(captured.names(), ["acap.spawned.with_context"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_spawned_without_the_context_is_not_captured() {
    let captured = capture_async(async {
        tokio::spawn(async { execute("acap.spawned.without_context", &[], &[]).unwrap() })
            .await
            .unwrap();
        execute("acap.spawned.own", &[], &[]).unwrap();
    })
    .await;
    assert_eq!(captured.names(), ["acap.spawned.own"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_work_that_enters_the_context_is_captured() {
    let captured = capture_async(async {
        let context = TraceContext::current();
        tokio::task::spawn_blocking(move || {
            let _entered = context.enter();
            execute("acap.blocking", &[], &[]).unwrap();
        })
        .await
        .unwrap();
    })
    .await;
    assert_eq!(captured.names(), ["acap.blocking"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_captures_on_one_runtime_each_see_only_their_own_events() {
    let arrived = Arc::new(AtomicUsize::new(0));
    let worker = |tag: &'static str| {
        let arrived = Arc::clone(&arrived);
        tokio::spawn(capture_async(async move {
            for i in 0..50u64 {
                execute("acap.isolated", &[], &fields!(tag = tag, i = i)).unwrap();
                if i == 25 {
                    rendezvous(&arrived, 2).await; // both captures are running here
                }
                tokio::task::yield_now().await;
            }
        }))
    };
    let (a, b) = (worker("a"), worker("b"));
    for (handle, tag) in [(a, "a"), (b, "b")] {
        let events = handle.await.unwrap().events;
        assert_eq!(events.len(), 50);
        assert!(
            events
                .iter()
                .all(|e| e.meta("tag").and_then(|v| v.as_str()) == Some(tag))
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_of_a_spawned_task_are_captured_as_children_of_the_spawning_span() {
    let captured = capture_async(async {
        let task = span("acap.span.parent", &[], || {
            tokio::spawn(
                async { span("acap.span.child", &[], || ()).unwrap() }.in_current_context(),
            )
        })
        .unwrap();
        task.await.unwrap();
    })
    .await;
    let context = |name: &str| {
        captured
            .named(name)
            .next()
            .and_then(|e| e.span_context())
            .unwrap_or_else(|| panic!("{name} not captured"))
    };
    let parent = context("acap.span.parent.start");
    let child = context("acap.span.child.start");
    assert_eq!(child.parent(), Some(parent.id()));
    assert_eq!(child.trace_id(), parent.trace_id());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_captured_future_leaves_no_context_behind_on_its_worker_threads() {
    let _ = capture_async(async { span("acap.leftover", &[], || ()).unwrap() }).await;
    let elsewhere = tokio::spawn(async { (current_span(), TraceContext::current().span()) })
        .await
        .unwrap();
    assert_eq!(elsewhere, (None, None));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_that_outlives_its_capture_is_not_recorded_after_it_ended() {
    let (release, wait) = std::sync::mpsc::channel::<()>();
    let mut late = None;
    let captured = capture_async(async {
        execute("acap.outlived.during", &[], &[]).unwrap();
        late = Some(tokio::task::spawn_blocking({
            let context = TraceContext::current();
            move || {
                wait.recv().unwrap();
                let _entered = context.enter();
                execute("acap.outlived.after", &[], &[]).unwrap();
            }
        }));
    })
    .await;
    release.send(()).unwrap();
    late.unwrap().await.unwrap();
    assert_eq!(captured.names(), ["acap.outlived.during"]);
}
