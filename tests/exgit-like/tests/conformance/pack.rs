//! `exgit.pack.parse` (`byte_size`, `object_count`) and `exgit.pack.stream_parse`
//! (`objects`, then `object_count` and `checksum` on success or `error` on failure),
//! including the exception events of a pack the parser gives up on.

use exgit_like::object::{ObjectId, Sha1};
use exgit_like::pack::{self, PackError};
use exgit_like::transport::FetchOptions;
use exgit_like::{MemoryStore, Object, ObjectStore, StoreError};
use telemetry_runtime::capture;

use crate::support::*;

fn sample() -> Vec<Object> {
    vec![
        Object::blob("one\n"),
        Object::blob("two\n"),
        Object::blob("three\n"),
    ]
}

/// A pack whose checksum is right but whose second object has type 7, which no git
/// writes: the parser trusts the checksum, so this is a broken remote.
fn corrupt_but_checksummed() -> Vec<u8> {
    let mut pack = b"PACK\0\0\0\x02\0\0\0\x02".to_vec();
    for (kind, data) in [(3u8, &b"fine"[..]), (7, b"???")] {
        pack.push(kind);
        pack.extend_from_slice(&(data.len() as u32).to_be_bytes());
        pack.extend_from_slice(data);
    }
    let checksum = Sha1::digest(&pack);
    pack.extend_from_slice(&checksum);
    pack
}

#[test]
fn parse_reports_byte_size_at_start_and_object_count_at_stop() {
    let bytes = pack::write(&sample());
    let captured = capture(|| pack::parse(&bytes));
    assert_eq!(captured.result, Ok(sample()));
    let span = the_span(&captured, "exgit.pack.parse");
    assert_eq!(kinds(span.start), [("byte_size", "u64")]);
    assert_eq!(
        span.start.meta("byte_size"),
        Some(&(bytes.len() as u64).into())
    );
    assert_stop_merges_start(&span, &[("object_count", "u64")]);
    assert_eq!(span.end.meta("object_count"), Some(&3u64.into()));
}

#[test]
fn parse_of_a_damaged_pack_stops_with_no_objects() {
    let mut bytes = pack::write(&sample());
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    let captured = capture(|| pack::parse(&bytes));
    assert_eq!(captured.result, Err(PackError::ChecksumMismatch));
    let span = the_span(&captured, "exgit.pack.parse");
    assert_stop_merges_start(&span, &[("object_count", "u64")]);
    assert_eq!(span.end.meta("object_count"), Some(&0u64.into()));
}

#[test]
fn parse_that_panics_on_a_corrupt_pack_ends_with_the_exception_event() {
    let bytes = corrupt_but_checksummed();
    let captured = capture(|| expect_panic(|| pack::parse(&bytes)));
    let span = the_span(&captured, "exgit.pack.parse");
    assert_eq!(
        span.start.meta("byte_size"),
        Some(&(bytes.len() as u64).into())
    );
    assert_panicked(&span, "unknown type 7");
    assert!(named(&captured, "exgit.pack.parse.stop").is_empty());
}

#[test]
fn stream_parse_reports_objects_object_count_and_checksum_on_success() {
    let bytes = pack::write(&sample());
    let store = MemoryStore::new();
    let captured = capture(|| pack::stream_parse(bytes.chunks(5), &store));
    assert_eq!(captured.result, Ok(3));
    let span = the_span(&captured, "exgit.pack.stream_parse");
    assert_eq!(kinds(span.start), []);
    assert_stop_merges_start(
        &span,
        &[
            ("objects", "u64"),
            ("object_count", "u64"),
            ("checksum", "atom"),
        ],
    );
    assert_eq!(span.end.meta("objects"), Some(&3u64.into()));
    assert_eq!(span.end.meta("object_count"), Some(&3u64.into()));
    assert_eq!(span.end.meta("checksum"), Some(&atom("ok")));
    // Each object went straight into the store, inside the stream's span.
    let stream = span.start.span_context().unwrap().id();
    let puts = spans(&captured, "exgit.object_store.put");
    assert_eq!(puts.len(), 3);
    assert!(
        puts.iter()
            .all(|p| p.start.span_context().unwrap().parent() == Some(stream))
    );
}

#[test]
fn stream_parse_reports_objects_and_error_on_failure() {
    let mut bytes = pack::write(&sample());
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    let store = MemoryStore::new();
    let captured = capture(|| pack::stream_parse(bytes.chunks(5), &store));
    assert_eq!(captured.result, Err(PackError::ChecksumMismatch));
    let span = the_span(&captured, "exgit.pack.stream_parse");
    assert_stop_merges_start(&span, &[("objects", "u64"), ("error", "atom")]);
    // Every object was decoded before the trailer showed the damage.
    assert_eq!(span.end.meta("objects"), Some(&3u64.into()));
    assert_eq!(span.end.meta("error"), Some(&atom("checksum_mismatch")));
}

#[test]
fn stream_parse_of_a_truncated_stream_counts_what_was_decoded() {
    let bytes = pack::write(&sample());
    let store = MemoryStore::new();
    let cut = &bytes[..bytes.len() - 30];
    let captured = capture(|| pack::stream_parse(cut.chunks(4), &store));
    assert_eq!(captured.result, Err(PackError::Truncated));
    let span = the_span(&captured, "exgit.pack.stream_parse");
    assert_eq!(span.end.meta("objects"), Some(&2u64.into()));
    assert_eq!(span.end.meta("error"), Some(&atom("truncated")));
}

/// A store whose disk fails: it panics on every write.
struct FailingDisk;

impl ObjectStore for FailingDisk {
    fn get(&self, sha: &ObjectId) -> Result<Object, StoreError> {
        Err(StoreError::NotFound(*sha))
    }
    fn put(&self, _object: Object) -> Result<ObjectId, StoreError> {
        panic!("disk write failed: device full")
    }
    fn has(&self, _sha: &ObjectId) -> bool {
        false
    }
    fn object_size(&self, sha: &ObjectId) -> Result<u64, StoreError> {
        Err(StoreError::NotFound(*sha))
    }
}

#[test]
fn stream_parse_into_a_store_that_panics_ends_both_spans_with_exceptions() {
    let fixture = fixture();
    let options = FetchOptions {
        object_store: Some(&FailingDisk),
        ..FetchOptions::default()
    };
    let captured = capture(|| expect_panic(|| fixture.transport.fetch(&[fixture.head], &options)));
    let stream = the_span(&captured, "exgit.pack.stream_parse");
    assert_panicked(&stream, "device full");
    let fetch = the_span(&captured, "exgit.transport.fetch");
    assert_panicked(&fetch, "device full");
    assert_eq!(fetch.start.meta("wants_count"), Some(&1u64.into()));
}
