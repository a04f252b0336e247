//! The installed bridge: one handler attached to the configured events, two bounded
//! queues (spans, log records) and their export threads, and the metric pipeline.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use opentelemetry::InstrumentationScope;
use opentelemetry::logs::LoggerProvider as _;
use opentelemetry::trace::TraceState;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::{LogExporter, SdkLogger, SdkLoggerProvider};
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};
use telemetry_runtime::{Durability, Event, HandlerId, Phase, TraceContext, attach_with, detach};

use crate::config::Config;
use crate::drops::{self, DropCounter, DropCounts, DropReason};
use crate::error::InstallError;
use crate::logs::{self, EventNames, LogSink, QueueProcessor};
use crate::metric_pipeline::MetricPipeline;
use crate::open_spans::OpenSpans;
use crate::queue::{Batching, Queue, Sink};
use crate::spans::{Ending, span_data};

/// How long dropping a [`Bridge`] waits for the last export.
const DROP_FLUSH_TIMEOUT: Duration = Duration::from_secs(5);

/// The installed bridge. Dropping it (or calling [`shutdown`](Bridge::shutdown)) detaches
/// its handler and exports what is still queued.
pub struct Bridge {
    handler_id: HandlerId,
    shared: Arc<Shared>,
    metrics: Option<MetricPipeline>,
    /// Whether the handler is attached: a configuration with metrics alone attaches none.
    handler_attached: bool,
    shut_down: AtomicBool,
}

struct Shared {
    spans: Queue<SpanData>,
    logs: Arc<Queue<opentelemetry_sdk::logs::SdkLogRecord>>,
    logger: SdkLogger,
    names: EventNames,
    log_provider: SdkLoggerProvider,
    open: OpenSpans,
    span_drops: Arc<DropCounter>,
    log_drops: Arc<DropCounter>,
    scope: InstrumentationScope,
}

/// Installs the bridge with the given exporters (the SDK's in-memory exporters in tests,
/// or any other exporter); [`install`](crate::install) builds the OTLP ones. A
/// configuration with metric definitions needs
/// [`install_with_metrics`] (else [`InstallError::NoMetricExporter`]).
pub fn install_with<S, L>(
    config: Config,
    span_exporter: S,
    log_exporter: L,
) -> Result<Bridge, InstallError>
where
    S: SpanExporter + 'static,
    L: LogExporter + 'static,
{
    if !config.metrics.is_empty() {
        return Err(InstallError::NoMetricExporter);
    }
    install_parts(config, span_exporter, log_exporter, |_, _| Ok(None))
}

/// Installs the bridge with the given exporters, the metric definitions of the
/// configuration ([`Config::metrics`]) pushed to `metric_exporter` by the SDK's periodic
/// reader (every [`Config::metric_interval`], and once more on shutdown).
///
/// ```
/// use opentelemetry_sdk::logs::InMemoryLogExporter;
/// use opentelemetry_sdk::metrics::InMemoryMetricExporter;
/// use opentelemetry_sdk::trace::InMemorySpanExporter;
/// use telemetry_opentelemetry::{Config, install_with_metrics};
///
/// let metrics = telemetry_metrics::metrics! {
///     use exgit_like;
///     counter("exgit.object_store.haves_sent.count"),
/// };
/// let exporter = InMemoryMetricExporter::default();
/// let bridge = install_with_metrics(
///     Config::new("doc-otel-metrics").metrics(metrics),
///     InMemorySpanExporter::default(),
///     InMemoryLogExporter::default(),
///     exporter.clone(),
/// )?;
/// telemetry_runtime::execute(
///     "exgit.object_store.haves_sent",
///     &telemetry_runtime::fields!(count = 2u64),
///     &telemetry_runtime::fields!(sha = "abc"),
/// )?;
/// bridge.shutdown(std::time::Duration::from_secs(5));
/// assert!(!exporter.get_finished_metrics()?.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn install_with_metrics<S, L, M>(
    config: Config,
    span_exporter: S,
    log_exporter: L,
    metric_exporter: M,
) -> Result<Bridge, InstallError>
where
    S: SpanExporter + 'static,
    L: LogExporter + 'static,
    M: PushMetricExporter,
{
    install_parts(
        config,
        span_exporter,
        log_exporter,
        |config, (resource, scope)| {
            if config.metrics.is_empty() {
                return Ok(None);
            }
            MetricPipeline::start(config, resource, scope, metric_exporter).map(Some)
        },
    )
}

