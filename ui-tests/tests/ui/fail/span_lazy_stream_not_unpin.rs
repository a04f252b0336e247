use futures_core::Stream;
use telemetry_runtime::{span, stop};

fn ticks() -> impl Stream<Item = u64> {
    struct Never;
    impl Stream for Never {
        type Item = u64;
        fn poll_next(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<u64>> {
            std::task::Poll::Ready(None)
        }
    }
    Never
}

#[span("demo.fs.walk", lazy)]
fn walk(reference: &str) -> impl Stream<Item = u64> {
    let _ = reference;
    stop!(file_count = 0u64);
    ticks()
}

fn main() {}
