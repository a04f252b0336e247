//! The telemetry catalogue (in progress).
