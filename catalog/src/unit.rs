//! The units a measurement may declare: a closed set, the one metric definitions convert
//! between.

use std::fmt;

use serde::Serialize;

/// The unit a measurement is expressed in, declared with `unit = "byte"`.
///
/// A measurement that declares none is a plain number: a count, a ratio. Span
/// measurements (`duration`, `monotonic_time`, `system_time`) are always in
/// [`Unit::Native`] time units and are not declared in the catalogue.
///
/// ```
/// use telemetry_catalog::Unit;
///
/// assert_eq!(Unit::from_name("kilobyte"), Some(Unit::Kilobyte));
/// assert_eq!(Unit::from_name("kilobytes"), None);
/// assert_eq!(Unit::Native.to_string(), "native");
/// assert!(Unit::Nanosecond.is_time() && !Unit::Byte.is_time());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// The runtime's time unit, as in Erlang's `native`: nanoseconds.
    Native,
    /// Nanoseconds.
    Nanosecond,
    /// Microseconds.
    Microsecond,
    /// Milliseconds.
    Millisecond,
    /// Seconds.
    Second,
    /// Bytes.
    Byte,
    /// Kilobytes: 1000 bytes.
    Kilobyte,
    /// Megabytes: 1000 kilobytes.
    Megabyte,
}

impl Unit {
    /// Every unit, times first, then sizes.
    pub const ALL: [Unit; 8] = [
        Unit::Native,
        Unit::Nanosecond,
        Unit::Microsecond,
        Unit::Millisecond,
        Unit::Second,
        Unit::Byte,
        Unit::Kilobyte,
        Unit::Megabyte,
    ];

    /// The name the catalogue writes (`"millisecond"`).
    pub fn name(self) -> &'static str {
        match self {
            Unit::Native => "native",
            Unit::Nanosecond => "nanosecond",
            Unit::Microsecond => "microsecond",
            Unit::Millisecond => "millisecond",
            Unit::Second => "second",
            Unit::Byte => "byte",
            Unit::Kilobyte => "kilobyte",
            Unit::Megabyte => "megabyte",
        }
    }

    /// The unit called `name`, if it is one of [`Unit::ALL`].
    pub fn from_name(name: &str) -> Option<Unit> {
        Unit::ALL.into_iter().find(|u| u.name() == name)
    }

    /// Whether it is a time (otherwise it is a size).
    pub fn is_time(self) -> bool {
        !matches!(self, Unit::Byte | Unit::Kilobyte | Unit::Megabyte)
    }

    /// Whether two names mean the same unit: they are equal, or one is `native` and
    /// the other `nanosecond`, which native time is.
    pub fn same_as(self, other: Unit) -> bool {
        let base = |u: Unit| {
            if u == Unit::Native {
                Unit::Nanosecond
            } else {
                u
            }
        };
        base(self) == base(other)
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
