//! The sizes a catalogue may reach.
//!
//! The macros parse the catalogue inside the compiler, unoptimised, in every
//! crate that uses it, so every size has a bound that keeps a check fast and
//! its stack shallow. Each bound is far above what a real catalogue needs (the
//! largest reference catalogue is 10 KB, 30 events, 6 keys per event, 3 atom
//! values, types 2 deep); going over one is an error at the line and column
//! where the limit is crossed.

/// The largest catalogue file, in bytes (1 MiB).
pub const MAX_FILE_BYTES: usize = 1 << 20;

/// The most events and spans one catalogue declares, together.
pub const MAX_EVENTS: usize = 10_000;

/// The most members one event declares: its metadata keys (a span's `stop`
/// keys included) and its measurements, together.
pub const MAX_KEYS_PER_EVENT: usize = 1_000;

/// The most values one `atom(...)` lists.
pub const MAX_ATOM_VALUES: usize = 1_000;

/// The most alternatives one union (`a | b | ...`) or elements one tuple
/// (`tuple<a, b, ...>`) has.
pub const MAX_TYPE_ITEMS: usize = 256;

/// The deepest nesting of `list<...>` and `tuple<...>` in one type:
/// `list<list<u64>>` is 2 deep.
pub const MAX_TYPE_DEPTH: usize = 32;

/// The longest name, in bytes: the catalogue's name and prefix, an event name
/// (a `renamed_to` included), a key or measurement name, its Rust field name,
/// and an atom value.
pub const MAX_NAME_BYTES: usize = 256;
