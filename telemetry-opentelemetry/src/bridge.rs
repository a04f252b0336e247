//! The installed bridge: one handler attached to the configured events, two bounded
//! queues (spans, log records) and their export threads.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use opentelemetry::InstrumentationScope;
use opentelemetry::logs::LoggerProvider as _;
use opentelemetry::trace::TraceState;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::{LogExporter, SdkLogger, SdkLoggerProvider};
use opentelemetry_sdk::trace::{SpanData, SpanExporter};
use telemetry_runtime::{Durability, Event, HandlerId, Phase, TraceContext, attach_with, detach};

use crate::config::Config;
use crate::drops::{self, DropCounter, DropCounts, DropReason};
use crate::error::InstallError;
use crate::logs::{self, EventNames, LogSink, QueueProcessor};
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
/// or any other exporter); [`install`](crate::install) builds the OTLP ones.
pub fn install_with<S, L>(
    config: Config,
    mut span_exporter: S,
    mut log_exporter: L,
) -> Result<Bridge, InstallError>
where
    S: SpanExporter + 'static,
    L: LogExporter + 'static,
{
    if config.events.is_empty() {
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
        scope,
    });
    let handler_id = HandlerId::from(config.handler_id.as_str());
    let handler = Arc::clone(&shared);
    attach_with(
        handler_id.clone(),
        config.events.iter(),
        Durability::Durable,
        move |event| handler.handle(event),
    )
    .map_err(InstallError::Attach)?;
    Ok(Bridge {
        handler_id,
        shared,
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
    /// Exports everything queued so far; `false` if that took longer than `timeout`.
    pub fn force_flush(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let spans = self.shared.spans.flush(timeout);
        let logs = self
            .shared
            .logs
            .flush(deadline.saturating_duration_since(Instant::now()));
        spans && logs
    }

    /// Detaches the handler, exports everything queued and shuts the exporters down;
    /// `false` if that took longer than `timeout` (what was still queued is then lost).
    pub fn shutdown(&self, timeout: Duration) -> bool {
        if self.shut_down.swap(true, Ordering::AcqRel) {
            return true;
        }
        let _ = detach(self.handler_id.clone());
        // One deadline for both queues: `timeout` bounds the whole shutdown.
        let deadline = Instant::now() + timeout;
        let spans = self.shared.spans.shutdown(timeout);
        let logs = self
            .shared
            .logs
            .shutdown(deadline.saturating_duration_since(Instant::now()));
        // The provider's only processor is the queue, already shut down.
        let _ = self.shared.log_provider.shutdown();
        spans && logs
    }

    /// Spans not exported so far, by reason.
    pub fn dropped_spans(&self) -> DropCounts {
        self.shared.span_drops.snapshot()
    }

    /// Log records (standalone events) not exported so far, by reason.
    pub fn dropped_logs(&self) -> DropCounts {
        self.shared.log_drops.snapshot()
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
