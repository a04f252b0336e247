//! The W3C Trace Context `traceparent` header value: how a trace crosses processes.

use std::fmt;

use crate::ids::{SpanId, TraceId};

/// The trace flags of W3C Trace Context: one byte, of which bit 0 says "sampled".
///
/// A trace begun here is sampled (its spans exist because somebody listens); a span
/// inherits its parent's flags, a remote parent's included.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TraceFlags(u8);

impl TraceFlags {
    /// The caller may have recorded the trace.
    pub const SAMPLED: TraceFlags = TraceFlags(0x01);
    /// No flag set.
    pub const NONE: TraceFlags = TraceFlags(0x00);

    /// Flags from their byte; every bit is kept, the ones this crate does not know too.
    pub const fn new(bits: u8) -> Self {
        TraceFlags(bits)
    }

    /// The byte.
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// Whether the sampled bit is set.
    pub const fn is_sampled(self) -> bool {
        self.0 & Self::SAMPLED.0 != 0
    }
}

impl fmt::Debug for TraceFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TraceFlags({:02x})", self.0)
    }
}

/// A W3C `traceparent` value: the trace, the caller's span (the parent of what this
/// process does for it) and the trace flags.
///
/// [`parse`](TraceParent::parse) reads a header value and `Display` writes one (always
/// version `00`). To continue a trace begun in another process, make it current with
/// [`TraceContext::remote`](crate::TraceContext::remote); to hand the current trace to
/// the next process, write [`TraceContext::traceparent`](crate::TraceContext::traceparent).
///
/// ```
/// use telemetry_runtime::TraceParent;
/// let header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
/// let parent = TraceParent::parse(header)?;
/// assert_eq!(parent.trace_id().to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
/// assert_eq!(parent.parent_id().to_string(), "00f067aa0ba902b7");
/// assert!(parent.flags().is_sampled());
/// assert_eq!(parent.to_string(), header);
/// # Ok::<(), telemetry_runtime::TraceParentError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TraceParent {
    trace_id: TraceId,
    parent_id: SpanId,
    flags: TraceFlags,
}

/// Why a `traceparent` value was refused; positions count bytes from the start of the
/// value (after surrounding spaces and tabs are trimmed).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TraceParentError {
    /// Not `version-traceid-parentid-flags` with the lengths of version `00` (55 bytes),
    /// or, for a later version, shorter than that or followed by something other than `-`.
    Length {
        /// The length of the trimmed value.
        len: usize,
    },
    /// A `-` was expected here.
    Delimiter {
        /// The byte position.
        at: usize,
    },
    /// Only the digits `0-9a-f` may appear here (uppercase is refused, as W3C says).
    NotLowercaseHex {
        /// The byte position.
        at: usize,
    },
    /// Version `ff`, which W3C forbids.
    ForbiddenVersion,
    /// The trace id is all zeros.
    ZeroTraceId,
    /// The parent id is all zeros.
    ZeroParentId,
}

impl fmt::Display for TraceParentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TraceParentError::Length { len } => write!(
                f,
                "a traceparent is `version-traceid-parentid-flags`, 55 bytes in version 00; this one has {len}"
            ),
            TraceParentError::Delimiter { at } => {
                write!(f, "a traceparent needs `-` at byte {at}")
            }
            TraceParentError::NotLowercaseHex { at } => write!(
                f,
                "a traceparent holds lowercase hex digits only; byte {at} is not one"
            ),
            TraceParentError::ForbiddenVersion => {
                f.write_str("traceparent version ff is forbidden")
            }
            TraceParentError::ZeroTraceId => f.write_str("a traceparent's trace id is all zeros"),
            TraceParentError::ZeroParentId => f.write_str("a traceparent's parent id is all zeros"),
        }
    }
}

impl std::error::Error for TraceParentError {}

/// The length of a version `00` value: `vv-` + 32 + `-` + 16 + `-` + `ff`.
const LEN: usize = 55;

impl TraceParent {
    /// A `traceparent` from its parts.
    pub fn new(trace_id: TraceId, parent_id: SpanId, flags: TraceFlags) -> Self {
        TraceParent {
            trace_id,
            parent_id,
            flags,
        }
    }

    /// Reads a header value, as W3C Trace Context level 1 says: lowercase hex only, no
    /// all-zero id, version `ff` refused, and for a version after `00` the fields of `00`
    /// read from its start (what follows them must begin with `-`).
    ///
    /// ```
    /// use telemetry_runtime::{TraceParent, TraceParentError};
    /// let zero = "00-00000000000000000000000000000000-00f067aa0ba902b7-01";
    /// assert_eq!(TraceParent::parse(zero), Err(TraceParentError::ZeroTraceId));
    /// let upper = "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01";
    /// assert_eq!(TraceParent::parse(upper), Err(TraceParentError::NotLowercaseHex { at: 4 }));
    /// ```
    pub fn parse(value: &str) -> Result<Self, TraceParentError> {
        let value = value.trim_matches([' ', '\t']).as_bytes();
        if value.len() < LEN {
            return Err(TraceParentError::Length { len: value.len() });
        }
        let version = hex(value, 0, 2)? as u8;
        for at in [2, 35, 52] {
            if value[at] != b'-' {
                return Err(TraceParentError::Delimiter { at });
            }
        }
        if version == 0xff {
            return Err(TraceParentError::ForbiddenVersion);
        }
        if (version == 0 && value.len() != LEN) || (value.len() > LEN && value[LEN] != b'-') {
            return Err(TraceParentError::Length { len: value.len() });
        }
        let trace_id = TraceId::new(hex(value, 3, 32)?).ok_or(TraceParentError::ZeroTraceId)?;
        let parent_id =
            SpanId::new(hex(value, 36, 16)? as u64).ok_or(TraceParentError::ZeroParentId)?;
        let flags = TraceFlags::new(hex(value, 53, 2)? as u8);
        Ok(TraceParent::new(trace_id, parent_id, flags))
    }

