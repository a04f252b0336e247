//! Spans and events under `panic = "abort"`: the same start/stop pairs, metadata merge and
//! parent links as with unwinding. (What differs: a panicking handler aborts the process
//! there, since nothing can catch a panic in that profile.)
//!
//! Run with `cargo run --profile abort -p telemetry-runtime --example spans_under_abort`;
//! it exits with an error when a span misbehaves.

use std::sync::{Arc, Mutex};

use telemetry_runtime::{SpanSlots, Spanned, attach_many, detach, fields, span, spanned};

static PARSE: SpanSlots = SpanSlots::new(&["abort", "pack", "parse"]);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    attach_many(
        "abort-profile",
        [
            "abort.fs.walk.start",
            "abort.fs.walk.stop",
            "abort.pack.parse.start",
            "abort.pack.parse.stop",
        ],
        move |event| {
            let context = event.span_context();
            let objects = event
                .metadata()
                .get("object_count")
                .and_then(|v| v.as_u64());
            if let Ok(mut seen) = sink.lock() {
                seen.push((event.name().to_string(), context, objects));
            }
        },
    )?;

    let parsed = span("abort.fs.walk", &fields!(path = "."), || {
        PARSE.spanned(&fields!(byte_size = 64u64), || {
            Spanned::new(3u64, fields!(object_count = 3u64))
        })
    })?;
    let () = spanned(&["abort", "fs", "walk"], &[], || {
        Spanned::new((), fields!(object_count = 1u64))
    })?;
    detach("abort-profile")?;

    let seen = seen.lock().map_err(|_| "handler state poisoned")?;
    let names: Vec<&str> = seen.iter().map(|(name, ..)| name.as_str()).collect();
    let expected = [
        "abort.fs.walk.start",
        "abort.pack.parse.start",
        "abort.pack.parse.stop",
        "abort.fs.walk.stop",
        "abort.fs.walk.start",
        "abort.fs.walk.stop",
    ];
    if parsed != 3 || names != expected {
        return Err(format!("unexpected events: {names:?}").into());
    }
    let (outer, inner) = (seen[0].1, seen[1].1);
    let paired = seen[0].1 == seen[3].1 && seen[1].1 == seen[2].1;
    let nested = inner.and_then(|c| c.parent()) == outer.map(|c| c.id());
    if !paired || !nested || seen[2].2 != Some(3) || seen[5].2 != Some(1) {
        return Err(format!("spans misbehaved: {seen:?}").into());
    }
    println!(
        "spans under panic = \"abort\": {} events, all paired",
        seen.len()
    );
    Ok(())
}
