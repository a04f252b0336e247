//! `telemetry-catalog`: check, document and compare telemetry catalogues.
//!
//! A thin command line over the `telemetry_catalog` library; see `--help`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
