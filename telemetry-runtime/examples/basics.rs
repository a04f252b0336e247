//! Attaches a handler, runs a few spans and events, and prints what the handler saw.
//!
//! Run with `cargo run --example basics`.

use telemetry_runtime::{
    Event, SpanSlots, Spanned, attach_many, detach, execute, fields, list_handlers, span,
};

// Static slots, as the macros generate them: checked at compile time, one atomic load
// when nobody listens.
static GREP: SpanSlots = SpanSlots::new(&["exgit", "fs", "grep"]);
static PARSE: SpanSlots = SpanSlots::new(&["exgit", "pack", "parse"]);

fn print_event(event: &Event<'_>) {
    let context = event
        .span_context()
        .map(|c| match c.parent() {
            Some(parent) => format!(" span={} parent={parent}", c.id()),
            None => format!(" span={}", c.id()),
        })
        .unwrap_or_default();
    println!("{:<36}{context}", event.name().to_string());
    for field in event.measurements() {
        println!("    measurement {:<16} {}", field.key, field.value);
    }
    for field in event.metadata() {
        println!("    metadata    {:<16} {}", field.key, field.value);
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    attach_many(
        "basics-printer",
        [
            "exgit.fs.grep.start",
            "exgit.fs.grep.stop",
            "exgit.pack.parse.start",
            "exgit.pack.parse.stop",
            "exgit.pack.parse.exception",
            "exgit.object_store.haves_sent",
        ],
        print_event,
    )?;
    println!("attached: {:?}\n", list_handlers(&["exgit"]).len());

    // A span whose stop metadata merges in what the operation found out.
    let matches = GREP.spanned(&fields!(reference = "HEAD", pattern = "fn main"), || {
        // A nested span carries its parent's id.
        let objects = PARSE.span(&fields!(byte_size = 4096u64), || 12u64);
        let found = objects / 4;
        Spanned::new(found, fields!(match_count = found, files_scanned = objects))
    });
    println!("\ngrep returned {matches}\n");

    // A span that panics ends with its exception event; the panic then resumes. Names
    // known only at run time go through the dynamic API, which validates them.
    std::panic::set_hook(Box::new(|info| {
        println!("(panic: {})", info.payload_as_str().unwrap_or("?"))
    }));
    let outcome = std::panic::catch_unwind(|| {
        span("exgit.pack.parse", &fields!(byte_size = 12u64), || {
            panic!("pack truncated")
        })
    });
    let _ = std::panic::take_hook();
    println!("\nparse panicked: {}\n", outcome.is_err());

    // A standalone event.
    execute(
        "exgit.object_store.haves_sent",
        &fields!(count = 32u64),
        &fields!(sha = "9fceb02d0ae598e95dc970b74767f19372d61af8"),
    )?;

    detach("basics-printer")?;
    Ok(())
}
