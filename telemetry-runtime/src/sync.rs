//! The atomics the slot state uses, in one place so that the loom model can compile the
//! same source against its own (`tests/loom_slot.rs` includes `interest.rs`).

pub(crate) use std::sync::atomic::{AtomicU8, Ordering};
