//! Trace and span ids: the 128-bit and 64-bit identities W3C Trace Context and
//! OpenTelemetry use, never zero.

use std::fmt;
use std::num::NonZeroU64;

/// The identity of a trace: 128 bits, never zero, shared by every span of the trace.
///
/// A root span gets a fresh random one; every other span inherits its parent's (a remote
/// parent's too, read from a [`TraceParent`](crate::TraceParent)). `Display` writes the 32
/// lowercase hex digits of W3C `traceparent`.
///
/// ```
/// use telemetry_runtime::TraceId;
/// let bytes = [0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36];
/// let id = TraceId::from_bytes(bytes).unwrap();
/// assert_eq!(id.to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
/// assert_eq!(id.to_bytes(), bytes);
/// assert!(TraceId::from_bytes([0; 16]).is_none());
/// ```
// Two halves rather than one `u128`: a `u128` is 16-byte aligned, which would grow every
// span context (and every event carrying one) by 8 bytes of padding.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TraceId {
    high: u64,
    low: u64,
}

impl TraceId {
    /// The smallest id, standing in for a random draw of zero.
    pub(crate) const MIN: TraceId = TraceId { high: 0, low: 1 };

    /// The id with this numeric value; `None` for zero, which W3C reserves for "no trace".
    pub fn new(id: u128) -> Option<Self> {
        (id != 0).then_some(TraceId {
            high: (id >> 64) as u64,
            low: id as u64,
        })
    }

    /// The id with these big-endian bytes (W3C order); `None` for all zeros.
    pub fn from_bytes(bytes: [u8; 16]) -> Option<Self> {
        Self::new(u128::from_be_bytes(bytes))
    }

    /// The id as big-endian bytes (W3C order).
    pub fn to_bytes(self) -> [u8; 16] {
        self.get().to_be_bytes()
    }

    /// The id as a number (never zero).
    pub fn get(self) -> u128 {
        u128::from(self.high) << 64 | u128::from(self.low)
    }
}

impl fmt::Display for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}{:016x}", self.high, self.low)
    }
}

impl fmt::Debug for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TraceId({self})")
    }
}

/// The identity of one span: 64 bits, never zero, random, so that spans of different
/// processes do not collide within a trace.
///
/// `Display` writes the 16 lowercase hex digits of W3C `traceparent`.
///
/// ```
/// use telemetry_runtime::SpanId;
/// let id = SpanId::from_bytes([0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7]).unwrap();
/// assert_eq!(id.to_string(), "00f067aa0ba902b7");
/// assert_eq!(id.get(), 0x00f0_67aa_0ba9_02b7);
/// assert!(SpanId::from_bytes([0; 8]).is_none());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpanId(NonZeroU64);

impl SpanId {
    /// The smallest id, standing in for a random draw of zero.
    pub(crate) const MIN: SpanId = SpanId(NonZeroU64::MIN);

    /// The id with these big-endian bytes (W3C order); `None` for all zeros.
    pub fn from_bytes(bytes: [u8; 8]) -> Option<Self> {
        NonZeroU64::new(u64::from_be_bytes(bytes)).map(SpanId)
    }

    /// The id as big-endian bytes (W3C order).
    pub fn to_bytes(self) -> [u8; 8] {
        self.0.get().to_be_bytes()
    }

    /// The id with this numeric value; `None` for zero.
    pub fn new(id: u64) -> Option<Self> {
        NonZeroU64::new(id).map(SpanId)
    }

    /// The id as a number (never zero).
    pub fn get(self) -> u64 {
        self.0.get()
    }
}

impl fmt::Display for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl fmt::Debug for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SpanId({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trace_id_round_trips_through_its_bytes() {
        let bytes = *b"\x01\x23\x45\x67\x89\xab\xcd\xef\xfe\xdc\xba\x98\x76\x54\x32\x10";
        let id = TraceId::from_bytes(bytes).unwrap();
        assert_eq!(id.to_bytes(), bytes);
        assert_eq!(id.to_string(), "0123456789abcdeffedcba9876543210");
    }

    #[test]
    fn a_small_span_id_is_written_with_leading_zeros() {
        let id = SpanId::from_bytes([0, 0, 0, 0, 0, 0, 0, 1]).unwrap();
        assert_eq!(id.to_string(), "0000000000000001");
        assert_eq!(id.to_bytes(), [0, 0, 0, 0, 0, 0, 0, 1]);
    }
}
