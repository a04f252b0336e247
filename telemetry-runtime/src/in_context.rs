//! Carrying a context into a future: whichever thread polls it, the context is current.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::trace_context::TraceContext;

/// Runs a future in a [`TraceContext`]: the Rust form of `tracing`'s `Instrument` and
/// `fastrace`'s `FutureExt::in_span`, for every future.
///
/// Each poll makes the context current on the polling thread and restores that thread's
/// own context afterwards, so spans the future starts are children of the context's span
/// and in its trace, and what it emits reaches the [`capture`](crate::capture()) the
/// context was taken in, whichever worker thread of an executor polls it.
///
/// ```
/// use telemetry_runtime::{capture, current_span, span, InContext};
/// # fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
/// #     let mut future = std::pin::pin!(future);
/// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// #     loop {
/// #         if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut cx) {
/// #             return output;
/// #         }
/// #     }
/// # }
/// capture(|| {
///     span("charon.session.create", &[], || {
///         let parent = current_span().unwrap();
///         // A task handed to an executor, built here, polled elsewhere.
///         let task = async { current_span().unwrap() }.in_current_context();
///         let seen = block_on(task);
///         assert_eq!(seen, parent);
///     })
/// });
/// ```
pub trait InContext: Future + Sized {
    /// This future, polled with `context` current (a [`TraceContext`], or a
    /// [`SpanContext`](crate::SpanContext) alone).
    fn in_context(self, context: impl Into<TraceContext>) -> WithContext<Self> {
        WithContext {
            inner: Some(self),
            context: context.into(),
        }
    }

    /// This future, polled with the context current here and now: what to write where a
    /// task is spawned.
    fn in_current_context(self) -> WithContext<Self> {
        self.in_context(TraceContext::current())
    }
}

impl<F: Future> InContext for F {}

pin_project_lite::pin_project! {
    /// A future polled in a [`TraceContext`]; see [`InContext`]. Dropped before it
    /// completes, it drops the inner future in the context too, so that what the inner
    /// future does when cancelled (a span ending as `cancelled`) is seen in it.
    #[derive(Debug)]
    #[must_use = "futures do nothing unless polled"]
    pub struct WithContext<F> {
        // `None` only while the adaptor is dropped.
        #[pin]
        inner: Option<F>,
        context: TraceContext,
    }

    impl<F> PinnedDrop for WithContext<F> {
        fn drop(this: Pin<&mut Self>) {
            let mut this = this.project();
            let _entered = this.context.enter();
            this.inner.set(None);
        }
    }
}

impl<F> WithContext<F> {
    /// The context the future is polled in.
    pub fn context(&self) -> &TraceContext {
        &self.context
    }
}

impl<F: Future> Future for WithContext<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let _entered = this.context.enter();
        match this.inner.as_pin_mut() {
            Some(inner) => inner.poll(cx),
            // Unreachable: the inner future is taken only by the adaptor's own drop.
            None => Poll::Pending,
        }
    }
}
