//! Units of measurements and the conversions a definition may ask for.

use std::fmt;

/// A unit a measurement is expressed in, or converted to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// The runtime's time unit: nanoseconds.
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
    /// A unit the definition names but never converts (`unit = request`).
    Other(&'static str),
}

impl Unit {
    /// How many of the base unit (nanosecond or byte) one of this unit is.
    fn scale(self) -> f64 {
        match self {
            Unit::Native | Unit::Nanosecond | Unit::Byte | Unit::Other(_) => 1.0,
            Unit::Microsecond | Unit::Kilobyte => 1e3,
            Unit::Millisecond | Unit::Megabyte => 1e6,
            Unit::Second => 1e9,
        }
    }

    /// The unit of the `metrics` facade, where one matches.
    pub(crate) fn to_metrics(self) -> Option<metrics::Unit> {
        Some(match self {
            Unit::Native | Unit::Nanosecond => metrics::Unit::Nanoseconds,
            Unit::Microsecond => metrics::Unit::Microseconds,
            Unit::Millisecond => metrics::Unit::Milliseconds,
            Unit::Second => metrics::Unit::Seconds,
            Unit::Byte => metrics::Unit::Bytes,
            Unit::Kilobyte | Unit::Megabyte | Unit::Other(_) => return None,
        })
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Unit::Native => "native",
            Unit::Nanosecond => "nanosecond",
            Unit::Microsecond => "microsecond",
            Unit::Millisecond => "millisecond",
            Unit::Second => "second",
            Unit::Byte => "byte",
            Unit::Kilobyte => "kilobyte",
            Unit::Megabyte => "megabyte",
            Unit::Other(name) => name,
        })
    }
}

/// A metric's unit: the one it reports in, and the factor from the measurement's unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Conversion {
    /// The unit the metric reports in.
    pub unit: Option<Unit>,
    /// The value of one measurement unit, and of one reported unit, in base units: the
    /// conversion multiplies by the first and divides by the second, so that nanoseconds
    /// to microseconds is exactly a division by 1000.
    from_scale: f64,
    to_scale: f64,
}

impl Conversion {
    /// No unit, no conversion.
    pub const NONE: Conversion = Conversion {
        unit: None,
        from_scale: 1.0,
        to_scale: 1.0,
    };

    /// Reported in `unit`, unconverted.
    pub fn to(unit: Unit) -> Conversion {
        Conversion {
            unit: Some(unit),
            ..Conversion::NONE
        }
    }

    /// Converted from `from` to `to` (the definition macro checks that both are times or
    /// both are sizes).
    pub fn between(from: Unit, to: Unit) -> Conversion {
        Conversion {
            unit: Some(to),
            from_scale: from.scale(),
            to_scale: to.scale(),
        }
    }

    /// A measurement, converted.
    #[inline]
    pub fn apply(&self, value: f64) -> f64 {
        if self.from_scale == self.to_scale {
            value
        } else {
            value * self.from_scale / self.to_scale
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conversion_down_is_an_exact_division() {
        let c = Conversion::between(Unit::Native, Unit::Microsecond);
        assert_eq!(c.apply(5_427.0), 5_427.0 / 1e3);
    }

    #[test]
    fn native_time_converts_to_milliseconds() {
        let c = Conversion::between(Unit::Native, Unit::Millisecond);
        assert_eq!(c.apply(2_500_000.0), 2.5);
        assert_eq!(c.unit, Some(Unit::Millisecond));
    }

    #[test]
    fn nanoseconds_convert_to_seconds_and_microseconds() {
        assert_eq!(
            Conversion::between(Unit::Nanosecond, Unit::Second).apply(3e9),
            3.0
        );
        assert_eq!(
            Conversion::between(Unit::Native, Unit::Microsecond).apply(1500.0),
            1.5
        );
    }

    #[test]
    fn bytes_convert_by_a_factor_of_a_thousand() {
        assert_eq!(
            Conversion::between(Unit::Byte, Unit::Kilobyte).apply(2_000.0),
            2.0
        );
        assert_eq!(
            Conversion::between(Unit::Byte, Unit::Megabyte).apply(3_000_000.0),
            3.0
        );
    }

    #[test]
    fn a_unit_alone_keeps_the_value() {
        assert_eq!(Conversion::to(Unit::Byte).apply(7.0), 7.0);
        assert_eq!(Conversion::NONE.apply(7.0), 7.0);
    }
}
