//! Validation against the catalogue: every name, key and phase the user wrote is checked
//! here, and turned into a plan that expansion follows without further checks. Each
//! module is a list of small named checks over one error accumulator.

mod event;
mod span;
mod span_checking;
mod stop;

pub(crate) use event::{EventPlan, event};
pub(crate) use span::{SpanPlan, StartSource, span};
pub(crate) use stop::StopPlan;

use proc_macro2::Span;
use syn::{LitStr, Type};
use telemetry_catalog::{EventDef, EventKind, KeyDef, MeasurementDef};

use crate::locate::Located;

/// What a value of an event carries: a metadata key or a measurement.
#[derive(Clone, Copy)]
pub(crate) enum Role<'c> {
    Key(&'c KeyDef),
    Measurement(&'c MeasurementDef),
}

impl<'c> Role<'c> {
    /// The canonical name (`hit?`).
    pub(crate) fn name(self) -> &'c str {
        match self {
            Role::Key(k) => &k.name,
            Role::Measurement(m) => &m.name,
        }
    }

    /// The declared type.
    pub(crate) fn ty(self) -> &'c telemetry_catalog::Type {
        match self {
            Role::Key(k) => &k.ty,
            Role::Measurement(m) => &m.ty,
        }
    }

    /// The catalogue line that declares it.
    pub(crate) fn line(self) -> usize {
        match self {
            Role::Key(k) => k.location.line,
            Role::Measurement(m) => m.location.line,
        }
    }

    /// "metadata key" or "measurement", for messages.
    pub(crate) fn what(self) -> &'static str {
        match self {
            Role::Key(_) => "metadata key",
            Role::Measurement(_) => "measurement",
        }
    }

    pub(crate) fn is_measurement(self) -> bool {
        matches!(self, Role::Measurement(_))
    }
}

/// Looks the event up; the error points at the user's name literal.
fn find_event<'c>(
    located: &'c Located,
    name: &LitStr,
    expected: EventKind,
) -> syn::Result<&'c EventDef> {
    let wanted = name.value();
    if let Some(problem) = telemetry_catalog::event_name_problem(&wanted) {
        return Err(syn::Error::new_spanned(
            name,
            format!("`{wanted}` is not a valid event name: {problem}"),
        ));
    }
    let Some(def) = located.catalog.event(&wanted) else {
        return Err(syn::Error::new_spanned(
            name,
            unknown_event(located, &wanted, expected),
        ));
    };
    if def.kind != expected {
        let message = match expected {
            EventKind::Event => format!(
                "`{wanted}` is a span in {}, not a standalone event: put #[span(\"{wanted}\")] \
                 on the function that performs it",
                located.cite(def.location.line)
            ),
            EventKind::Span => format!(
                "`{wanted}` is a standalone event in {}, not a span: declare an #[event(\"{wanted}\")] \
                 struct and emit it with emit!",
                located.cite(def.location.line)
            ),
        };
        return Err(syn::Error::new_spanned(name, message));
    }
    Ok(def)
}

/// The message for a name the catalogue does not declare: the declared names it is a
/// prefix of, a close name, or where to declare it.
fn unknown_event(located: &Located, wanted: &str, expected: EventKind) -> String {
    let catalog = &located.catalog;
    let prefix = format!("{wanted}.");
    let under: Vec<&EventDef> = catalog
        .events
        .iter()
        .filter(|e| e.name.starts_with(&prefix))
        .collect();
    let attribute = match expected {
        EventKind::Event => "event",
        EventKind::Span => "span",
    };
    if let Some(first) = under.first() {
        let example = under.iter().find(|e| e.kind == expected).unwrap_or(first);
        return format!(
            "`{wanted}` names nothing in {}: it is only the start of the names of {}; name one \
             of them, e.g. #[{attribute}(\"{}\")]",
            located.display,
            under
                .iter()
                .map(|e| format!("`{}`", e.name))
                .collect::<Vec<_>>()
                .join(", "),
            example.name
        );
    }
    let hint = match catalog.suggest_event(wanted) {
        Some(close) => format!("; did you mean `{close}`?"),
        None => format!(
            "; declare it in {} first (the catalogue is the single source of truth for event names)",
            located.display
        ),
    };
    format!(
        "unknown event `{wanted}`: {} declares no such event{hint}",
        located.display
    )
}

fn required_not_option(located: &Located, key: &KeyDef, ty: &Type) -> syn::Error {
    syn::Error::new_spanned(
        ty,
        format!(
            "metadata key `{}` is required ({}): give it a `{}` value, not an `Option`; \
             only optional keys may be absent",
            key.name,
            located.cite(key.location.line),
            key.ty
        ),
    )
}

fn unknown_key(
    located: &Located,
    def: &EventDef,
    name: &str,
    span: Span,
    what: &str,
) -> syn::Error {
    let hint = match def
        .suggest_key(name)
        .or_else(|| def.suggest_measurement(name))
    {
        Some(close) => format!("did you mean `{close}`?"),
        None => {
            let keys: Vec<&str> = def.metadata.iter().map(|k| k.name.as_str()).collect();
            if keys.is_empty() {
                "it declares no metadata".to_owned()
            } else {
                format!("its keys are {}", keys.join(", "))
            }
        }
    };
    syn::Error::new(
        span,
        format!(
            "unknown {what} `{name}`: `{}` ({}) declares no key `{name}`; {hint}",
            def.name,
            located.cite(def.location.line)
        ),
    )
}
