//! Why a name is rejected, and the segment rule that decides it: lowercase ASCII
//! letters, digits and `_`, starting with a letter, optionally ending in `?`.

use std::fmt;

/// Why a name was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameError {
    /// The name has no segments at all.
    Empty,
    /// Segment number `index` (0-based) is empty, as in `exgit..grep`.
    EmptySegment {
        /// The whole name as given.
        name: String,
        /// 0-based position of the empty segment.
        index: usize,
    },
    /// A segment holds a character that names may not contain.
    InvalidCharacter {
        /// The whole name as given.
        name: String,
        /// The offending segment.
        segment: String,
        /// The offending character.
        character: char,
    },
    /// A span prefix already ends in a phase suffix, as in `exgit.fs.grep.stop`.
    PhaseInPrefix {
        /// The whole name as given.
        name: String,
    },
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameError::Empty => f.write_str(
                "event name is empty; write at least one segment, e.g. `my_app.request`",
            ),
            NameError::EmptySegment { name, index } => write!(
                f,
                "event name `{name}` has an empty segment at position {index}; \
                 separate segments with a single `.`"
            ),
            NameError::InvalidCharacter {
                name,
                segment,
                character,
            } => write!(
                f,
                "event name `{name}`: segment `{segment}` contains {character:?}; segments are \
                 lowercase ASCII letters, digits and `_`, start with a letter, and may end in `?`"
            ),
            NameError::PhaseInPrefix { name } => write!(
                f,
                "span prefix `{name}` is already a phased event name; pass the prefix \
                 without its `start`/`stop`/`exception` segment"
            ),
        }
    }
}

impl std::error::Error for NameError {}

/// Checks one segment byte by byte, so that `const` names are checked at compile time.
pub(crate) const fn is_valid_segment(segment: &str) -> bool {
    let bytes = segment.as_bytes();
    if bytes.is_empty() {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let ok = match b {
            b'a'..=b'z' => true,
            b'0'..=b'9' | b'_' => i > 0,
            b'?' => i > 0 && i == bytes.len() - 1,
            _ => false,
        };
        if !ok {
            return false;
        }
        i += 1;
    }
    true
}

pub(crate) fn segment_error(name: &str, index: usize, segment: &str) -> NameError {
    if segment.is_empty() {
        return NameError::EmptySegment {
            name: name.to_owned(),
            index,
        };
    }
    let last = segment.chars().count() - 1;
    let character = segment
        .chars()
        .enumerate()
        .find(|&(i, c)| match c {
            'a'..='z' => false,
            '0'..='9' | '_' => i == 0,
            '?' => i == 0 || i != last,
            _ => true,
        })
        .map_or('?', |(_, c)| c);
    NameError::InvalidCharacter {
        name: name.to_owned(),
        segment: segment.to_owned(),
        character,
    }
}
