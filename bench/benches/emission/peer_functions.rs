//! The peers' instrumented functions and fastrace's reporter, shared by the criterion
//! benchmark and the instruction counts (`examples/instructions.rs`): the same body as
//! ours (`work`), not inlined, like `handle` and `handle_plain`.

use std::hint::black_box;

use telemetry_bench::{Kind, work};

#[tracing::instrument(level = "info", skip(kind), fields(kind = kind.as_str()))]
#[inline(never)]
pub(crate) fn tracing_handle(id: u64, name: &str, kind: Kind) -> u64 {
    work(id, name, kind)
}

/// fastrace with the payload, as properties (fastrace's only way to carry it: strings,
/// formatted only when the span is recorded).
#[fastrace::trace(properties = { "id": "{id}", "name": "{name}", "kind": "{kind}" })]
#[inline(never)]
pub(crate) fn fastrace_handle(id: u64, name: &str, kind: Kind) -> u64 {
    work(id, name, kind)
}

/// fastrace without the payload: the span's name and times only.
#[fastrace::trace]
#[inline(never)]
pub(crate) fn fastrace_handle_bare(id: u64, name: &str, kind: Kind) -> u64 {
    work(id, name, kind)
}

/// fastrace's reporter: discards what it receives.
pub(crate) struct Discard;

impl fastrace::collector::Reporter for Discard {
    fn report(&mut self, spans: Vec<fastrace::prelude::SpanRecord>) {
        black_box(spans.len());
    }
}