/// What the metric pipeline shares with the rest of the bridge.
type MetricStart = (Resource, InstrumentationScope);

fn install_parts<S, L>(
    config: Config,
    mut span_exporter: S,
    mut log_exporter: L,
    start_metrics: impl FnOnce(&Config, MetricStart) -> Result<Option<MetricPipeline>, InstallError>,
) -> Result<Bridge, InstallError>
where
    S: SpanExporter + 'static,
    L: LogExporter + 'static,
{
    if config.events.is_empty() && config.metrics.is_empty() {
        return Err(InstallError::NoEvents);
    }
    let resource = resource(&config);
    span_exporter.set_resource(&resource);
    log_exporter.set_resource(&resource);
    let scope = InstrumentationScope::builder(config.scope_name.clone())
        .with_version(env!("CARGO_PKG_VERSION"))
        .build();
    let batching = Batching {
        capacity: config.queue_capacity,
        max_batch: config.max_batch,
        delay: config.batch_delay,
    };
    let span_drops = Arc::new(DropCounter::default());
    let log_drops = Arc::new(DropCounter::default());
    let spans = Queue::start(
        "telemetry-otel-spans",
        SpanSink {
            exporter: span_exporter,
        },
        batching,
        Arc::clone(&span_drops),
        |reason, count| drops::report("spans", reason, count),
    )
    .map_err(InstallError::Thread)?;
    let logs = Arc::new(
        Queue::start(
            "telemetry-otel-logs",
            LogSink {
                exporter: log_exporter,
                scope: scope.clone(),
            },
            batching,
            Arc::clone(&log_drops),
            |reason, count| drops::report("logs", reason, count),
        )
        .map_err(InstallError::Thread)?,
    );
    let resource_for_metrics = resource.clone();
    let log_provider = SdkLoggerProvider::builder()
        .with_resource(resource)
        .with_log_processor(QueueProcessor {
            queue: Arc::clone(&logs),
        })
        .build();
    let logger = log_provider.logger_with_scope(scope.clone());
    let shared = Arc::new(Shared {
        spans,
        logs,
        logger,
        names: EventNames::new(&config.events),
        log_provider,
        open: OpenSpans::new(config.max_open_spans),
        span_drops,
        log_drops,
        scope: scope.clone(),
    });
    let handler_id = HandlerId::from(config.handler_id.as_str());
    let handler = Arc::clone(&shared);
    if !config.events.is_empty() {
        attach_with(
            handler_id.clone(),
            config.events.iter(),
            Durability::Durable,
            move |event| handler.handle(event),
        )
        .map_err(InstallError::Attach)?;
    }
    let metrics = match start_metrics(&config, (resource_for_metrics, scope)) {
        Ok(metrics) => metrics,
        Err(err) => {
            if !config.events.is_empty() {
                let _ = detach(handler_id);
            }
            return Err(err);
        }
    };
    Ok(Bridge {
        handler_id,
        shared,
        metrics,
        handler_attached: !config.events.is_empty(),
        shut_down: AtomicBool::new(false),
    })
}

fn resource(config: &Config) -> Resource {
    // The default builder reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES.
    let mut builder = Resource::builder();
    if let Some(name) = &config.service_name {
        builder = builder.with_service_name(name.clone());
    }
    builder.with_attributes(config.resource.clone()).build()
}

