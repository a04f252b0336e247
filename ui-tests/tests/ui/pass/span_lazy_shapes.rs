//! Every return shape a `lazy` span accepts.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use telemetry_runtime::{span, stop};

#[span("demo.fs.walk", lazy)]
fn walk_checked(reference: &str) -> Result<impl Iterator<Item = u64>, std::io::Error> {
    if reference.is_empty() {
        return Err(std::io::Error::other("no reference"));
    }
    let mut seen = 0u64;
    Ok((0..3u64).inspect(move |_| {
        seen += 1;
        stop!(file_count = seen);
    }))
}

#[span("demo.fs.walk", lazy)]
fn walk_io(reference: &str) -> std::io::Result<impl Iterator<Item = u64>> {
    let _ = reference;
    stop!(file_count = 0u64);
    Ok(std::iter::empty())
}

#[span("demo.fs.walk", lazy)]
fn walk_parsed(reference: &str) -> Result<impl Iterator<Item = u64>, Box<dyn std::error::Error>> {
    let count: u64 = reference.parse()?;
    stop!(file_count = count);
    Ok(0..count)
}

#[span("demo.fs.walk", lazy)]
fn walk_maybe(reference: &str) -> Option<impl Iterator<Item = u64>> {
    stop!(file_count = 0u64);
    (!reference.is_empty()).then(|| 0..3u64)
}

struct Ticks(u64);

impl Stream for Ticks {
    type Item = u64;
    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<u64>> {
        self.0 = self.0.saturating_sub(1);
        Poll::Ready((self.0 > 0).then_some(self.0))
    }
}

#[span("demo.fs.walk", lazy)]
fn walk_stream(reference: &str) -> impl Stream<Item = u64> + Unpin {
    let _ = reference;
    stop!(file_count = 3u64);
    Ticks(3)
}

#[span("demo.fs.walk", lazy)]
fn walk_stream_checked(reference: &str) -> Result<impl Stream<Item = u64> + Unpin + Send, String> {
    let _ = reference;
    stop!(file_count = 3u64);
    Ok(Ticks(3))
}

fn main() {
    let _ = walk_checked("HEAD").map(Iterator::count);
    let _ = walk_io("HEAD").map(Iterator::count);
    let _ = walk_parsed("3").map(Iterator::count);
    let _ = walk_maybe("HEAD").map(Iterator::count);
    let _ = walk_stream("HEAD");
    let _ = walk_stream_checked("HEAD");
}
