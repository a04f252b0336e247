//! The atomics the slot state and the snapshot protocol use, in one place so that the
//! loom models can compile the same source against their own (`tests/loom_slot.rs`
//! includes `interest.rs`, `tests/loom_snapshot.rs` includes `grace.rs` and
//! `snapshot.rs`).

pub(crate) use std::sync::atomic::{AtomicPtr, AtomicU8, AtomicU64, Ordering};
