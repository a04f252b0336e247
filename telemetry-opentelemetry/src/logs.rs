//! Standalone events as OpenTelemetry log records, correlated with the current span.

use std::sync::Arc;

use opentelemetry::InstrumentationScope;
use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, Severity};
use opentelemetry::trace::{SpanId, TraceFlags, TraceId};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{LogBatch, LogExporter, LogProcessor, SdkLogRecord, SdkLogger};
use telemetry_runtime::{Event, EventName, Name, current_span};

use crate::attributes::any_values;
use crate::interned::intern;
use crate::queue::{Queue, Sink};

/// The configured standalone events' names as `&'static str`, made once at install so
/// that an event finds its name without a lock or an allocation.
pub(crate) struct EventNames(Vec<(EventName, &'static str)>);

impl EventNames {
    pub(crate) fn new(names: &[EventName]) -> Self {
        EventNames(
            names
                .iter()
                .filter(|name| name.phase().is_none())
                .filter_map(|name| Some((name.clone(), intern(name.as_name())?)))
                .collect(),
        )
    }

    fn get(&self, name: Name<'_>) -> Option<&'static str> {
        match self.0.iter().find(|(known, _)| name == *known) {
            Some((_, interned)) => Some(interned),
            // A name ending like a span phase, configured as an event.
            None => intern(name),
        }
    }
}

/// Turns one standalone event into a log record and hands it to the SDK logger, whose
/// only processor is our bounded queue.
pub(crate) fn emit(logger: &SdkLogger, names: &EventNames, event: &Event<'_>) {
    let mut record = logger.create_log_record();
    match names.get(event.name()) {
        Some(name) => {
            record.set_event_name(name);
            record.set_body(AnyValue::from(name));
        }
        None => record.set_body(AnyValue::from(event.name().to_string())),
    }
    record.set_severity_number(Severity::Info);
    record.set_severity_text("INFO");
    let sensitive = |key: &str| event.is_sensitive(key);
    record.add_attributes(any_values(event.measurements().iter(), sensitive));
    record.add_attributes(any_values(event.metadata().iter(), sensitive));
    if let Some(span) = current_span() {
        record.set_trace_context(
            TraceId::from_bytes(span.trace_id().to_bytes()),
            SpanId::from_bytes(span.id().to_bytes()),
            Some(TraceFlags::SAMPLED),
        );
    }
    logger.emit(record);
}

/// The SDK's log pipeline ends here: records go into our queue instead of the SDK's
/// batch processor, so that what is lost is counted by us and reported.
#[derive(Debug)]
pub(crate) struct QueueProcessor {
    pub(crate) queue: Arc<Queue<SdkLogRecord>>,
}

impl LogProcessor for QueueProcessor {
    fn emit(&self, record: &mut SdkLogRecord, _scope: &InstrumentationScope) {
        self.queue.push(record.clone());
    }

    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }
}

/// Exports batches of records through an OpenTelemetry log exporter.
pub(crate) struct LogSink<E> {
    pub(crate) exporter: E,
    pub(crate) scope: InstrumentationScope,
}

impl<E: LogExporter + 'static> Sink for LogSink<E> {
    type Item = SdkLogRecord;

    fn export(&mut self, batch: Vec<SdkLogRecord>) -> Result<(), String> {
        let pairs: Vec<(&SdkLogRecord, &InstrumentationScope)> =
            batch.iter().map(|record| (record, &self.scope)).collect();
        futures_executor::block_on(self.exporter.export(LogBatch::new(&pairs)))
            .map_err(|e| e.to_string())
    }

    fn shutdown(&mut self) {
        let _ = self.exporter.shutdown();
    }
}
