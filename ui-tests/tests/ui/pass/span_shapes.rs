use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use telemetry_runtime as telemetry;
use telemetry::{span, stop};

#[span("demo.fs.grep")]
fn grep(reference: &str, pattern: &str, path_glob: Option<&str>) -> Vec<String> {
    let matches: Vec<String> = ["a", "b"].iter().map(|s| format!("{reference}:{pattern}:{s}")).collect();
    stop!(match_count = matches.len() as u64);
    let _ = path_glob;
    matches
}

#[span("demo.fs.grep", skip(pattern), pattern = "fixed", path_glob = "*.rs")]
fn grep_explicit(reference: String, pattern: &str) -> Result<u64, std::num::ParseIntError> {
    let n: u64 = pattern.parse()?;
    if n == 0 {
        stop!(match_count = 0u64, files_scanned = 0u64);
        return Ok(0);
    }
    stop!(match_count = n);
    let _ = reference.len();
    Ok(n)
}

struct Repo {
    name: String,
    reads: u64,
}

impl Repo {
    #[span("demo.fs.stat", reference = self.name.as_str())]
    fn stat(&self, path: &str) -> usize {
        path.len()
    }

    #[span("demo.fs.stat", reference = "HEAD")]
    fn stat_mut(&mut self, path: &str) {
        self.reads += path.len() as u64;
    }

    #[span("demo.fs.walk", reference = "HEAD")]
    fn into_count(self) -> u64 {
        stop!(file_count = self.reads);
        self.reads
    }

    #[span("demo.fs.walk", lazy)]
    fn walk<'r>(&'r self, reference: &str) -> impl Iterator<Item = &'r str> + 'r {
        let _ = reference;
        let mut seen = 0u64;
        self.name.split('/').inspect(move |_| {
            seen += 1;
            stop!(file_count = seen);
        })
    }
}

#[span("demo.fs.stat")]
fn generic<T: AsRef<str>>(reference: &str, path: &str, extra: T) -> usize {
    reference.len() + path.len() + extra.as_ref().len()
}

#[span("demo.fs.stat")]
fn with_impl_trait(reference: &str, path: &str, extra: impl AsRef<str>) -> impl std::fmt::Debug {
    (reference.len(), path.len(), extra.as_ref().len())
}

#[span("demo.store.get")]
async fn get(sha: &str) -> Option<u8> {
    let hit = sha.starts_with('a');
    stop!(hit = hit);
    ready(hit.then_some(1)).await
}

async fn ready<T>(value: T) -> T {
    value
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

fn assert_send<T: Send>(_: &T) {}

fn main() {
    let captured = telemetry::capture(|| {
        assert_eq!(grep("HEAD", "foo", None).len(), 2);
        assert_eq!(grep_explicit("HEAD".into(), "3"), Ok(3));
        assert!(grep_explicit("HEAD".into(), "x").is_err());
        let mut repo = Repo { name: "a/b/c".into(), reads: 0 };
        assert_eq!(repo.stat("x"), 1);
        repo.stat_mut("xy");
        assert_eq!(repo.walk("HEAD").count(), 3);
        assert_eq!(generic("a", "b", "c"), 3);
        let _ = with_impl_trait("a", "b", String::from("c"));
        assert_eq!(repo.into_count(), 2);
        let future = get("abc");
        assert_send(&future);
        assert_eq!(block_on(future), Some(1));
    });
    let names = captured.names();
    assert_eq!(names.iter().filter(|n| n.ends_with(".start")).count(), 10, "{names:?}");
    assert_eq!(names.iter().filter(|n| n.ends_with(".stop")).count(), 10, "{names:?}");
    let walk_stop = captured.named("demo.fs.walk.stop").next().unwrap();
    assert_eq!(walk_stop.meta("file_count").and_then(|v| v.as_u64()), Some(3));
    let get_stop = captured.named("demo.store.get.stop").next().unwrap();
    assert_eq!(get_stop.metadata_keys(), ["sha", "hit?"]);
    let explicit = captured.named("demo.fs.grep.start").nth(1).unwrap();
    assert_eq!(explicit.metadata_keys(), ["reference", "pattern", "path_glob"]);
}
