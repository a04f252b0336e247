//! `exgit.fs.read_path`, `ls`, `stat`, and the lazy `walk` and `grep`: spans that last
//! until the iterator is consumed, with their counts at stop.

use std::sync::Arc;

use exgit_like::fs::{FsError, Repo};
use exgit_like::object::ObjectId;
use exgit_like::refs::{CloneOptions, MemoryRefStore};
use exgit_like::transport::FetchOptions;
use exgit_like::{MemoryStore, Object, ObjectStore, StoreError};
use telemetry_runtime::{OwnedValue, capture};

use crate::support::*;

fn repo() -> Repo {
    Repo::clone(&fixture().transport, CloneOptions::full()).unwrap()
}

#[test]
fn read_path_reports_reference_and_path() {
    let repo = repo();
    let captured = capture(|| repo.read_path("main", "src/lib.rs"));
    assert_eq!(captured.result, Ok(FILES[2].1.as_bytes().to_vec()));
    let span = the_span(&captured, "exgit.fs.read_path");
    assert_eq!(
        kinds(span.start),
        [("reference", "string"), ("path", "string")]
    );
    assert_eq!(span.start.meta("reference"), Some(&"main".into()));
    assert_eq!(span.start.meta("path"), Some(&"src/lib.rs".into()));
    assert_stop_merges_start(&span, &[]);
}

#[test]
fn read_path_that_fails_still_stops() {
    let repo = repo();
    let captured = capture(|| repo.read_path("HEAD", "src"));
    assert_eq!(captured.result, Err(FsError::IsADirectory("src".into())));
    assert_stop_merges_start(&the_span(&captured, "exgit.fs.read_path"), &[]);
}

#[test]
fn ls_reports_the_entry_count_at_stop() {
    let repo = repo();
    let captured = capture(|| repo.ls("HEAD", ""));
    let names: Vec<String> = captured
        .result
        .clone()
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, ["README.md", "docs", "src"]);
    let span = the_span(&captured, "exgit.fs.ls");
    assert_eq!(
        kinds(span.start),
        [("reference", "string"), ("path", "string")]
    );
    assert_stop_merges_start(&span, &[("entry_count", "u64")]);
    assert_eq!(span.end.meta("entry_count"), Some(&3u64.into()));
}

#[test]
fn ls_of_an_unknown_reference_stops_with_zero_entries() {
    let repo = repo();
    let captured = capture(|| repo.ls("nope", ""));
    assert_eq!(
        captured.result,
        Err(FsError::UnknownReference("nope".into()))
    );
    let span = the_span(&captured, "exgit.fs.ls");
    assert_eq!(span.end.meta("entry_count"), Some(&0u64.into()));
}

#[test]
fn stat_reports_reference_and_path() {
    let repo = repo();
    let captured = capture(|| repo.stat("HEAD", "docs/guide.md"));
    let stat = captured.result.clone().unwrap();
    assert_eq!((stat.is_dir, stat.size), (false, FILES[1].1.len() as u64));
    let span = the_span(&captured, "exgit.fs.stat");
    assert_eq!(
        kinds(span.start),
        [("reference", "string"), ("path", "string")]
    );
    assert_stop_merges_start(&span, &[]);
    // The size came from a size probe, inside the stat.
    let probe = the_span(&captured, "exgit.object_store.object_size");
    assert_eq!(
        probe.start.span_context().unwrap().parent(),
        Some(span.start.span_context().unwrap().id())
    );
}

#[test]
fn walk_starts_when_called_and_stops_when_exhausted_with_the_file_count() {
    let repo = repo();
    let captured = capture(|| {
        let call = capture(|| repo.walk("HEAD"));
        let at_call: Vec<String> = call.names().iter().map(|n| n.to_string()).collect();
        let paths: Vec<String> = call.result.unwrap().map(|f| f.unwrap().path).collect();
        (at_call, paths)
    });
    let (at_call, paths) = &captured.result;
    // Calling walk read the commit and started the span; nothing ended yet.
    assert_eq!(
        at_call.first().map(String::as_str),
        Some("exgit.fs.walk.start")
    );
    assert!(at_call.iter().all(|n| !n.starts_with("exgit.fs.walk.stop")));
    assert_eq!(
        paths,
        &["README.md", "docs/guide.md", "src/lib.rs", "src/main.rs"]
    );
    let span = the_span(&captured, "exgit.fs.walk");
    assert_eq!(kinds(span.start), [("reference", "string")]);
    assert_stop_merges_start(&span, &[("file_count", "u64")]);
    assert_eq!(span.end.meta("file_count"), Some(&4u64.into()));
    // The stop came after the last tree read: the span covered the whole walk.
    let last_get = captured
        .events
        .iter()
        .rposition(|e| e.name() == "exgit.object_store.get.stop")
        .unwrap();
    let stop = captured
        .events
        .iter()
        .position(|e| e.name() == "exgit.fs.walk.stop")
        .unwrap();
    assert!(last_get < stop);
}

#[test]
fn walk_dropped_early_stops_with_what_it_walked() {
    let repo = repo();
    let captured = capture(|| repo.walk("HEAD").unwrap().take(2).count());
    assert_eq!(captured.result, 2);
    let span = the_span(&captured, "exgit.fs.walk");
    assert_stop_merges_start(&span, &[("file_count", "u64")]);
    assert_eq!(span.end.meta("file_count"), Some(&2u64.into()));
}

