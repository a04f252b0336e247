//! `Exgit.Telemetry.span/3`: a plain result keeps the start metadata as stop metadata;
//! `{:span, result, extra}` (`Spanned`) merges the extras, which may be computed inside
//! the operation and returned by value.

use exgit_like::{Object, telemetry};
use telemetry_runtime::{OwnedValue, Spanned, capture, fields, owned_fields};

#[test]
fn extras_computed_inside_the_operation_are_merged_into_the_stop_metadata() {
    let captured = capture(|| {
        telemetry::span("exgit.pack.parse", &fields!(byte_size = 5u64), || {
            let objects = [Object::blob(b"a".to_vec()), Object::blob(b"b".to_vec())];
            let ids: Vec<u8> = objects.iter().flat_map(|o| *o.id().as_bytes()).collect();
            let names = objects
                .iter()
                .map(|o| o.id().to_string())
                .collect::<Vec<_>>()
                .join(",");
            Spanned::new(
                objects.len(),
                owned_fields!(object_count = objects.len(), ids = ids, names = names),
            )
        })
    });
    assert_eq!(captured.result, Ok(2));
    let stop = &captured.events[1];
    assert_eq!(
        stop.metadata_keys(),
        ["byte_size", "object_count", "ids", "names"]
    );
    assert_eq!(stop.meta("object_count"), Some(&OwnedValue::from(2u64)));
    assert_eq!(
        stop.meta("ids")
            .and_then(OwnedValue::as_bytes)
            .map(<[u8]>::len),
        Some(40)
    );
    let first = Object::blob(b"a".to_vec()).id().to_string();
    assert!(
        stop.meta("names")
            .and_then(OwnedValue::as_str)
            .is_some_and(|n| n.starts_with(&first))
    );
}

#[test]
fn a_plain_result_keeps_the_start_metadata_as_stop_metadata() {
    let captured = capture(|| {
        telemetry::span("exgit.fs.stat", &fields!(reference = "HEAD"), || {
            Spanned::new(7, fields!())
        })
    });
    assert_eq!(captured.result, Ok(7));
    assert_eq!(captured.events[1].metadata(), captured.events[0].metadata());
}
