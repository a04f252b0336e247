//! Why the bridge could not be installed.

use std::fmt;

use telemetry_runtime::AttachError;

/// Why [`install`](crate::install) failed.
#[derive(Debug)]
pub enum InstallError {
    /// The configuration names no event and no metric: the bridge would export nothing.
    NoEvents,
    /// The configuration has metric definitions but no metric exporter was given
    /// (use [`install_with_metrics`](crate::install_with_metrics) or [`install`](crate::install)).
    NoMetricExporter,
    /// The OTLP exporter could not be built (for example an invalid endpoint URL in the
    /// code or in `OTEL_EXPORTER_OTLP_ENDPOINT`).
    Exporter(String),
    /// The export thread could not be started.
    Thread(std::io::Error),
    /// The handler could not be attached (its id is taken).
    Attach(AttachError),
}

impl fmt::Display for InstallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstallError::NoEvents => write!(
                f,
                "the OpenTelemetry bridge was given no events: add spans, events, a catalogue or metrics to its Config"
            ),
            InstallError::NoMetricExporter => write!(
                f,
                "the Config has metric definitions but no metric exporter was given: call install_with_metrics"
            ),
            InstallError::Exporter(why) => write!(f, "cannot build the OTLP exporter: {why}"),
            InstallError::Thread(err) => write!(f, "cannot start the export thread: {err}"),
            InstallError::Attach(err) => write!(f, "cannot attach the OpenTelemetry bridge: {err}"),
        }
    }
}

impl std::error::Error for InstallError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            InstallError::Thread(err) => Some(err),
            InstallError::Attach(err) => Some(err),
            InstallError::NoEvents | InstallError::NoMetricExporter | InstallError::Exporter(_) => {
                None
            }
        }
    }
}
