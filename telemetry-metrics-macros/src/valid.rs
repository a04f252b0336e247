//! Checks a definition against the catalogues and decides what to generate. Every error
//! points at the user's token, says how to fix it, and suggests a close name.

use proc_macro2::Span;
use syn::{Ident, LitStr};
use telemetry_catalog::Type;

use crate::ast::{Definition, Opt, OptValue};
use crate::catalogs::{Catalogs, Observed, closest};
use crate::options::{check_buckets, check_sum_as, check_tags, check_unit, with_arity};
use crate::plan::{Errors, Kind, Measure, Plan, list};

fn kind_of(ident: &Ident) -> Result<Kind, String> {
    Ok(match ident.to_string().as_str() {
        "counter" => Kind::Counter,
        "sum" => Kind::Sum,
        "last_value" => Kind::LastValue,
        "summary" => Kind::Summary,
        "distribution" => Kind::Distribution,
        other => {
            let known = ["counter", "sum", "last_value", "summary", "distribution"];
            let hint = closest(other, known)
                .map(|k| format!("did you mean `{k}`? "))
                .unwrap_or_default();
            return Err(format!(
                "unknown metric kind `{other}`; {hint}the kinds are `counter`, `sum`, \
                 `last_value`, `summary` and `distribution`"
            ));
        }
    })
}

/// Checks one definition; `None` when it has errors (pushed to `errors`).
pub(crate) fn definition(
    def: &Definition,
    catalogs: &Catalogs,
    errors: &mut Errors,
) -> Option<Plan> {
    let kind = match kind_of(&def.kind) {
        Ok(kind) => kind,
        Err(message) => {
            errors.push(def.kind.span(), message);
            return None;
        }
    };
    let option = |key: &str| def.options.iter().find(|o| o.key == key);
    for opt in &def.options {
        check_option_name(opt, kind, errors);
    }
    let name = def.name.value();
    let event_name = option("event_name");
    let measurement = option("measurement");
    let (event_lit, event_dotted, measurement_from_name) = match event_name.map(|o| &o.value) {
        Some(OptValue::Str(lit)) => (
            lit.clone(),
            lit.value(),
            name.rsplit('.').next().map(str::to_owned),
        ),
        _ => match name.rsplit_once('.') {
            Some((event, last)) => (def.name.clone(), event.to_owned(), Some(last.to_owned())),
            None => {
                errors.push(
                    def.name.span(),
                    format!(
                        "`{name}` names no event: a metric's name is the event's name then the \
                         measurement, e.g. `exgit.fs.grep.stop.duration`, or give \
                         `event_name = \"...\"` apart"
                    ),
                );
                return None;
            }
        },
    };
    let observed = resolve_event(&event_lit, &event_dotted, catalogs, errors)?;

    let measure = match measurement.map(|o| &o.value) {
        Some(OptValue::Expr(expr)) => {
            Measure::Function(with_arity(expr, 2, "measurement", errors)?)
        }
        Some(OptValue::Str(lit)) => Measure::Key(check_measurement(
            kind,
            observed,
            &lit.value(),
            lit.span(),
            errors,
        )?),
        _ => {
            let key = measurement_from_name.unwrap_or_default();
            Measure::Key(check_measurement(
                kind,
                observed,
                &key,
                def.name.span(),
                errors,
            )?)
        }
    };
    if kind == Kind::Counter && measurement.is_some() {
        errors.push(
            measurement.map_or(def.name.span(), |o| o.key.span()),
            "a counter counts events and takes no measurement; remove `measurement`, or use \
             `sum` to add the measurement up",
        );
    }

    let tag_values = match option("tag_values").map(|o| &o.value) {
        Some(OptValue::Expr(expr)) => Some(with_arity(expr, 1, "tag_values", errors)?),
        _ => None,
    };
    let tags = match option("tags").map(|o| &o.value) {
        Some(OptValue::Strs(tags)) => check_tags(observed, tags, tag_values.is_some(), errors)?,
        _ => Vec::new(),
    };
    if let (Some(opt), true) = (option("tag_values"), tags.is_empty()) {
        errors.push(opt.key.span(), "`tag_values` computes the values of `tags`; list the tags too, e.g. `tags = [\"size\"]`");
    }

    let filter = match (option("keep"), option("drop")) {
        (Some(_), Some(drop)) => {
            errors.push(drop.key.span(), "`keep` and `drop` cannot both be given: keep the events one predicate accepts, or drop the ones it accepts");
            None
        }
        (Some(opt), None) | (None, Some(opt)) => match &opt.value {
            OptValue::Expr(expr) => {
                let option = opt.key.to_string();
                Some((option == "keep", with_arity(expr, 2, &option, errors)?))
            }
            _ => None,
        },
        (None, None) => None,
    };

    let unit = match option("unit").map(|o| &o.value) {
        Some(OptValue::Unit(from, to)) => {
            check_unit(kind, &measure, observed, from, to.as_ref(), errors)?
        }
        _ => None,
    };
    let buckets = check_buckets(kind, option("buckets"), def.name.span(), errors)?;
    let sum_as_gauge = check_sum_as(
        kind,
        option("prometheus_type"),
        &measure,
        observed,
        matches!(unit, Some((Some(_), _))),
        errors,
    )?;
    let max_series = match option("max_series").map(|o| &o.value) {
        Some(OptValue::Int(lit)) => match lit.base10_parse::<usize>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                errors.push(
                    lit.span(),
                    "`max_series` is a count of tag sets, at least 1",
                );
                None
            }
        },
        _ => None,
    };
    let description = match option("description").map(|o| &o.value) {
        Some(OptValue::Str(lit)) => Some(lit.value()),
        _ => None,
    };
    let (segments, phase) = match observed {
        Observed::Standalone(def) => (def.segments().map(str::to_owned).collect(), None),
        Observed::Span(def, phase) => (def.segments().map(str::to_owned).collect(), Some(phase)),
    };
    Some(Plan {
        kind,
        name,
        segments,
        phase,
        measure,
        tags,
        tag_values,
        filter,
        unit,
        description,
        buckets,
        sum_as_gauge,
        max_series,
    })
}

