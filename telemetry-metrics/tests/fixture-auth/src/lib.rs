//! A library whose catalogue marks `session_id` sensitive: the compile-fail cases of
//! `metrics!` define metrics over its events.

/// The catalogue as code, and its exposure to dependent crates.
pub mod telemetry {
    telemetry_runtime::catalog!();
}
