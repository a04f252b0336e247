//! `exgit.transport.fetch`, `ls_refs` and `push`: `transport` and `url` at start, with
//! the counts the seed lists.

use std::sync::Arc;

use exgit_like::pack;
use exgit_like::promisor::{OverfullPolicy, Promisor};
use exgit_like::transport::{FetchOptions, RefUpdate, RefUpdateStatus, Transport};
use exgit_like::{MemoryStore, Object};
use telemetry_runtime::capture;

use crate::support::*;

#[test]
fn fetch_reports_wants_count_at_start_and_result_bytes_and_object_count_at_stop() {
    let fixture = fixture();
    let captured = capture(|| {
        fixture
            .transport
            .fetch(&[fixture.head], &FetchOptions::default())
    });
    let fetched = captured.result.as_ref().unwrap();
    let span = the_span(&captured, "exgit.transport.fetch");
    assert_eq!(
        kinds(span.start),
        [
            ("transport", "atom"),
            ("url", "string"),
            ("wants_count", "u64")
        ]
    );
    assert_eq!(span.start.meta("transport"), Some(&atom("http")));
    assert_eq!(span.start.meta("url"), Some(&URL.into()));
    assert_eq!(span.start.meta("wants_count"), Some(&1u64.into()));
    assert_stop_merges_start(&span, &[("result_bytes", "u64"), ("object_count", "u64")]);
    assert_eq!(
        span.end.meta("result_bytes"),
        Some(&fetched.pack_bytes.into())
    );
    // Both commits, their four trees and four blobs: everything `main` reaches.
    assert_eq!(fetched.object_count, 2 + 4 + 4);
    assert_eq!(
        span.end.meta("object_count"),
        Some(&fetched.object_count.into())
    );
    // The pack held whole was parsed, inside the fetch.
    let parse = the_span(&captured, "exgit.pack.parse");
    assert_eq!(
        parse.start.span_context().unwrap().parent(),
        Some(span.start.span_context().unwrap().id())
    );
}

#[test]
fn fetch_reports_zero_results_when_it_fails() {
    let fixture = fixture();
    // A store that refuses everything: the streamed pack cannot be decoded into it.
    let refusing = Promisor::new(fixture.transport.clone(), 0, OverfullPolicy::Error);
    let options = FetchOptions {
        object_store: Some(&refusing),
        ..FetchOptions::default()
    };
    let captured = capture(|| fixture.transport.fetch(&[fixture.head], &options));
    assert!(captured.result.is_err());
    let span = the_span(&captured, "exgit.transport.fetch");
    assert_stop_merges_start(&span, &[("result_bytes", "u64"), ("object_count", "u64")]);
    assert_eq!(span.end.meta("result_bytes"), Some(&0u64.into()));
    assert_eq!(span.end.meta("object_count"), Some(&0u64.into()));
}

#[test]
fn a_file_url_is_reported_as_the_file_transport() {
    let fixture = fixture();
    let transport =
        Transport::connect("file:///srv/demo.git", Arc::clone(&fixture.remote)).unwrap();
    let captured = capture(|| transport.ls_refs());
    let span = the_span(&captured, "exgit.transport.ls_refs");
    assert_eq!(span.start.meta("transport"), Some(&atom("file")));
    assert_eq!(span.start.meta("url"), Some(&"file:///srv/demo.git".into()));
}

#[test]
fn ls_refs_reports_the_ref_count_at_stop() {
    let fixture = fixture();
    fixture
        .remote
        .lock()
        .unwrap()
        .set_ref("refs/tags/v1", fixture.head);
    let captured = capture(|| fixture.transport.ls_refs());
    let refs = captured.result.as_ref().unwrap();
    let names: Vec<&str> = refs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["HEAD", "refs/heads/main", "refs/tags/v1"]);
    let span = the_span(&captured, "exgit.transport.ls_refs");
    assert_eq!(
        kinds(span.start),
        [("transport", "atom"), ("url", "string")]
    );
    assert_stop_merges_start(&span, &[("ref_count", "u64")]);
    assert_eq!(span.end.meta("ref_count"), Some(&3u64.into()));
}

#[test]
fn push_reports_update_count_and_pack_bytes_at_start() {
    let fixture = fixture();
    let blob = Object::blob("new file\n");
    let tree = Object::tree(&[exgit_like::object::TreeEntry {
        name: "NEW".into(),
        is_dir: false,
        id: blob.id(),
    }]);
    let commit = Object::commit(tree.id(), &[fixture.head], "add NEW");
    let pack = pack::write([&commit, &tree, &blob]);
    let updates = [
        RefUpdate {
            name: "refs/heads/main".into(),
            old: Some(fixture.head),
            new: commit.id(),
        },
        RefUpdate {
            name: "refs/heads/topic".into(),
            old: None,
            new: commit.id(),
        },
    ];
    let captured = capture(|| fixture.transport.push(&updates, &pack));
    assert_eq!(
        captured.result,
        Ok(vec![RefUpdateStatus::Ok, RefUpdateStatus::Ok])
    );
    let span = the_span(&captured, "exgit.transport.push");
    assert_eq!(
        kinds(span.start),
        [
            ("transport", "atom"),
            ("url", "string"),
            ("update_count", "u64"),
            ("pack_bytes", "u64")
        ]
    );
    assert_eq!(span.start.meta("update_count"), Some(&2u64.into()));
    assert_eq!(
        span.start.meta("pack_bytes"),
        Some(&(pack.len() as u64).into())
    );
    assert_stop_merges_start(&span, &[]);
    assert_eq!(
        fixture.remote.lock().unwrap().refs()["refs/heads/main"],
        commit.id()
    );
}

#[test]
fn push_with_a_stale_old_value_is_refused_by_the_remote() {
    let fixture = fixture();
    let pack = pack::write([]);
    let update = RefUpdate {
        name: "refs/heads/main".into(),
        old: None,
        new: fixture.head,
    };
    let captured = capture(|| fixture.transport.push(&[update], &pack));
    assert_eq!(captured.result, Ok(vec![RefUpdateStatus::Stale]));
    assert_stop_merges_start(&the_span(&captured, "exgit.transport.push"), &[]);
}

#[test]
fn a_full_fetch_into_a_store_streams_the_pack() {
    let fixture = fixture();
    let store = MemoryStore::new();
    let options = FetchOptions {
        object_store: Some(&store),
        ..FetchOptions::default()
    };
    let captured = capture(|| fixture.transport.fetch(&[fixture.head], &options));
    assert_eq!(captured.result.as_ref().map(|f| f.object_count), Ok(10));
    assert_eq!(store.len(), 10);
    the_span(&captured, "exgit.pack.stream_parse");
    assert!(named(&captured, "exgit.pack.parse.start").is_empty());
}
