//! The metric side of the bridge: an SDK meter provider whose periodic reader pushes to
//! the metric exporter, and the handlers that record the configured definitions into it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use opentelemetry::InstrumentationScope;
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::metrics::{Instrument, PeriodicReader, SdkMeterProvider, Stream};

use crate::config::Config;
use crate::counted_export::CountedExport;
use crate::drops::{DropCounter, DropCounts};
use crate::error::InstallError;
use crate::meters::{attach_metrics, instrument_name};

/// The running metric export.
pub(crate) struct MetricPipeline {
    provider: SdkMeterProvider,
    attachments: Mutex<Vec<telemetry_metrics::Attachment>>,
    drops: Arc<DropCounter>,
}

impl MetricPipeline {
    /// Starts the reader's thread over `exporter` and attaches every definition set of
    /// `config`, under handler ids `<handler id>/metrics/<n>/<event name>`.
    pub(crate) fn start<M: PushMetricExporter>(
        config: &Config,
        resource: Resource,
        scope: InstrumentationScope,
        exporter: M,
    ) -> Result<Self, InstallError> {
        let drops = Arc::new(DropCounter::default());
        let mut reader = PeriodicReader::builder(CountedExport {
            inner: exporter,
            drops: Arc::clone(&drops),
        });
        if let Some(interval) = config.metric_interval {
            reader = reader.with_interval(interval);
        }
        let limits = series_limits(config);
        let provider = SdkMeterProvider::builder()
            .with_resource(resource)
            .with_reader(reader.build())
            .with_view(move |instrument: &Instrument| {
                let limit = limits.get(instrument.name())?;
                Stream::builder()
                    .with_cardinality_limit(*limit)
                    .build()
                    .ok()
            })
            .build();
        let meter = provider.meter_with_scope(scope);
        let mut attachments = Vec::with_capacity(config.metrics.len());
        for (n, metrics) in config.metrics.iter().enumerate() {
            let id = format!("{}/metrics/{n}", config.handler_id);
            match attach_metrics(&id, metrics, &meter) {
                Ok(attachment) => attachments.push(attachment),
                Err(err) => {
                    // Dropping the attachments made so far detaches them.
                    let _ = provider.shutdown();
                    return Err(InstallError::Attach(err));
                }
            }
        }
        Ok(MetricPipeline {
            provider,
            attachments: Mutex::new(attachments),
            drops,
        })
    }

    /// The data points lost to failed pushes.
    pub(crate) fn dropped(&self) -> DropCounts {
        self.drops.snapshot()
    }

    /// Exports the current values now.
    pub(crate) fn flush(&self) -> bool {
        self.provider.force_flush().is_ok()
    }

    /// Detaches the handlers, exports the values a last time and stops the reader.
    pub(crate) fn shutdown(&self, timeout: Duration) -> bool {
        let attachments = std::mem::take(
            &mut *self
                .attachments
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        attachments
            .into_iter()
            .for_each(telemetry_metrics::Attachment::detach);
        self.provider.shutdown_with_timeout(timeout).is_ok()
    }
}

/// The SDK's cardinality limit of each instrument, above the definition's own bound: the
/// definition's tag sets and its overflow series, plus the SDK's overflow slot (never
/// used), so that overflow works alike in every reporter.
fn series_limits(config: &Config) -> HashMap<String, usize> {
    config
        .metrics
        .iter()
        .flat_map(|metrics| metrics.iter())
        .map(|metric| {
            let limit = metric.series_limit().saturating_add(2).min(usize::MAX - 1);
            (instrument_name(metric.name()), limit)
        })
        .collect()
}
