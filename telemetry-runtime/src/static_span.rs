//! A span on static slots while a synchronous `#[span]` body runs: the smallest state
//! that can end it, and the shortest path from it to the slots' handlers.

use crate::clock;
use crate::context::{self, Lineage, SpanContext};
use crate::fields::{Field, Fields};
use crate::name::Phase;
use crate::slot::SpanSlots;
use crate::span::Opened;
use crate::span_times;

/// A span on static slots, held by a runner that keeps the slots itself and restores the
/// parent's context when the span ends: when it started and its [`Lineage`] (the span's
/// trace, its own id and what restores its parent's context), 56 bytes on every nested
/// level of a synchronous `#[span]` function.
#[derive(Clone, Copy)]
pub(crate) struct StaticOpened {
    started: u64,
    lineage: Lineage,
}

impl StaticOpened {
    /// Emits the start event, parented to the current span, and makes the new span the
    /// current one (the caller calls [`restore_parent`](Self::restore_parent) when it
    /// ends). Making it current here, where the context is at hand, spares the caller a
    /// read of the value just returned (a store-forwarding stall) and lets it build its
    /// own state in place.
    pub(crate) fn start_current(slots: &'static SpanSlots, metadata: &[Field<'_>]) -> Self {
        let lineage = Lineage::new_child_of_current();
        let own = lineage.context();
        let started = clock::moment();
        let slot = slots.slot(Phase::Start);
        if slot.is_enabled() {
            let measurements = span_times::at_start(started);
            slot.dispatch_in_span(Fields::new(&measurements), Fields::new(metadata), Some(own));
        }
        context::set_current(own);
        StaticOpened {
            started: started.monotonic,
            lineage,
        }
    }

    /// The span's own context.
    pub(crate) fn context(self) -> SpanContext {
        self.lineage.context()
    }

    /// Makes the context current when the span started current again.
    #[inline(always)]
    pub(crate) fn restore_parent(self) {
        self.lineage.restore_parent();
    }

    /// Emits the stop event: `start` merged with `extra`.
    pub(crate) fn stop(&self, slots: &'static SpanSlots, start: &[Field<'_>], extra: &[Field<'_>]) {
        let slot = slots.slot(Phase::Stop);
        if slot.is_enabled() {
            let measurements = span_times::at_end(self.started, clock::monotonic_nanos());
            slot.dispatch_in_span(
                Fields::new(&measurements),
                Fields::merged(start, extra),
                Some(self.context()),
            );
        }
    }

    /// Emits the exception event: `start` plus `kind` and `reason`.
    pub(crate) fn exception(
        self,
        slots: &'static SpanSlots,
        start: &[Field<'_>],
        kind: &'static str,
        reason: &str,
    ) {
        Opened::on_static(slots, self.started, self.context()).exception(start, kind, reason);
    }
}
