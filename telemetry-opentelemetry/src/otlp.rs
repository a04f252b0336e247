//! The OTLP exporters: HTTP with protobuf over the blocking client by default, gRPC
//! behind the `grpc` feature.

use opentelemetry_otlp::{LogExporter, MetricExporter, Protocol, SpanExporter, WithExportConfig};

use crate::bridge::{Bridge, install_with, install_with_metrics};
use crate::config::Config;
use crate::error::InstallError;

/// Installs the bridge exporting over OTLP: attaches one handler to the configured
/// events and starts the export threads. Spans go to `<endpoint>/v1/traces`, standalone
/// events (as log records) to `<endpoint>/v1/logs`, metric definitions
/// ([`Config::metrics`]) to `<endpoint>/v1/metrics` every
/// [`Config::metric_interval`] (else `OTEL_METRIC_EXPORT_INTERVAL`, else 60 s) and on
/// shutdown; the endpoint is the configured one, else `OTEL_EXPORTER_OTLP_ENDPOINT`, else
/// `http://localhost:4318`.
///
/// ```no_run
/// use telemetry_opentelemetry::{install, Config};
/// let bridge = install(Config::new("otel").service_name("exgit-demo").span("exgit.pack.parse")?)?;
/// // ... the application runs ...
/// bridge.shutdown(std::time::Duration::from_secs(5)); // exports what is still queued
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn install(config: Config) -> Result<Bridge, InstallError> {
    #[cfg(feature = "grpc")]
    if config.grpc {
        return install_grpc(config);
    }
    let endpoint = |path: &str| {
        config
            .endpoint
            .as_deref()
            .map(|base| format!("{}{path}", base.trim_end_matches('/')))
    };
    let mut spans = SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary);
    let mut logs = LogExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary);
    if let (Some(traces_url), Some(logs_url)) = (endpoint("/v1/traces"), endpoint("/v1/logs")) {
        spans = spans.with_endpoint(traces_url);
        logs = logs.with_endpoint(logs_url);
    }
    if let Some(timeout) = config.export_timeout {
        spans = spans.with_timeout(timeout);
        logs = logs.with_timeout(timeout);
    }
    let spans = spans
        .build()
        .map_err(|e| InstallError::Exporter(e.to_string()))?;
    let logs = logs
        .build()
        .map_err(|e| InstallError::Exporter(e.to_string()))?;
    if config.metrics.is_empty() {
        return install_with(config, spans, logs);
    }
    let mut metrics = MetricExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary);
    if let Some(url) = endpoint("/v1/metrics") {
        metrics = metrics.with_endpoint(url);
    }
    if let Some(timeout) = config.export_timeout {
        metrics = metrics.with_timeout(timeout);
    }
    let metrics = metrics
        .build()
        .map_err(|e| InstallError::Exporter(e.to_string()))?;
    install_with_metrics(config, spans, logs, metrics)
}

#[cfg(feature = "grpc")]
fn install_grpc(config: Config) -> Result<Bridge, InstallError> {
    let mut spans = SpanExporter::builder().with_tonic();
    let mut logs = LogExporter::builder().with_tonic();
    if let Some(url) = &config.endpoint {
        spans = spans.with_endpoint(url.clone());
        logs = logs.with_endpoint(url.clone());
    }
    if let Some(timeout) = config.export_timeout {
        spans = spans.with_timeout(timeout);
        logs = logs.with_timeout(timeout);
    }
    let spans = spans
        .build()
        .map_err(|e| InstallError::Exporter(e.to_string()))?;
    let logs = logs
        .build()
        .map_err(|e| InstallError::Exporter(e.to_string()))?;
    if config.metrics.is_empty() {
        return install_with(config, spans, logs);
    }
    let mut metrics = MetricExporter::builder().with_tonic();
    if let Some(url) = &config.endpoint {
        metrics = metrics.with_endpoint(url.clone());
    }
    if let Some(timeout) = config.export_timeout {
        metrics = metrics.with_timeout(timeout);
    }
    let metrics = metrics
        .build()
        .map_err(|e| InstallError::Exporter(e.to_string()))?;
    install_with_metrics(config, spans, logs, metrics)
}
