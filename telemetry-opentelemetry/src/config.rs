//! What the bridge exports, where to, and how much it may buffer.

use std::sync::Arc;
use std::time::Duration;

use opentelemetry::KeyValue;
use telemetry_metrics::Metrics;
use telemetry_runtime::{CatalogInfo, EventKind, EventName, IntoName, NameError, Phase};

/// The bridge's configuration: which events to export, the service's resource, the OTLP
/// endpoint and the queue bounds. Anything not set in code comes from the standard
/// variables (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_SERVICE_NAME`,
/// `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_EXPORTER_OTLP_TIMEOUT`, `OTEL_EXPORTER_OTLP_HEADERS`),
/// then from OpenTelemetry's defaults.
///
/// ```
/// use std::time::Duration;
/// use telemetry_opentelemetry::Config;
/// let config = Config::new("exgit-demo-handler")
///     .service_name("exgit-demo")
///     .endpoint("http://127.0.0.1:4318")
///     .span("exgit.pack.parse")?
///     .event("exgit.object_store.haves_sent")?
///     .queue_capacity(4096)
///     .export_timeout(Duration::from_secs(2));
/// assert_eq!(config.event_names().len(), 4);
/// # Ok::<(), telemetry_runtime::NameError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) handler_id: String,
    pub(crate) events: Vec<EventName>,
    pub(crate) endpoint: Option<String>,
    pub(crate) service_name: Option<String>,
    pub(crate) resource: Vec<KeyValue>,
    pub(crate) scope_name: String,
    pub(crate) queue_capacity: usize,
    pub(crate) max_batch: usize,
    pub(crate) batch_delay: Duration,
    pub(crate) export_timeout: Option<Duration>,
    pub(crate) max_open_spans: usize,
    pub(crate) metrics: Vec<Arc<Metrics>>,
    pub(crate) metric_interval: Option<Duration>,
    #[cfg(feature = "grpc")]
    pub(crate) grpc: bool,
}

impl Config {
    /// A configuration whose handler is attached under `handler_id`, exporting nothing
    /// until events, spans or a catalogue are added.
    pub fn new(handler_id: impl Into<String>) -> Self {
        Config {
            handler_id: handler_id.into(),
            events: Vec::new(),
            endpoint: None,
            service_name: None,
            resource: Vec::new(),
            scope_name: "telemetry".to_owned(),
            queue_capacity: 2048,
            max_batch: 512,
            batch_delay: Duration::from_secs(1),
            export_timeout: None,
            max_open_spans: 65_536,
            metrics: Vec::new(),
            metric_interval: None,
            #[cfg(feature = "grpc")]
            grpc: false,
        }
    }