impl Shared {
    fn handle(&self, event: &Event<'_>) {
        let Some(context) = event.span_context() else {
            logs::emit(&self.logger, &self.names, event);
            return;
        };
        let span_id = context.id().get();
        match event.name().phase() {
            Some(Phase::Start) => {
                let system_time = event
                    .measurements()
                    .get("system_time")
                    .and_then(|t| t.as_u64())
                    .unwrap_or(0);
                // A start that is not kept is counted when its span ends.
                let _ = self.open.started(span_id, system_time);
            }
            Some(Phase::Stop | Phase::Exception) => match self.open.ended(span_id) {
                Some(start_system_time) => {
                    let ending = Ending {
                        event,
                        context,
                        start_system_time,
                    };
                    self.spans
                        .push(span_data(&ending, &self.scope, remote_trace_state()));
                }
                None => self.span_drops.add(DropReason::StartNotSeen, 1),
            },
            None => logs::emit(&self.logger, &self.names, event),
        }
    }
}

/// The `tracestate` of the remote trace this thread works in, if any: it is exported with
/// the spans of that trace, as W3C Trace Context asks.
fn remote_trace_state() -> TraceState {
    TraceContext::current()
        .trace_state()
        .and_then(|state| state.as_str().parse().ok())
        .unwrap_or(TraceState::NONE)
}

impl Bridge {
    /// Exports everything queued so far, and the metrics' current values; `false` if that
    /// took longer than `timeout` or the metric export failed.
    pub fn force_flush(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let spans = self.shared.spans.flush(timeout);
        let logs = self
            .shared
            .logs
            .flush(deadline.saturating_duration_since(Instant::now()));
        let metrics = self.metrics.as_ref().is_none_or(MetricPipeline::flush);
        spans && logs && metrics
    }

    /// Detaches the handlers, exports everything queued and the metrics' last values, and
    /// shuts the exporters down; `false` if that took longer than `timeout` (what was
    /// still queued is then lost) or the last metric export failed.
    pub fn shutdown(&self, timeout: Duration) -> bool {
        if self.shut_down.swap(true, Ordering::AcqRel) {
            return true;
        }
        if self.handler_attached {
            let _ = detach(self.handler_id.clone());
        }
        // One deadline for both queues: `timeout` bounds the whole shutdown.
        let deadline = Instant::now() + timeout;
        let spans = self.shared.spans.shutdown(timeout);
        let logs = self
            .shared
            .logs
            .shutdown(deadline.saturating_duration_since(Instant::now()));
        // The provider's only processor is the queue, already shut down.
        let _ = self.shared.log_provider.shutdown();
        let metrics = self.metrics.as_ref().is_none_or(|metrics| {
            metrics.shutdown(deadline.saturating_duration_since(Instant::now()))
        });
        spans && logs && metrics
    }

    /// Spans not exported so far, by reason.
    pub fn dropped_spans(&self) -> DropCounts {
        self.shared.span_drops.snapshot()
    }

    /// Log records (standalone events) not exported so far, by reason.
    pub fn dropped_logs(&self) -> DropCounts {
        self.shared.log_drops.snapshot()
    }

    /// Metric data points (one per metric and attribute set in one push) lost because a
    /// push to the metric exporter failed; each loss is also reported as a
    /// [`DROPPED_EVENT`](crate::DROPPED_EVENT) with signal `metrics`. All zero without
    /// metrics.
    pub fn dropped_metric_points(&self) -> DropCounts {
        self.metrics
            .as_ref()
            .map(MetricPipeline::dropped)
            .unwrap_or_default()
    }

    /// The id the handler is attached under.
    pub fn handler_id(&self) -> &HandlerId {
        &self.handler_id
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        self.shutdown(DROP_FLUSH_TIMEOUT);
    }
}

impl std::fmt::Debug for Bridge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bridge")
            .field("handler_id", &self.handler_id)
            .field("dropped_spans", &self.dropped_spans())
            .field("dropped_logs", &self.dropped_logs())
            .field("dropped_metric_points", &self.dropped_metric_points())
            .finish()
    }
}

struct SpanSink<E> {
    exporter: E,
}

impl<E: SpanExporter + 'static> Sink for SpanSink<E> {
    type Item = SpanData;

    fn export(&mut self, batch: Vec<SpanData>) -> Result<(), String> {
        futures_executor::block_on(self.exporter.export(batch)).map_err(|e| e.to_string())
    }

    fn shutdown(&mut self) {
        let _ = self.exporter.shutdown();
    }
}
