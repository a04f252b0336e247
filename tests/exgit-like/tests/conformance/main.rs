//! exgit's telemetry page, as tests: every catalogued event is emitted by the code path
//! the page describes, with exactly the documented measurements and metadata.
//!
//! One module per area of the page; `catalog` checks the lists and that the tests,
//! together, leave no event of the catalogue unemitted. Every test captures the events
//! of its own thread, so the tests run in parallel without seeing each other's events.

mod catalog;
mod fs;
mod object_store;
mod pack;
mod promisor;
mod refs;
mod shared_promisor;
mod span;
mod support;
mod transport;