    /// Exports the span with this prefix (its `start`, `stop` and `exception` events).
    pub fn span<'n>(mut self, prefix: impl IntoName<'n>) -> Result<Self, NameError> {
        let prefix = prefix.into_name()?;
        if prefix.phase().is_some() {
            return Err(NameError::PhaseInPrefix {
                name: prefix.to_string(),
            });
        }
        for phase in [Phase::Start, Phase::Stop, Phase::Exception] {
            self.push(prefix.with_phase(phase).to_event_name());
        }
        Ok(self)
    }

    /// Exports this standalone event as a log record.
    pub fn event<'n>(mut self, name: impl IntoName<'n>) -> Result<Self, NameError> {
        let name = name.into_name()?.to_event_name();
        self.push(name);
        Ok(self)
    }

    /// Exports every span and standalone event of a catalogue (what `catalog!()`
    /// generates as `CATALOG`).
    pub fn catalog(self, catalog: &CatalogInfo) -> Self {
        self.catalog_under(catalog, &[])
    }

    /// Exports the spans and standalone events of a catalogue whose names start with
    /// `prefix`, segment by segment (`&["exgit", "pack"]` takes `exgit.pack.*`).
    pub fn catalog_under(mut self, catalog: &CatalogInfo, prefix: &[&str]) -> Self {
        for info in catalog.events.iter().filter(|e| e.name.starts_with(prefix)) {
            match info.kind {
                EventKind::Span => {
                    for phase in [Phase::Start, Phase::Stop, Phase::Exception] {
                        self.push(info.name.with_phase(phase).to_event_name());
                    }
                }
                EventKind::Event => self.push(info.name.to_event_name()),
            }
        }
        self
    }

    /// The OTLP/HTTP base URL, such as `http://127.0.0.1:4318`; `/v1/traces` and
    /// `/v1/logs` are appended, as for `OTEL_EXPORTER_OTLP_ENDPOINT`, which it overrides.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// The `service.name` resource attribute; overrides `OTEL_SERVICE_NAME`.
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.service_name = Some(name.into());
        self
    }

    /// One more resource attribute, added to those of `OTEL_RESOURCE_ATTRIBUTES`.
    pub fn resource_attribute(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.resource.push(KeyValue::new(key, value.into()));
        self
    }

    /// The instrumentation scope's name (default `telemetry`).
    pub fn scope_name(mut self, name: impl Into<String>) -> Self {
        self.scope_name = name.into();
        self
    }

    /// How many spans (and, separately, log records) may wait for export; beyond that
    /// they are dropped and counted. Default 2048.
    pub fn queue_capacity(mut self, capacity: usize) -> Self {
        self.queue_capacity = capacity.max(1);
        self
    }

    /// The largest batch sent in one request. Default 512.
    pub fn max_batch(mut self, size: usize) -> Self {
        self.max_batch = size.max(1);
        self
    }

    /// How long an item may wait for its batch to fill before it is sent. Default 1 s.
    pub fn batch_delay(mut self, delay: Duration) -> Self {
        self.batch_delay = delay;
        self
    }

    /// How long one export request may take; overrides `OTEL_EXPORTER_OTLP_TIMEOUT`
    /// (default 10 s).
    pub fn export_timeout(mut self, timeout: Duration) -> Self {
        self.export_timeout = Some(timeout);
        self
    }

    /// How many spans may be open at once; the spans started beyond that are counted as
    /// dropped when they end. Default 65 536.
    pub fn max_open_spans(mut self, limit: usize) -> Self {
        self.max_open_spans = limit.max(1);
        self
    }

    /// Exports over OTLP/gRPC instead of HTTP/protobuf; the endpoint is then the gRPC
    /// one (such as `http://127.0.0.1:4317`), used as given.
    #[cfg(feature = "grpc")]
    pub fn grpc(mut self) -> Self {
        self.grpc = true;
        self
    }

    /// Exports these metric definitions (what `telemetry_metrics::metrics!` builds) as
    /// OpenTelemetry metrics: a counter as a `u64` Counter, a sum as a Counter or (when
    /// its definition exports it as a gauge) an UpDownCounter, a last value as a Gauge, a
    /// summary or distribution as a Histogram with the definition's buckets; tags become
    /// attributes, and the unit (in UCUM: `ms`, `By`...) and description are carried.
    /// Past a metric's `max_series` tag sets, new ones share one series whose only
    /// attribute is `telemetry_overflow="true"`, as in the other reporters. Several sets
    /// may be added.
    pub fn metrics(mut self, metrics: Metrics) -> Self {
        self.metrics.push(Arc::new(metrics));
        self
    }

    /// How often metrics are exported; overrides `OTEL_METRIC_EXPORT_INTERVAL` (in
    /// milliseconds, default 60 s). Shutdown exports them once more whatever the interval.
    pub fn metric_interval(mut self, interval: Duration) -> Self {
        self.metric_interval = Some(interval);
        self
    }

    /// The metric definition sets to export.
    pub fn metric_sets(&self) -> impl Iterator<Item = &Metrics> {
        self.metrics.iter().map(|m| &**m)
    }

    /// The event names the handler is attached to.
    pub fn event_names(&self) -> &[EventName] {
        &self.events
    }

    fn push(&mut self, name: EventName) {
        if !self.events.contains(&name) {
            self.events.push(name);
        }
    }
}
