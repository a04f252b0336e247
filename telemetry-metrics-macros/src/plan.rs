//! What validation decides for one definition, and the errors it collects.

use proc_macro2::Span;
use syn::Expr;

use crate::catalogs::SpanPhase;
use crate::units::UnitName;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Counter,
    Sum,
    LastValue,
    Summary,
    Distribution,
}

pub(crate) enum Measure {
    Key(String),
    Function(Box<Expr>),
}

/// What to generate for one definition.
pub(crate) struct Plan {
    pub(crate) kind: Kind,
    pub(crate) name: String,
    /// The observed event's name: segments, and the phase of a span event.
    pub(crate) segments: Vec<String>,
    pub(crate) phase: Option<SpanPhase>,
    pub(crate) measure: Measure,
    /// `(label, metadata key)`.
    pub(crate) tags: Vec<(String, String)>,
    pub(crate) tag_values: Option<Box<Expr>>,
    pub(crate) filter: Option<(bool, Box<Expr>)>,
    pub(crate) unit: Option<(Option<UnitName>, UnitName)>,
    pub(crate) description: Option<String>,
    pub(crate) buckets: Vec<f64>,
    pub(crate) sum_as_gauge: bool,
    pub(crate) max_series: Option<usize>,
}

/// Collects every error instead of stopping at the first.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, span: Span, message: impl std::fmt::Display) {
        let error = syn::Error::new(span, message);
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub(crate) fn into_result(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

/// `` `a`, `b` ``, or `none`.
pub(crate) fn list(names: &[&str]) -> String {
    if names.is_empty() {
        return "none".to_owned();
    }
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
