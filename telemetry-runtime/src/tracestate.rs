//! The W3C Trace Context `tracestate` header value, carried unread.

use std::fmt;
use std::sync::Arc;

/// A W3C `tracestate` value: vendor data that travels with a trace. The runtime does not
/// read it; it carries it from the remote context that brought it to the spans under that
/// context, so that it can be handed on with the next `traceparent`.
///
/// ```
/// use telemetry_runtime::TraceState;
/// let state = TraceState::parse("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")?;
/// assert_eq!(state.as_str(), "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
/// # Ok::<(), telemetry_runtime::TraceStateError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TraceState(Arc<str>);

/// Why a `tracestate` value was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TraceStateError {
    /// Longer than [`TraceState::MAX_LEN`] bytes.
    TooLong {
        /// The value's length in bytes.
        len: usize,
    },
    /// A byte that cannot appear in a header value (a control character or non-ASCII).
    InvalidCharacter {
        /// The byte position.
        at: usize,
    },
}

impl fmt::Display for TraceStateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TraceStateError::TooLong { len } => write!(
                f,
                "a tracestate is at most {} bytes; this one has {len}",
                TraceState::MAX_LEN
            ),
            TraceStateError::InvalidCharacter { at } => write!(
                f,
                "a tracestate holds printable ASCII only; byte {at} is not"
            ),
        }
    }
}

impl std::error::Error for TraceStateError {}

impl TraceState {
    /// The longest value kept: W3C's 32 list members of at most 256-byte keys and
    /// 256-byte values, with their separators.
    pub const MAX_LEN: usize = 32 * (256 + 1 + 256) + 31;

    /// Checks that `value` can travel as a header value (printable ASCII, spaces and tabs,
    /// at most [`MAX_LEN`](TraceState::MAX_LEN) bytes) and keeps it as it is.
    pub fn parse(value: &str) -> Result<Self, TraceStateError> {
        if value.len() > Self::MAX_LEN {
            return Err(TraceStateError::TooLong { len: value.len() });
        }
        if let Some(at) = value
            .bytes()
            .position(|b| !(b == b'\t' || (b' '..=b'~').contains(&b)))
        {
            return Err(TraceStateError::InvalidCharacter { at });
        }
        Ok(TraceState(Arc::from(value)))
    }

    /// The value, as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TraceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for TraceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TraceState({:?})", &*self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_break_is_refused() {
        assert_eq!(
            TraceState::parse("a=1\r\nb=2"),
            Err(TraceStateError::InvalidCharacter { at: 3 })
        );
    }

    #[test]
    fn an_overlong_value_is_refused() {
        let value = "a".repeat(TraceState::MAX_LEN + 1);
        assert_eq!(
            TraceState::parse(&value),
            Err(TraceStateError::TooLong { len: value.len() })
        );
    }
}
