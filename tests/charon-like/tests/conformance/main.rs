//! Charon's telemetry page, as tests: every catalogued event is emitted by the code path
//! the page describes, with `count = 1` and exactly the documented metadata.
//!
//! Every test captures the events of its own thread, so the tests run in parallel
//! without seeing each other's events.

mod catalog;
mod sessions;
mod support;
mod tokens;
