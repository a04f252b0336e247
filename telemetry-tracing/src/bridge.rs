//! The attached bridge: one handler per configured event or span, each holding its
//! prebuilt callsites, so that an event reaches `tracing` without a lookup.

use std::sync::Arc;

use telemetry_runtime::{Event, EventKind, HandlerId, MarkedField, Phase, Value, current_span};
use tracing_core::{Level, span};

use crate::callsite::{BridgeCallsite, CallsiteError, Role, callsite};
use crate::config::{Config, Entry};
use crate::error::BridgeError;
use crate::open_spans;
use crate::open_spans::OpenSpan;
use crate::switch::Switch;
use crate::values;

/// The field a span's stop records its duration in (nanoseconds).
pub const DURATION_FIELD: &str = "duration";

/// The attached bridge; dropping it (or [`detach`](Bridge::detach)) detaches its handlers.
///
/// Each handler is attached to our runtime only while `tracing` may want what it shows:
/// when every subscriber's filter rejects an event or span (its callsite's interest is
/// "never"), its handler is detached, and emitting it costs what emitting an event
/// nobody listens to costs; a subscriber that may want it attaches it again.
pub struct Bridge {
    switches: Vec<Arc<Switch>>,
}

/// Attaches the bridge: builds (once per distinct name) the `tracing` callsites of every
/// configured event and span, and attaches one handler per event or span.
///
/// ```
/// use telemetry_tracing::{attach, Config};
/// let bridge = attach(Config::new("doc-tracing").event("exgit.object_store.haves_sent", &["count", "sha"])?)?;
/// // With a subscriber installed (say tracing_subscriber::fmt().init()), this is a
/// // tracing event at INFO, target `exgit.object_store.haves_sent`, fields count and sha.
/// telemetry_runtime::execute(
///     "exgit.object_store.haves_sent",
///     &telemetry_runtime::fields!(count = 3u64),
///     &telemetry_runtime::fields!(sha = "abc"),
/// )?;
/// bridge.detach();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn attach(config: Config) -> Result<Bridge, BridgeError> {
    if config.entries.is_empty() {
        return Err(BridgeError::NoEvents);
    }
    let mut bridge = Bridge {
        switches: Vec::new(),
    };
    for entry in &config.entries {
        let level = entry.level.unwrap_or(config.level);
        let id = HandlerId::from(format!("{}/{}", config.handler_id, entry.name));
        let (site, switch) = match entry.kind {
            EventKind::Event => attach_event(id, entry, level),
            EventKind::Span => attach_span(id, entry, level),
        }?; // On failure, `bridge` drops here and detaches what was attached.
        bridge.switches.push(Arc::clone(&switch));
        site.govern(&switch);
    }
    Ok(bridge)
}

fn made(
    result: Result<&'static BridgeCallsite, CallsiteError>,
) -> Result<&'static BridgeCallsite, BridgeError> {
    result.map_err(|e| match e {
        CallsiteError::TooManyFields { name, count } => BridgeError::TooManyFields { name, count },
        CallsiteError::TooManyCallsites => BridgeError::TooManyCallsites,
    })
}

type Attached = (&'static BridgeCallsite, Arc<Switch>);

fn attach_event(id: HandlerId, entry: &Entry, level: Level) -> Result<Attached, BridgeError> {
    let keys: Vec<&str> = entry.keys.iter().map(String::as_str).collect();
    let site = made(callsite(entry.name.as_str(), Role::Event, level, &keys))?;
    let switch = Switch::attach(
        id,
        vec![entry.name.clone()],
        Arc::new(move |event: &Event<'_>| emit_event(site, event)),
    )
    .map_err(BridgeError::Attach)?;
    Ok((site, switch))
}

fn attach_span(id: HandlerId, entry: &Entry, level: Level) -> Result<Attached, BridgeError> {
    let mut keys: Vec<&str> = entry.keys.iter().map(String::as_str).collect();
    if !keys.contains(&DURATION_FIELD) {
        keys.push(DURATION_FIELD);
    }
    let site = made(callsite(entry.name.as_str(), Role::Span, level, &keys))?;
    let exception = made(callsite(
        entry.name.as_str(),
        Role::Exception,
        Level::ERROR,
        &["kind", "reason"],
    ))?;
    let prefix = entry.name.as_name();
    let phases = [Phase::Start, Phase::Stop, Phase::Exception]
        .map(|p| prefix.with_phase(p).to_event_name())
        .to_vec();
    let switch = Switch::attach(
        id,
        phases,
        Arc::new(move |event: &Event<'_>| match event.name().phase() {
            Some(Phase::Start) => start_span(site, event),
            Some(Phase::Stop) => end_span(site, None, event),
            Some(Phase::Exception) => end_span(site, Some(exception), event),
            None => {}
        }),
    )
    .map_err(BridgeError::Attach)?;
    Ok((site, switch))
}

/// An event's measurements and metadata, each marked sensitive or not. A span's stop
/// carries `duration` among its measurements.
fn fields_of<'a>(event: &Event<'a>) -> impl Iterator<Item = MarkedField<'a, Value<'a>>> + use<'a> {
    event.marked_measurements().chain(event.marked_metadata())
}

