//! A metric exporter that counts what it fails to export: the data points of a failed
//! push are lost (the next push carries the cumulative values again, but a backend sees a
//! gap), so they are counted and reported like dropped spans.

use std::sync::Arc;
use std::time::Duration;

use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;

use crate::drops::{self, DropCounter, DropReason};

/// Wraps the metric exporter; failed pushes add their data points to `drops` and emit
/// the drop event with signal `metrics`.
pub(crate) struct CountedExport<M> {
    pub(crate) inner: M,
    pub(crate) drops: Arc<DropCounter>,
}

impl<M: PushMetricExporter> PushMetricExporter for CountedExport<M> {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        let result = self.inner.export(metrics).await;
        if result.is_err() {
            let points = data_points(metrics);
            self.drops.add(DropReason::ExportFailed, points);
            drops::report("metrics", DropReason::ExportFailed, points);
        }
        result
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn temporality(&self) -> Temporality {
        self.inner.temporality()
    }
}

/// How many data points (one per metric and attribute set) a push carries.
fn data_points(metrics: &ResourceMetrics) -> u64 {
    fn count<T>(data: &MetricData<T>) -> usize {
        match data {
            MetricData::Gauge(gauge) => gauge.data_points().count(),
            MetricData::Sum(sum) => sum.data_points().count(),
            MetricData::Histogram(histogram) => histogram.data_points().count(),
            MetricData::ExponentialHistogram(histogram) => histogram.data_points().count(),
        }
    }
    metrics
        .scope_metrics()
        .flat_map(|scope| scope.metrics())
        .map(|metric| match metric.data() {
            AggregatedMetrics::F64(data) => count(data),
            AggregatedMetrics::U64(data) => count(data),
            AggregatedMetrics::I64(data) => count(data),
        })
        .sum::<usize>() as u64
}
