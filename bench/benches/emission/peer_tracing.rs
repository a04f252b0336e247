//! The `tracing` peer: one `Layer` on a `Registry` that visits every field of events and
//! new spans.

use std::fmt;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// Reads every field: its name and its value, through `black_box`.
struct ReadAll;

impl Visit for ReadAll {
    fn record_u64(&mut self, field: &Field, value: u64) {
        black_box(field.name());
        black_box(value);
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        black_box(field.name());
        black_box(value);
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        black_box(field.name());
        black_box(value);
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        black_box(field.name());
        black_box(value);
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        black_box(field.name());
        black_box(value);
    }
}

/// Whether the layer also times spans, as ours does (a clock read at start and at
/// stop, the start kept in the span's extensions). Off by default: the fields-only
/// layer is the cheapest handler tracing allows.
pub(crate) static TIME_SPANS: AtomicBool = AtomicBool::new(false);

struct Started(Instant);

/// The one handler: on every event and every new span, reads every field; on close,
/// reads the span's id (and, with [`TIME_SPANS`], the span's duration).
pub(crate) struct ReadAllLayer;

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for ReadAllLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        black_box(event.metadata().name());
        event.record(&mut ReadAll);
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        black_box(attrs.metadata().name());
        black_box(id);
        attrs.record(&mut ReadAll);
        if TIME_SPANS.load(Ordering::Relaxed)
            && let Some(span) = ctx.span(id)
        {
            span.extensions_mut().insert(Started(Instant::now()));
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        if TIME_SPANS.load(Ordering::Relaxed)
            && let Some(span) = ctx.span(&id)
            && let Some(started) = span.extensions().get::<Started>()
        {
            black_box(started.0.elapsed());
        }
        black_box(id);
    }
}

/// Installs `registry + ReadAllLayer` as the global default, once. From then on
/// tracing's events and spans are enabled for the rest of the process.
pub(crate) fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let subscriber = tracing_subscriber::registry().with(ReadAllLayer);
        tracing::subscriber::set_global_default(subscriber)
            .expect("nothing else sets tracing's global default");
    });
}

/// Whether a subscriber was ever installed (the "nobody listening" cases need none).
pub(crate) fn installed() -> bool {
    tracing::dispatcher::has_been_set()
}
