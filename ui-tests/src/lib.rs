//! The ui-tests crate holds only tests, and a facade that re-exports the runtime under
//! another name, as a library wrapping it would (`tests/ui/pass/facade_runtime.rs`).

/// What a crate that wraps the runtime exposes: the runtime, under a name of its own.
pub mod observability {
    /// The runtime, re-exported.
    pub use telemetry_runtime as telemetry;
}