const OPTIONS: [&str; 11] = [
    "event_name",
    "measurement",
    "tags",
    "tag_values",
    "keep",
    "drop",
    "unit",
    "description",
    "buckets",
    "prometheus_type",
    "max_series",
];

fn check_option_name(opt: &Opt, kind: Kind, errors: &mut Errors) {
    let key = opt.key.to_string();
    if !OPTIONS.contains(&key.as_str()) {
        let hint = closest(&key, OPTIONS)
            .map(|k| format!("did you mean `{k}`? "))
            .unwrap_or_default();
        errors.push(
            opt.key.span(),
            format!(
                "unknown option `{key}`; {hint}the options are {}",
                OPTIONS.join(", ")
            ),
        );
    }
    if key == "buckets" && kind != Kind::Distribution {
        errors.push(opt.key.span(), "only a `distribution` has buckets");
    }
    if key == "prometheus_type" && kind != Kind::Sum {
        errors.push(
            opt.key.span(),
            "`prometheus_type` chooses how a `sum` is exported; other kinds have one type",
        );
    }
}

fn resolve_event<'c>(
    lit: &LitStr,
    dotted: &str,
    catalogs: &'c Catalogs,
    errors: &mut Errors,
) -> Option<Observed<'c>> {
    if let Some(observed) = catalogs.resolve(dotted) {
        return Some(observed);
    }
    let message = if let Some(span) = catalogs.span(dotted) {
        format!(
            "`{dotted}` is a span, which emits three events: name one of `{0}.start`, `{0}.stop` \
             or `{0}.exception` (durations are on `stop` and `exception`)",
            span.name
        )
    } else {
        let names = catalogs.observable();
        let hint = closest(dotted, names.iter().map(String::as_str))
            .map(|n| format!("did you mean `{n}`? "))
            .unwrap_or_default();
        format!(
            "unknown event `{dotted}`: no catalogue among {} declares it; {hint}a metric's name \
             is the event's name then the measurement",
            catalogs.described()
        )
    };
    errors.push(lit.span(), message);
    None
}

fn check_measurement(
    kind: Kind,
    observed: Observed<'_>,
    key: &str,
    span: Span,
    errors: &mut Errors,
) -> Option<String> {
    if kind == Kind::Counter {
        return Some(key.to_owned());
    }
    let declared: Vec<&str> = match observed {
        Observed::Standalone(def) => def.measurements.iter().map(|m| m.name.as_str()).collect(),
        Observed::Span(_, phase) => phase.measurements().to_vec(),
    };
    if declared.contains(&key) {
        return Some(key.to_owned());
    }
    let event = observed.name();
    let message = match observed.any_key(key) {
        Some(k) if k.ty.is_numeric() || numeric_optional(&k.ty) => format!(
            "`{key}` is metadata of `{event}`, not a measurement; measure it with a function: \
             `measurement = |_, metadata| metadata.get(\"{key}\").and_then(|v| v.as_f64())`"
        ),
        Some(k) => format!(
            "`{key}` of `{event}` is not a number (it is `{}` metadata): a metric needs a \
             numeric measurement, one of {}",
            k.ty,
            list(&declared)
        ),
        None => {
            let hint = closest(key, declared.iter().copied())
                .map(|m| format!("did you mean `{m}`? "))
                .unwrap_or_default();
            format!(
                "unknown measurement `{key}` of `{event}`; {hint}its measurements are {}",
                list(&declared)
            )
        }
    };
    errors.push(span, message);
    None
}

fn numeric_optional(ty: &Type) -> bool {
    matches!(ty, Type::Union(alternatives) if alternatives.iter().all(Type::is_numeric))
}
