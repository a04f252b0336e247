//! The type of a metadata key or a measurement, as data.
//!
//! The type grammar reads the short syntax (`list<string> | nil`) into a
//! [`Type`] (its `FromStr`); [`Display`](fmt::Display) writes it back.

use std::fmt;

use serde::Serialize;

/// The type of a metadata key or a measurement.
///
/// [`Display`](fmt::Display) renders the catalogue syntax back, and parsing
/// that text gives the same type:
///
/// ```
/// use telemetry_catalog::Type;
///
/// let source: Type = "string | tuple<atom(ref_store_disk), atom(..)>".parse()?;
/// assert_eq!(
///     source,
///     Type::Union(vec![
///         Type::String,
///         Type::Tuple(vec![
///             Type::Atom { values: vec!["ref_store_disk".into()], open: false },
///             Type::Atom { values: vec![], open: true },
///         ]),
///     ])
/// );
/// assert_eq!(source.to_string(), "string | tuple<atom(ref_store_disk), atom(..)>");
/// # Ok::<(), telemetry_catalog::TypeError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Type {
    /// `bool`.
    Bool,
    /// `u64`: an unsigned integer (counts, sizes).
    U64,
    /// `i64`: a signed integer.
    I64,
    /// `f64`: a float.
    F64,
    /// `string`: UTF-8 text.
    String,
    /// `bytes`: raw bytes (an Erlang binary that is not text, such as a SHA).
    Bytes,
    /// `any`: any value, none included; the catalogue makes no promise about
    /// its shape.
    Any,
    /// `nil`: the none value (Erlang's `nil`, Rust's `None` carried as a value).
    /// Only an alternative of a union: `string | nil` is a string or none.
    Nil,
    /// `atom(...)`: a symbol from a set of values.
    Atom {
        /// The known values, without the leading colon.
        values: Vec<String>,
        /// Whether other values may appear too (the seed said "e.g.").
        open: bool,
    },
    /// `list<T>`.
    List(Box<Type>),
    /// `tuple<A, B, ...>`.
    Tuple(Vec<Type>),
    /// `A | B | ...`: one of the alternatives.
    Union(Vec<Type>),
}

impl Type {
    /// Whether this type may be a measurement (`u64`, `i64` or `f64`).
    pub fn is_numeric(&self) -> bool {
        matches!(self, Type::U64 | Type::I64 | Type::F64)
    }

    /// Whether a value of this type may be none: `any`, `nil`, and every
    /// union with one of them among its alternatives.
    ///
    /// A none value is present, unlike the value of an optional key (`?`),
    /// which may be absent: `"string | nil"` is always there, possibly none;
    /// `"string?"` is a string when it is there.
    ///
    /// ```
    /// use telemetry_catalog::Type;
    ///
    /// let maybe: Type = "string | nil".parse()?;
    /// assert!(maybe.admits_nil());
    /// assert!(Type::Any.admits_nil());
    /// assert!(!Type::String.admits_nil());
    /// assert!(!"list<string | nil>".parse::<Type>()?.admits_nil(), "the list itself is never none");
    /// # Ok::<(), telemetry_catalog::TypeError>(())
    /// ```
    pub fn admits_nil(&self) -> bool {
        match self {
            Type::Any | Type::Nil => true,
            Type::Union(alternatives) => alternatives.iter().any(Type::admits_nil),
            _ => false,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::U64 => f.write_str("u64"),
            Type::I64 => f.write_str("i64"),
            Type::F64 => f.write_str("f64"),
            Type::String => f.write_str("string"),
            Type::Bytes => f.write_str("bytes"),
            Type::Any => f.write_str("any"),
            Type::Nil => f.write_str("nil"),
            Type::Atom { values, open } => {
                if values.is_empty() && !open {
                    return f.write_str("atom");
                }
                f.write_str("atom(")?;
                f.write_str(&values.join(", "))?;
                if *open {
                    f.write_str(if values.is_empty() { ".." } else { ", .." })?;
                }
                f.write_str(")")
            }
            Type::List(item) => write!(f, "list<{item}>"),
            Type::Tuple(items) => write!(f, "tuple<{}>", join(items, ", ")),
            Type::Union(alternatives) => f.write_str(&join(alternatives, " | ")),
        }
    }
}

fn join(types: &[Type], separator: &str) -> String {
    types
        .iter()
        .map(Type::to_string)
        .collect::<Vec<_>>()
        .join(separator)
}

/// Why a type string does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeError {
    /// Byte offset in the type string where the problem is.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
    /// What to write instead.
    pub help: Option<String>,
}

impl fmt::Display for TypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

impl std::error::Error for TypeError {}
