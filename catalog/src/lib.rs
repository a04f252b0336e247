//! The telemetry catalogue: a crate's events as data.
//!
//! A library declares its telemetry events once, in a TOML file (by default
//! `telemetry.toml` beside its `Cargo.toml`). The `#[event]` and `#[span]`
//! macros read it at compile time through this crate ([`Catalog::load`]) and
//! check event names, keys and types against it; people and CI read it with
//! the `telemetry-catalog` command (`check`, `docs`, `diff`).
//!
//! # The format
//!
//! ```toml
//! name = "exgit"              # whose events these are
//! version = "1.4.0"           # the event API's version; `diff` checks it
//! prefix = "exgit"            # every event name starts with "exgit."
//! doc = "Optional introduction for the docs page."
//!
//! [[span]]                    # start, then stop or exception
//! name = "exgit.fs.grep"
//! doc = "Content search over a tree."
//! since = "1.0.0"             # optional
//! metadata = { reference = "string", pattern = "string", path_glob = "string?" }
//! stop = { match_count = "u64", files_scanned = "u64", bytes_scanned = "u64" }
//!
//! [[event]]                   # emitted once
//! name = "exgit.object_store.cache_overfull"
//! doc = "The cache stayed above its cap after eviction."
//! stability = "experimental"  # "stable" (default), "experimental",
//!                             # or { deprecated = "note", renamed_to = "new.name" }
//! measurements = { bytes = "u64", cap = "u64" }
//! metadata = { policy = "atom(log, error, callback)" }
//! ```
//!
//! An event has a dotted `name` (at least two segments of lowercase ASCII
//! letters, digits and `_`, each starting with a letter and optionally ending
//! in `?`, as in `exgit.object_store.has?`), a `doc`, and optionally
//! `stability` and `since`. A standalone event (`[[event]]`) declares
//! `measurements` and `metadata`. A span (`[[span]]`) declares no measurements
//! (the runtime supplies times and durations) and splits its keys: `metadata`
//! holds the keys known when the operation starts, which the start, stop and
//! exception events all carry; `stop` holds the keys known only when it ends,
//! which only the stop event carries.
//!
//! A key is a type string, or a table when it needs more:
//!
//! ```toml
//! metadata = { sha = "bytes", "hit?" = "bool?", kind = "atom(full, oauth2, ..)" }
//! metadata = { token = { type = "string", optional = true, sensitive = true,
//!                        doc = "The raw token.", rust = "raw_token" } }
//! metadata = { policy = { type = "atom", values = ["log", "error"], open = false } }
//! ```
//!
//! A trailing `?` (or `optional = true`) makes a key optional: it may be
//! absent. `sensitive = true` makes every reporter redact the value. Key names
//! are the canonical names handlers see, `hit?` included; names that are not
//! TOML bare keys are quoted (`"hit?" = "bool"`).
//!
//! A measurement is a numeric type (`count = "u64"`), a constant
//! (`count = 1`, i.e. always 1), or a table `{ type = "u64", value = 1, doc = "..." }`.
//!
//! A measurement in a table may declare its unit: `bytes = { type = "u64", unit = "byte" }`.
//! The units are a closed set ([`Unit`]): the times `native`, `nanosecond`,
//! `microsecond`, `millisecond`, `second` (`native` is the runtime's time unit,
//! nanoseconds), and the sizes `byte`, `kilobyte`, `megabyte` (factor 1000). A
//! measurement without `unit` is a plain number, such as a count. Metric
//! definitions (`telemetry_metrics::metrics!`) convert only from the declared
//! unit (`unit = byte -> kilobyte`), and `diff` treats a changed unit as breaking.
//! A span declares no measurements: its `duration` and times are in `native` units.
//!
//! ## Types
//!
//! ```text
//! spec   := type [ "?" ]                      "?" = the key may be omitted
//! type   := term ( "|" term )*                a union of alternatives
//! term   := "bool" | "u64" | "i64" | "f64" | "string" | "bytes" | "any" | "nil"
//!         | "atom" "(" atoms ")"
//!         | "list" "<" type ">"
//!         | "tuple" "<" type ( "," type )* ">"
//! atoms  := ".." | name ( "," name )* [ "," ".." ]
//! ```
//!
//! `atom(bearer, cookie, cookie_only)` is a closed set of values;
//! `atom(full, oauth2, ..)` is open (these and possibly others, where a spec
//! says "e.g."); `atom(..)` is any atom. exgit's `source`, a URL or a
//! `{:ref_store_disk, operation}` tuple, is
//! `"string | tuple<atom(ref_store_disk), atom(..)>"`.
//!
//! `nil` is the none value, written as an alternative of a union:
//! `"string | nil"` is a string or none, and `any` admits none as well
//! ([`Type::admits_nil`] tells). A none value is present; a key ending in `?`
//! may be absent instead. The two combine: `"string | nil?"` may be absent,
//! and when present is a string or none. `nil` alone is not a type.
//!
//! ## Rust field names
//!
//! The Rust field of a key drops a trailing `?` (`hit?` → `hit`) and turns a
//! keyword into a raw identifier (`ref` → `r#ref`); see [`rust_field_name`].
//! `rust = "other_name"` in a key's table overrides the rule, and two keys of
//! one event may not end up with the same field.
//!
//! ## Limits
//!
//! The macros read the catalogue inside the compiler, so every size is
//! bounded ([`limits`]), each far above what a real catalogue needs: a file
//! of at most 1 MiB, 10,000 events and spans, 1,000 keys and measurements per
//! event, 1,000 values per atom, 256 alternatives per union or elements per
//! tuple, types nested at most 32 deep, and names of at most 256 bytes. Going
//! over a limit is an error at the line and column where it is crossed.
//!
//! ## Errors
//!
//! Every error is reported, each as `file:line:column: error: what is wrong`
//! with a `help:` line saying what to write instead ([`Diagnostics`]).
//! TOML syntax errors are reported alone, since the rest of a broken file
//! cannot be read reliably.
//!
//! ## Compatibility
//!
//! [`diff()`] classifies each change between two versions of a catalogue as
//! major, minor or patch, and checks the `version` fields against the result;
//! its documentation states the policy and the decisions behind it.

mod cache;
mod diagnostic;
mod diff;
mod docs;
pub mod limits;
mod locate;
mod model;
mod naming;
mod parse;
mod serialize;
mod suggest;
mod type_grammar;
mod types;
mod unit;
mod validate;

pub use diagnostic::{Diagnostic, Diagnostics, Location};
pub use diff::{Bump, Change, ChangeKind, DiffReport, diff};
pub use docs::render_markdown;
pub use locate::{locate, searched_places};
pub use model::{Catalog, Constant, EventDef, EventKind, KeyDef, MeasurementDef, Phase, Stability};
pub use naming::{event_name_problem, rust_field_name};
pub use types::{Type, TypeError};
pub use unit::Unit;