fn emit_event(site: &'static BridgeCallsite, event: &Event<'_>) {
    if !site.is_enabled() {
        return;
    }
    let Some(metadata) = site.metadata_static() else {
        return;
    };
    // Inside one of our spans shown in `tracing`, that span is the parent; otherwise
    // `tracing`'s own current span is.
    let parent = current_span().and_then(|c| open_spans::id_of(c.id().get()));
    values::record(site, fields_of(event), |values| match parent {
        Some(parent) => tracing_core::Event::child_of(Some(parent), metadata, values),
        None => tracing_core::Event::dispatch(metadata, values),
    });
}

fn start_span(site: &'static BridgeCallsite, event: &Event<'_>) {
    let Some(context) = event.span_context() else {
        return;
    };
    if !site.is_enabled() {
        return;
    }
    let Some(metadata) = site.metadata_static() else {
        return;
    };
    let parent = context.parent().and_then(|p| open_spans::id_of(p.get()));
    let span = values::record(site, fields_of(event), |values| match parent {
        Some(parent) => tracing::Span::child_of(parent, metadata, values),
        None => tracing::Span::new(metadata, values),
    });
    if let Some(span) = span {
        let started_with = fields_of(event)
            .filter_map(|f| Some((site.index_of(f.key)?, values::fingerprint(f.value))))
            .collect();
        // A span beyond the limit is not shown; what happens inside it still is.
        let _ = open_spans::started(context.id().get(), OpenSpan { span, started_with });
    }
}

fn end_span(
    site: &'static BridgeCallsite,
    exception: Option<&'static BridgeCallsite>,
    event: &Event<'_>,
) {
    let Some(context) = event.span_context() else {
        return;
    };
    let Some(OpenSpan { span, started_with }) = open_spans::ended(context.id().get()) else {
        return;
    };
    // The stop repeats the start metadata: record only what it adds or changes, so that
    // a subscriber does not show a start key twice.
    let new_or_changed = fields_of(event).filter(|f| {
        let Some(index) = site.index_of(f.key) else {
            return false;
        };
        let fingerprint = values::fingerprint(f.value);
        !started_with.contains(&(index, fingerprint))
    });
    values::record(site, new_or_changed, |values| span.record_all(values));
    if let (Some(exception), Some(id)) = (exception, span.id()) {
        emit_exception(exception, id, event);
    }
}

/// The exception's `kind` and `reason`, as an event inside the span it ended.
fn emit_exception(site: &'static BridgeCallsite, span: span::Id, event: &Event<'_>) {
    if !site.is_enabled() {
        return;
    }
    let Some(metadata) = site.metadata_static() else {
        return;
    };
    values::record(site, fields_of(event), |values| {
        tracing_core::Event::child_of(Some(span), metadata, values);
    });
}

impl Bridge {
    /// Detaches every handler of the bridge.
    pub fn detach(self) {
        drop(self);
    }

    /// The ids of the bridge's handlers, one per event or span, each with whether it is
    /// attached now (`false` while no subscriber wants what it shows).
    pub fn handlers(&self) -> Vec<(HandlerId, bool)> {
        self.switches
            .iter()
            .map(|s| (s.id().clone(), s.is_attached()))
            .collect()
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        for switch in self.switches.drain(..) {
            switch.close();
        }
    }
}

impl std::fmt::Debug for Bridge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bridge")
            .field("handlers", &self.handlers())
            .finish()
    }
}
