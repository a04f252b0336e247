//! The command line: argument parsing and output; every decision is the
//! library's.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use serde::Serialize;
use telemetry_catalog::{Catalog, Diagnostics, diff, render_markdown};

/// Check, document and compare telemetry catalogues.
#[derive(Parser)]
#[command(name = "telemetry-catalog", version)]
struct Cli {
    /// Output format: text for people, json for machines.
    #[arg(long, value_enum, default_value_t = Format::Text, global = true)]
    format: Format,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Check catalogue files.
    ///
    /// Exit status 0 when all are valid, 1 (with every error) when any is not.
    Check {
        /// The catalogue files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Render a catalogue as a Markdown page.
    ///
    /// With --format json, print the catalogue itself. Exit status 1 when it
    /// is invalid.
    Docs {
        /// The catalogue file.
        file: PathBuf,
    },
    /// Classify every change from OLD to NEW as major, minor or patch.
    ///
    /// Exit status 0 when NEW's version makes the bump the changes require, 1
    /// when it does not, 2 when a catalogue is invalid.
    Diff {
        /// The previous release's catalogue.
        old: PathBuf,
        /// The catalogue to release.
        new: PathBuf,
    },
}

pub(crate) fn run() -> ExitCode {
    let cli = Cli::parse();
    let format = cli.format;
    match cli.command {
        Command::Check { files } => check(&files, format),
        Command::Docs { file } => docs(file, format),
        Command::Diff { old, new } => compare(old, new, format),
    }
}

#[derive(Serialize)]
struct CheckResult<'a> {
    path: &'a std::path::Path,
    valid: bool,
    events: usize,
    errors: Vec<telemetry_catalog::Diagnostic>,
}

fn check(files: &[PathBuf], format: Format) -> ExitCode {
    let mut results = Vec::new();
    for path in files {
        let (events, errors) = match Catalog::read(path) {
            Ok(catalog) => (catalog.events.len(), Vec::new()),
            Err(diagnostics) => (0, diagnostics.into_vec()),
        };
        results.push(CheckResult {
            path,
            valid: errors.is_empty(),
            events,
            errors,
        });
    }
    let all_valid = results.iter().all(|r| r.valid);
    if format == Format::Json {
        print_json(&results);
    } else {
        for result in &results {
            if result.valid {
                print(&format!(
                    "{}: ok, {} events\n",
                    result.path.display(),
                    result.events
                ));
            } else {
                let errors = Diagnostics::new(result.errors.clone());
                let count = errors.len();
                eprint(&format!(
                    "{errors}\n{}: {count} error{}\n",
                    result.path.display(),
                    if count == 1 { "" } else { "s" }
                ));
            }
        }
    }
    if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn docs(file: PathBuf, format: Format) -> ExitCode {
    match Catalog::read(&file) {
        Ok(catalog) => {
            match format {
                Format::Json => print_json(&catalog),
                Format::Text => print(&render_markdown(&catalog)),
            }
            ExitCode::SUCCESS
        }
        Err(errors) => report_invalid(&errors, format, 1),
    }
}

fn compare(old: PathBuf, new: PathBuf, format: Format) -> ExitCode {
    let (old, new) = match (Catalog::read(&old), Catalog::read(&new)) {
        (Ok(old), Ok(new)) => (old, new),
        (old, new) => {
            let errors: Vec<_> = [old.err(), new.err()]
                .into_iter()
                .flatten()
                .flat_map(Diagnostics::into_vec)
                .collect();
            return report_invalid(&Diagnostics::new(errors), format, 2);
        }
    };
    let report = diff(&old, &new);
    match format {
        Format::Json => print_json(&report),
        Format::Text => print(&report.to_string()),
    }
    if report.allowed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn report_invalid(errors: &Diagnostics, format: Format, status: u8) -> ExitCode {
    match format {
        Format::Json => print_json(&serde_json::json!({ "errors": errors })),
        Format::Text => eprint(&format!("{errors}\n")),
    }
    ExitCode::from(status)
}

fn print_json(value: &impl Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(json) => print(&format!("{json}\n")),
        Err(e) => eprint(&format!("error: cannot write JSON: {e}\n")),
    }
}

// A closed pipe (`telemetry-catalog docs x | head`) is not an error worth a
// panic: the reader has what it wanted.
fn print(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn eprint(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}
