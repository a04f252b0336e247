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

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use toml::de::DeTable;

use crate::diagnostic::{Diagnostic, Diagnostics, Location, Reporter};
use crate::limits::MAX_FILE_BYTES;
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
    ///
    /// A file over the size limit ([`MAX_FILE_BYTES`]) is read only up to just
    /// past the limit, which is then reported.
    pub fn read(path: &Path) -> Result<Catalog, Diagnostics> {
        Catalog::parse(&Catalog::read_source(path)?, path)
    }

    /// The text of a catalogue file, for a tool that hands it on: read only up to just
    /// past the size limit ([`MAX_FILE_BYTES`]), so that parsing it reports the size.
    pub fn read_source(path: &Path) -> Result<String, Diagnostics> {
        let mut bytes = Vec::new();
        File::open(path)
            .and_then(|file| file.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes))
            .map_err(|e| read_error(path, &e))?;
        let source = if bytes.len() > MAX_FILE_BYTES {
            // Cut in the middle of a character, perhaps: the text is only read
            // far enough to report the size.
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            String::from_utf8(bytes)
                .map_err(|e| read_error(path, &io::Error::new(io::ErrorKind::InvalidData, e)))?
        };
        Ok(source)
    }
}

fn parse(source: &str, path: &Path) -> Result<Catalog, Diagnostics> {
    let mut reporter = Reporter::new(source, path);
    if source.len() > MAX_FILE_BYTES {
        reporter.error(
            MAX_FILE_BYTES,
            format!(
                "a catalogue is at most {MAX_FILE_BYTES} bytes (1 MiB); this file goes over the limit here"
            ),
            Some("split the catalogue between crates".into()),
        );
        return Err(reporter.finish());
    }
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