    /// The trace.
    pub fn trace_id(&self) -> TraceId {
        self.trace_id
    }

    /// The caller's span.
    pub fn parent_id(&self) -> SpanId {
        self.parent_id
    }

    /// The trace flags.
    pub fn flags(&self) -> TraceFlags {
        self.flags
    }
}

/// The number written by `len` lowercase hex digits from `start`.
fn hex(value: &[u8], start: usize, len: usize) -> Result<u128, TraceParentError> {
    value[start..start + len]
        .iter()
        .enumerate()
        .try_fold(0u128, |acc, (offset, &byte)| {
            let digit = match byte {
                b'0'..=b'9' => byte - b'0',
                b'a'..=b'f' => byte - b'a' + 10,
                _ => {
                    return Err(TraceParentError::NotLowercaseHex { at: start + offset });
                }
            };
            Ok(acc << 4 | u128::from(digit))
        })
}

impl fmt::Display for TraceParent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "00-{}-{}-{:02x}",
            self.trace_id,
            self.parent_id,
            self.flags.bits()
        )
    }
}

impl std::str::FromStr for TraceParent {
    type Err = TraceParentError;

    fn from_str(value: &str) -> Result<Self, TraceParentError> {
        TraceParent::parse(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn a_valid_value_round_trips() {
        assert_eq!(TraceParent::parse(VALID).unwrap().to_string(), VALID);
    }

    #[test]
    fn unsampled_flags_are_read_and_written() {
        let value = VALID.replace("-01", "-00");
        let parent = TraceParent::parse(&value).unwrap();
        assert!(!parent.flags().is_sampled());
        assert_eq!(parent.to_string(), value);
    }

    #[test]
    fn surrounding_spaces_and_tabs_are_ignored() {
        assert!(TraceParent::parse(&format!(" \t{VALID} ")).is_ok());
    }

    #[test]
    fn a_zero_parent_id_is_refused() {
        let value = "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01";
        assert_eq!(
            TraceParent::parse(value),
            Err(TraceParentError::ZeroParentId)
        );
    }

    #[test]
    fn version_ff_is_refused() {
        let value = VALID.replacen("00", "ff", 1);
        assert_eq!(
            TraceParent::parse(&value),
            Err(TraceParentError::ForbiddenVersion)
        );
    }

    #[test]
    fn version_00_with_trailing_data_is_refused() {
        let value = format!("{VALID}-extra");
        assert_eq!(
            TraceParent::parse(&value),
            Err(TraceParentError::Length { len: 61 })
        );
    }

    #[test]
    fn a_later_version_is_read_up_to_its_known_fields() {
        let value = format!("{}-what-comes-later", VALID.replacen("00", "01", 1));
        let parent = TraceParent::parse(&value).unwrap();
        assert_eq!(parent.to_string(), VALID);
    }

    #[test]
    fn a_later_version_must_separate_its_extra_fields() {
        let value = format!("{}x", VALID.replacen("00", "01", 1));
        assert_eq!(
            TraceParent::parse(&value),
            Err(TraceParentError::Length { len: 56 })
        );
    }

    #[test]
    fn a_short_value_is_refused_with_its_length() {
        assert_eq!(
            TraceParent::parse("00-abc"),
            Err(TraceParentError::Length { len: 6 })
        );
    }

    #[test]
    fn a_missing_delimiter_is_located() {
        let value = VALID.replacen('-', "_", 2);
        assert_eq!(
            TraceParent::parse(&value),
            Err(TraceParentError::Delimiter { at: 2 })
        );
    }

    #[test]
    fn a_non_hex_flag_is_located() {
        let value = VALID.replace("-01", "-0g");
        assert_eq!(
            TraceParent::parse(&value),
            Err(TraceParentError::NotLowercaseHex { at: 54 })
        );
    }

    #[test]
    fn a_multibyte_character_is_refused_without_panicking() {
        let value = VALID.replacen('4', "é", 1);
        assert!(TraceParent::parse(&value).is_err());
    }

    #[test]
    fn any_ids_and_flags_round_trip() {
        for _ in 0..1_000 {
            let (trace_id, parent_id) = crate::id_source::next_root_ids();
            let flags = TraceFlags::new(parent_id.get() as u8);
            let written = TraceParent::new(trace_id, parent_id, flags);
            assert_eq!(TraceParent::parse(&written.to_string()), Ok(written));
        }
    }

    #[test]
    fn every_single_byte_change_is_read_or_refused_without_panicking() {
        for at in 0..VALID.len() {
            for byte in 0..=255u8 {
                let mut bytes = VALID.as_bytes().to_vec();
                bytes[at] = byte;
                let value = String::from_utf8_lossy(&bytes);
                if let Ok(parent) = TraceParent::parse(&value) {
                    // Whatever is accepted is written back as the same ids and flags.
                    assert_eq!(parent.to_string()[3..], value.trim()[3..55]);
                }
            }
        }
    }
}
