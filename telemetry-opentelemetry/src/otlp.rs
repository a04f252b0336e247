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
    // OTLP/HTTP takes one URL per signal: the base endpoint and the signal's path.
    let url = |path: &str| {
        config
            .endpoint
            .as_deref()
            .map(|base| format!("{}{path}", base.trim_end_matches('/')))
    };
    let spans = configured(
        SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary),
        url("/v1/traces"),
        &config,
    )
    .build()
    .map_err(exporter_error)?;
    let logs = configured(
        LogExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary),
        url("/v1/logs"),
        &config,
    )
    .build()
    .map_err(exporter_error)?;
    if config.metrics.is_empty() {
        return install_with(config, spans, logs);
    }
    let metrics = configured(
        MetricExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary),
        url("/v1/metrics"),
        &config,
    )
    .build()
    .map_err(exporter_error)?;
    install_with_metrics(config, spans, logs, metrics)
}

/// OTLP over gRPC: every signal goes to the one base endpoint.
#[cfg(feature = "grpc")]
fn install_grpc(config: Config) -> Result<Bridge, InstallError> {
    let url = config.endpoint.clone();
    let spans = configured(SpanExporter::builder().with_tonic(), url.clone(), &config)
        .build()
        .map_err(exporter_error)?;
    let logs = configured(LogExporter::builder().with_tonic(), url.clone(), &config)
        .build()
        .map_err(exporter_error)?;
    if config.metrics.is_empty() {
        return install_with(config, spans, logs);
    }
    let metrics = configured(MetricExporter::builder().with_tonic(), url, &config)
        .build()
        .map_err(exporter_error)?;
    install_with_metrics(config, spans, logs, metrics)
}

/// An exporter builder of either transport with the configured endpoint (else the
/// exporter's own default, from the environment) and export timeout.
fn configured<B: WithExportConfig>(builder: B, url: Option<String>, config: &Config) -> B {
    let builder = match url {
        Some(url) => builder.with_endpoint(url),
        None => builder,
    };
    match config.export_timeout {
        Some(timeout) => builder.with_timeout(timeout),
        None => builder,
    }
}

fn exporter_error(error: impl std::fmt::Display) -> InstallError {
    InstallError::Exporter(error.to_string())
}
