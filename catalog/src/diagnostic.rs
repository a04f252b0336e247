//! Errors with a position: what is wrong, where, and what to write instead.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// A position in a catalogue file: 1-based line and 1-based column, the column
/// counted in characters (as rustc and editors count them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Location {
    /// The start of a file, used where no better position exists (a missing
    /// header field, an unreadable file).
    pub const START: Location = Location { line: 1, column: 1 };
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// One error in a catalogue.
///
/// Displays as `path:line:column: error: message`, followed by
/// `\n  = help: ...` when there is advice on what to write instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The catalogue file.
    pub path: PathBuf,
    /// Where in the file.
    #[serde(flatten)]
    pub location: Location,
    /// What is wrong.
    pub message: String,
    /// What to write instead, when there is something to say.
    pub help: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: error: {}",
            self.path.display(),
            self.location,
            self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// Every error found in a catalogue, in file order: the parser reports all of
/// them, not just the first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// Wraps a list of diagnostics.
    pub fn new(diagnostics: Vec<Diagnostic>) -> Self {
        Diagnostics(diagnostics)
    }

    /// The diagnostics, in file order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// The diagnostics as a slice.
    pub fn as_slice(&self) -> &[Diagnostic] {
        &self.0
    }

    /// How many errors there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none (a `Diagnostics` returned as an error never is).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The diagnostics as an owned list.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics(vec![diagnostic])
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Collects diagnostics for one source file, turning byte offsets into
/// line/column positions.
pub(crate) struct Reporter<'a> {
    path: &'a Path,
    source: &'a str,
    line_starts: Vec<usize>,
    /// Where each character longer than one byte starts, with the bytes past
    /// the first that it and all before it add up to: a column is then found
    /// by binary search, not by counting the characters of a (possibly very
    /// long) line for each error.
    wide_chars: Vec<(usize, usize)>,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Reporter<'a> {
    pub(crate) fn new(source: &'a str, path: &'a Path) -> Self {
        // One pass over the bytes, as a plain loop: the macros parse the catalogue in an
        // unoptimised build (a proc macro's dependencies in the dev profile), where
        // iterator adapters cost several times as much per byte.
        let bytes = source.as_bytes();
        let mut line_starts = vec![0];
        let mut wide_chars = Vec::new();
        let mut extra = 0;
        let mut at = 0;
        while at < bytes.len() {
            let byte = bytes[at];
            if byte == b'\n' {
                line_starts.push(at + 1);
            } else if byte >= 0xC0 {
                // The first byte of a character of 2, 3 or 4 bytes (the source is UTF-8).
                extra += match byte {
                    0xF0.. => 3,
                    0xE0.. => 2,
                    _ => 1,
                };
                wide_chars.push((at, extra));
            }
            at += 1;
        }
        Reporter {
            path,
            source,
            line_starts,
            wide_chars,
            diagnostics: Vec::new(),
        }
    }

    pub(crate) fn source(&self) -> &'a str {
        self.source
    }

    /// The line and column of a byte offset.
    pub(crate) fn location(&self, offset: usize) -> Location {
        let offset = offset.min(self.source.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self.line_starts[line.saturating_sub(1)];
        let column = (offset - line_start)
            .saturating_sub(self.extra_bytes_before(offset) - self.extra_bytes_before(line_start));
        Location {
            line: line.max(1),
            column: column + 1,
        }
    }

    /// The bytes past the first of every character that starts before `offset`.
    fn extra_bytes_before(&self, offset: usize) -> usize {
        match self
            .wide_chars
            .partition_point(|&(start, _)| start < offset)
        {
            0 => 0,
            n => self.wide_chars[n - 1].1,
        }
    }

    pub(crate) fn error_at(
        &mut self,
        location: Location,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        self.diagnostics.push(Diagnostic {
            path: self.path.to_path_buf(),
            location,
            message: message.into(),
            help,
        });
    }

    pub(crate) fn error(
        &mut self,
        offset: usize,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let location = self.location(offset);
        self.error_at(location, message, help);
    }

    pub(crate) fn has_errors(&self) -> bool {
        !self.diagnostics.is_empty()
    }

    /// The collected diagnostics in file order (validation runs after parsing,
    /// so its findings are merged back into place).
    pub(crate) fn finish(mut self) -> Diagnostics {
        self.diagnostics.sort_by_key(|d| d.location);
        Diagnostics(self.diagnostics)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_one_based_lines_and_character_columns() {
        let source = "ab\ncé d\n";
        let reporter = Reporter::new(source, Path::new("x.toml"));
        assert_eq!(reporter.location(0), Location { line: 1, column: 1 });
        assert_eq!(reporter.location(3), Location { line: 2, column: 1 });
        // `é` is two bytes but one column.
        assert_eq!(reporter.location(7), Location { line: 2, column: 4 });
        assert_eq!(
            reporter.location(source.len()),
            Location { line: 3, column: 1 }
        );
    }

    #[test]
    fn display_names_file_line_column_and_help() {
        let diagnostic = Diagnostic {
            path: PathBuf::from("telemetry.toml"),
            location: Location { line: 3, column: 7 },
            message: "unknown type `strng`".into(),
            help: Some("did you mean `string`?".into()),
        };
        assert_eq!(
            diagnostic.to_string(),
            "telemetry.toml:3:7: error: unknown type `strng`\n  = help: did you mean `string`?"
        );
    }
}
