//! Fuzz target: see `check_names` in `entry_points.rs`, which the stable
//! corpus replay (`catalog/tests/fuzz_corpus.rs`) runs too.
#![no_main]

#[path = "../entry_points.rs"]
mod entry_points;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entry_points::check_names(data));
