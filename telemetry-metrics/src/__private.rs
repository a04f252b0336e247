//! The contract between this crate and the code `metrics!` generates. Not a public API:
//! what it holds may change in any release.

pub use crate::definition::{Kind, Metric, Metrics, SumAs};
pub use crate::unit::{Conversion, Unit};
pub use telemetry_metrics_macros::metrics_with_catalogs;
pub use telemetry_runtime::{Fields, Name, Phase, Value};
