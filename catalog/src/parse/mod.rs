//! TOML text to [`Catalog`]: one field at a time, every error reported with
//! its position and what to write instead. Checks that span several items
//! (duplicates, references) run afterwards in [`crate::validate`].
//!
//! One module per part of the file: the [`header`] and its list of events,
//! each [`event`], its [`key`]s and their [`types`], and its [`measurement`]s;
//! [`builder`] holds what they share.

mod builder;
mod event;
mod header;
mod key;
mod measurement;
mod syntax;
mod types;

use std::path::Path;

use toml::de::DeTable;

use crate::diagnostic::{Diagnostic, Diagnostics, Location, Reporter};
use crate::model::Catalog;
use crate::validate;
use builder::Builder;

impl Catalog {
    /// Parses a catalogue from its text; `path` names the file in errors.
    ///
    /// Every error is reported, each with its position, not just the first.
    pub fn parse(source: &str, path: &Path) -> Result<Catalog, Diagnostics> {
        parse(source, path)
    }

    /// Reads and parses a catalogue file, without caching.
    pub fn read(path: &Path) -> Result<Catalog, Diagnostics> {
        let source = std::fs::read_to_string(path).map_err(|e| read_error(path, &e))?;
        Catalog::parse(&source, path)
    }
}

fn parse(source: &str, path: &Path) -> Result<Catalog, Diagnostics> {
    let mut reporter = Reporter::new(source, path);
    let (document, errors) = DeTable::parse_recoverable(source);
    if !errors.is_empty() {
        // The recovered document is missing whatever the syntax errors hid,
        // so checking it would add errors that are only echoes.
        syntax::report_syntax_errors(&mut reporter, &errors);
        return Err(reporter.finish());
    }
    let mut builder = Builder {
        r: &mut reporter,
        version: None,
        prefix: None,
        renames: Vec::new(),
    };
    let catalog = builder.catalog(document.get_ref(), path);
    let renames = std::mem::take(&mut builder.renames);
    validate::validate(&catalog, &renames, &mut reporter);
    if reporter.has_errors() {
        Err(reporter.finish())
    } else {
        Ok(catalog)
    }
}

/// The error for a catalogue file that cannot be read.
pub(crate) fn read_error(path: &Path, error: &std::io::Error) -> Diagnostics {
    Diagnostic {
        path: path.to_path_buf(),
        location: Location::START,
        message: format!("cannot read the catalogue: {error}"),
        help: Some(
            "check the path; a crate's catalogue is usually telemetry.toml beside its Cargo.toml"
                .into(),
        ),
    }
    .into()
}