#[test]
fn walk_of_an_unknown_reference_fails_at_once_and_ends_with_the_exception() {
    let repo = repo();
    let captured = capture(|| repo.walk("no-such-ref").map(Iterator::count));
    assert_eq!(
        captured.result,
        Err(FsError::UnknownReference("no-such-ref".to_owned()))
    );
    let names: Vec<&str> = captured
        .names()
        .into_iter()
        .filter(|n| n.starts_with("exgit.fs.walk."))
        .collect();
    assert_eq!(names, ["exgit.fs.walk.start", "exgit.fs.walk.exception"]);
    let exception = captured.named("exgit.fs.walk.exception").next().unwrap();
    assert_eq!(exception.meta("kind"), Some(&OwnedValue::atom("error")));
}

#[test]
fn walk_reads_trees_as_children_of_its_span() {
    let repo = repo();
    let captured = capture(|| repo.walk("HEAD").unwrap().count());
    let walk = the_span(&captured, "exgit.fs.walk");
    let id = walk.start.span_context().unwrap().id();
    let gets = spans(&captured, "exgit.object_store.get");
    assert!(!gets.is_empty());
    assert!(
        gets.iter()
            .all(|g| g.start.span_context().unwrap().parent() == Some(id))
    );
}

#[test]
fn grep_reports_matches_files_and_bytes_scanned_at_stop() {
    let repo = repo();
    let captured = capture(|| {
        repo.grep("HEAD", "hello", None)
            .map(Result::unwrap)
            .collect::<Vec<_>>()
    });
    let found: Vec<(&str, usize)> = captured
        .result
        .iter()
        .map(|m| (m.path.as_str(), m.line_number))
        .collect();
    assert_eq!(
        found,
        [
            ("README.md", 2),
            ("docs/guide.md", 2),
            ("src/lib.rs", 1),
            ("src/lib.rs", 2),
            ("src/main.rs", 2)
        ]
    );
    let span = the_span(&captured, "exgit.fs.grep");
    // No glob given: `path_glob` is absent, as an optional start key.
    assert_eq!(
        kinds(span.start),
        [("reference", "string"), ("pattern", "string")]
    );
    assert_stop_merges_start(
        &span,
        &[
            ("match_count", "u64"),
            ("files_scanned", "u64"),
            ("bytes_scanned", "u64"),
        ],
    );
    let total: usize = FILES.iter().map(|(_, c)| c.len()).sum();
    assert_eq!(span.end.meta("match_count"), Some(&5u64.into()));
    assert_eq!(span.end.meta("files_scanned"), Some(&4u64.into()));
    assert_eq!(span.end.meta("bytes_scanned"), Some(&(total as u64).into()));
}

#[test]
fn grep_with_a_path_glob_reports_it_and_scans_only_matching_files() {
    let repo = repo();
    let captured = capture(|| repo.grep("HEAD", "fn", Some("src/*.rs")).count());
    assert_eq!(captured.result, 2);
    let span = the_span(&captured, "exgit.fs.grep");
    assert_eq!(
        kinds(span.start),
        [
            ("reference", "string"),
            ("pattern", "string"),
            ("path_glob", "string")
        ]
    );
    assert_eq!(span.start.meta("path_glob"), Some(&"src/*.rs".into()));
    assert_eq!(span.end.meta("files_scanned"), Some(&2u64.into()));
    assert_eq!(span.end.meta("match_count"), Some(&2u64.into()));
}

#[test]
fn grep_stopped_after_the_first_match_reports_what_it_scanned() {
    let repo = repo();
    let captured = capture(|| repo.grep("HEAD", "hello", None).next().is_some());
    assert!(captured.result);
    let span = the_span(&captured, "exgit.fs.grep");
    assert_eq!(span.end.meta("files_scanned"), Some(&1u64.into()));
    assert_eq!(span.end.meta("match_count"), Some(&1u64.into()));
}

/// A store over another one whose reads of one object panic, as a disk with a bad
/// sector would.
struct BadSector {
    inner: Arc<dyn ObjectStore>,
    bad: ObjectId,
}

impl ObjectStore for BadSector {
    fn get(&self, sha: &ObjectId) -> Result<Object, StoreError> {
        assert!(*sha != self.bad, "bad sector reading {sha}");
        self.inner.get(sha)
    }
    fn put(&self, object: Object) -> Result<ObjectId, StoreError> {
        self.inner.put(object)
    }
    fn has(&self, sha: &ObjectId) -> bool {
        self.inner.has(sha)
    }
    fn object_size(&self, sha: &ObjectId) -> Result<u64, StoreError> {
        self.inner.object_size(sha)
    }
}

fn repo_with_bad_sector(content: &str) -> Repo {
    let fixture = fixture();
    let store = Arc::new(MemoryStore::new());
    let options = FetchOptions {
        object_store: Some(&*store),
        ..FetchOptions::default()
    };
    fixture.transport.fetch(&[fixture.head], &options).unwrap();
    let refs = MemoryRefStore::new();
    refs.write("HEAD", fixture.head).unwrap();
    let bad = blob_id(content);
    Repo::new(Arc::new(BadSector { inner: store, bad }), refs)
}

#[test]
fn read_path_that_panics_ends_with_the_exception_event() {
    let repo = repo_with_bad_sector(FILES[0].1);
    let captured = capture(|| expect_panic(|| repo.read_path("HEAD", "README.md")));
    let span = the_span(&captured, "exgit.fs.read_path");
    assert_panicked(&span, "bad sector");
}

#[test]
fn grep_that_panics_mid_iteration_ends_with_the_exception_event() {
    let repo = repo_with_bad_sector(FILES[2].1);
    let captured = capture(|| {
        let mut grep = repo.grep("HEAD", "hello", None);
        let first = grep.next().map(|m| m.unwrap().path);
        expect_panic(move || grep.count());
        first
    });
    assert_eq!(captured.result.as_deref(), Some("README.md"));
    let span = the_span(&captured, "exgit.fs.grep");
    assert_panicked(&span, "bad sector");
}
