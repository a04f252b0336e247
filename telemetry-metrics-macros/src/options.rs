//! Checks of a definition's options: tags, functions, units, buckets and how a sum is
//! exported. Each error points at the option's own tokens.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Expr, Ident, LitStr};
use telemetry_catalog::{Type, Unit};

use crate::ast::{Opt, OptValue};
use crate::catalogs::{EXCEPTION_KEYS, Observed, SpanPhase, closest};
use crate::plan::{Errors, Kind, Measure, list};
use crate::units::{self, UnitName};

/// The most tags a metric may have (the runtime's `MAX_TAGS`).
const MAX_TAGS: usize = 8;

pub(crate) fn check_tags(
    observed: Observed<'_>,
    tags: &[LitStr],
    computed: bool,
    errors: &mut Errors,
) -> Option<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut ok = true;
    if tags.len() > MAX_TAGS {
        errors.push(
            tags[MAX_TAGS].span(),
            format!("a metric has at most {MAX_TAGS} tags"),
        );
        return None;
    }
    let event = observed.name();
    let exception_key = |key: &str| {
        matches!(observed, Observed::Span(_, SpanPhase::Exception)) && EXCEPTION_KEYS.contains(&key)
    };
    for tag in tags {
        let key = tag.value();
        let label = if computed {
            if !is_label(&key) {
                errors.push(tag.span(), format!("`{key}` is not a valid label name: letters, digits and `_`, not starting with a digit"));
                ok = false;
            }
            key.clone()
        } else if exception_key(&key) {
            key.clone()
        } else {
            match observed
                .keys()
                .find(|k| k.name == key || k.rust_name == key)
            {
                Some(k) if k.sensitive => {
                    errors.push(
                        tag.span(),
                        format!(
                            "`{key}` of `{}` is marked `sensitive` in its catalogue: as a tag its \
                         value would be copied into every time series; remove it, or tag with a \
                         key that is not sensitive",
                            observed.def().name
                        ),
                    );
                    ok = false;
                    continue;
                }
                Some(k) => k.rust_name.trim_start_matches("r#").to_owned(),
                None => {
                    ok = false;
                    let message = match observed.any_key(&key) {
                        Some(_) => format!(
                            "`{key}` is known only when the span stops: only `{}.stop` carries \
                             it, not `{event}`",
                            observed.def().name
                        ),
                        None => {
                            let names: Vec<&str> =
                                observed.keys().map(|k| k.name.as_str()).collect();
                            let hint = closest(&key, names.iter().copied())
                                .map(|n| format!("did you mean `{n}`? "))
                                .unwrap_or_default();
                            format!(
                                "`{key}` is not a metadata key of `{event}`; {hint}its keys are {}",
                                list(&names)
                            )
                        }
                    };
                    errors.push(tag.span(), message);
                    continue;
                }
            }
        };
        if out.iter().any(|(l, _)| *l == label) {
            errors.push(tag.span(), format!("the tag `{key}` is listed twice"));
            ok = false;
        }
        let key = observed
            .keys()
            .find(|k| k.rust_name == key)
            .map_or(key, |k| k.name.clone());
        out.push((label, key));
    }
    ok.then_some(out)
}

fn is_label(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A closure with one parameter too few gets a `_` for the last one; anything else
/// must take `arity` arguments.
pub(crate) fn with_arity(
    expr: &Expr,
    arity: usize,
    option: &str,
    errors: &mut Errors,
) -> Option<Box<Expr>> {
    let Expr::Closure(closure) = expr else {
        return Some(Box::new(expr.clone()));
    };
    let mut closure = closure.clone();
    let given = closure.inputs.len();
    let max = if option == "tag_values" { 1 } else { 2 };
    if given == 0 || given > max {
        let form = match option {
            "tag_values" => "`|metadata| [..]`",
            "measurement" => "`|measurements| ..` or `|measurements, metadata| ..`",
            _ => "`|metadata| ..` or `|metadata, measurements| ..`",
        };
        errors.push(closure.inputs.span(), format!("`{option}` takes {form}"));
        return None;
    }
    while closure.inputs.len() < arity {
        closure.inputs.push(syn::parse_quote!(_));
    }
    Some(Box::new(Expr::Closure(closure)))
}

/// `unit = name` or `unit = from -> to`, against the unit the measurement is in: a span
/// measurement is in native time units, a catalogue measurement in the unit its
/// catalogue declares, if any.
///
/// A conversion must start from that unit. A measurement that declares no unit is a
/// plain number, and gets a unit name alone: a conversion from a unit the catalogue
/// never stated would rescale the values on the definition's word alone, which is what
/// checking against the catalogue is for. A computed measurement is in whatever unit
/// its function returns, so its conversion is the definition's own to state.
pub(crate) fn check_unit(
    kind: Kind,
    measure: &Measure,
    observed: Observed<'_>,
    from: &Ident,
    to: Option<&Ident>,
    errors: &mut Errors,
) -> Option<Option<(Option<UnitName>, UnitName)>> {
    let declared = match measure {
        Measure::Key(key) if kind != Kind::Counter => declared_unit(observed, key),
        _ => None,
    };
    match to {
        None => check_label(measure, observed, declared, from, errors),
        Some(to) => check_conversion(kind, measure, observed, declared, from, to, errors),
    }
    .map(Some)
}

/// `unit = name` alone: the values are reported as they are, labelled with it.
fn check_label(
    measure: &Measure,
    observed: Observed<'_>,
    declared: Option<Unit>,
    from: &Ident,
    errors: &mut Errors,
) -> Option<(Option<UnitName>, UnitName)> {
    let unit = units::named(from);
    let hint = units::suggest(&from.to_string());
    if unit.catalogue_unit().is_none() && !hint.is_empty() {
        errors.push(
            from.span(),
            format!(
                "unknown unit `{from}`{hint} (a label of your own must not look like a \
                 misspelled unit)"
            ),
        );
        return None;
    }
    if let (Some(declared), Measure::Key(key)) = (declared, measure)
        && !unit.is(declared)
    {
        let fix = match unit.catalogue_unit() {
            Some(u) if u.is_time() == declared.is_time() => {
                format!("convert with `unit = {declared} -> {from}`")
            }
            _ => format!("write `unit = {declared}`"),
        };
        errors.push(
            from.span(),
            format!(
                "`{key}` of `{}` is {}, so `{from}` alone would mislabel its values: {fix}",
                observed.name(),
                in_unit(observed, declared)
            ),
        );
        return None;
    }
    Some((None, unit))
}

/// `unit = from -> to`: the values are converted.
fn check_conversion(
    kind: Kind,
    measure: &Measure,
    observed: Observed<'_>,
    declared: Option<Unit>,
    from: &Ident,
    to: &Ident,
    errors: &mut Errors,
) -> Option<(Option<UnitName>, UnitName)> {
    let (source, target) = (units::named(from), units::named(to));
    for (ident, unit) in [(from, &source), (to, &target)] {
        if unit.catalogue_unit().is_none() {
            errors.push(ident.span(), format!(
                "`{ident}` cannot be converted: conversions go from `native` or `nanosecond` to \
                 `microsecond`, `millisecond` or `second`, and from `byte` to `kilobyte` or \
                 `megabyte`{}",
                units::suggest(&ident.to_string())
            ));
        }
    }
    let (Some(source_unit), Some(target_unit)) = (source.catalogue_unit(), target.catalogue_unit())
    else {
        return None;
    };
    if source_unit.is_time() != target_unit.is_time() {
        errors.push(
            to.span(),
            format!("cannot convert `{from}` to `{to}`: one is a time, the other a size"),
        );
        return None;
    }
    let key = match measure {
        Measure::Function(_) => return Some((Some(source), target)),
        Measure::Key(_) if kind == Kind::Counter => {
            errors.push(
                from.span(),
                "a counter counts events, a number with no unit to convert: name a unit alone \
                 (e.g. `unit = request`), or use `sum` to add up a measurement in its unit",
            );
            return None;
        }
        Measure::Key(key) => key,
    };
    let event = observed.name();
    match declared {
        Some(declared) if source_unit.same_as(declared) => Some((Some(source), target)),
        Some(declared) => {
            let to = if target_unit.is_time() == declared.is_time() {
                target_unit
            } else if declared.is_time() {
                Unit::Millisecond
            } else {
                Unit::Kilobyte
            };
            errors.push(
                from.span(),
                format!(
                    "`{key}` of `{event}` is {}: convert from `{declared}`, \
                     `unit = {declared} -> {to}`",
                    in_unit(observed, declared)
                ),
            );
            None
        }
        None => {
            errors.push(
                from.span(),
                format!(
                    "`{key}` of `{event}` declares no unit in its catalogue, so there is no \
                     unit to convert from: label its values with a unit name alone (`unit = \
                     {from}` if they are in `{from}`), or convert in a `measurement` function, \
                     whose unit is its own"
                ),
            );
            None
        }
    }
}

/// The unit `key` of `observed` is in, if it has one.
fn declared_unit(observed: Observed<'_>, key: &str) -> Option<Unit> {
    match observed {
        Observed::Span(..) => Some(Unit::Native),
        Observed::Standalone(def) => def.measurement(key).and_then(|m| m.unit),
    }
}

/// "in native time units (nanoseconds), as every span measurement", for messages.
fn in_unit(observed: Observed<'_>, unit: Unit) -> String {
    match observed {
        Observed::Span(..) => {
            "in native time units (nanoseconds), as every span measurement is".to_owned()
        }
        Observed::Standalone(_) => format!("in `{unit}`, as its catalogue declares"),
    }
}

pub(crate) fn check_buckets(
    kind: Kind,
    opt: Option<&Opt>,
    name_span: Span,
    errors: &mut Errors,
) -> Option<Vec<f64>> {
    let bounds = match opt.map(|o| &o.value) {
        Some(OptValue::Numbers(bounds)) => bounds,
        _ if kind == Kind::Distribution => {
            errors.push(name_span, "a distribution needs bucket bounds for its Prometheus histogram, e.g. `buckets = [0.1, 1, 10, 100]` (in the metric's unit)");
            return None;
        }
        _ => return Some(Vec::new()),
    };
    if bounds.is_empty() {
        errors.push(
            opt.map_or(name_span, |o| o.key.span()),
            "a distribution needs at least one bucket bound",
        );
        return None;
    }
    for pair in bounds.windows(2) {
        if pair[1].0 <= pair[0].0 {
            errors.push(pair[1].1, "bucket bounds must be strictly ascending");
            return None;
        }
    }
    Some(bounds.iter().map(|(b, _)| *b).collect())
}

pub(crate) fn check_sum_as(
    kind: Kind,
    opt: Option<&Opt>,
    measure: &Measure,
    observed: Observed<'_>,
    converted: bool,
    errors: &mut Errors,
) -> Option<bool> {
    let whole = !converted
        && match (measure, observed) {
            (Measure::Key(key), Observed::Standalone(def)) => {
                def.measurement(key).is_some_and(|m| m.ty == Type::U64)
            }
            (Measure::Key(_), Observed::Span(..)) => true,
            (Measure::Function(_), _) => false,
        };
    let Some(OptValue::Unit(ty, _)) = opt.map(|o| &o.value) else {
        return Some(kind == Kind::Sum && !whole);
    };
    match ty.to_string().as_str() {
        "gauge" => Some(true),
        "counter" if whole => Some(false),
        "counter" => {
            errors.push(ty.span(), "a Prometheus counter adds whole non-negative numbers: this sum's measurement is a function, a converted unit, or not a `u64`; use `prometheus_type = gauge`");
            None
        }
        other => {
            errors.push(
                ty.span(),
                format!(
                    "unknown Prometheus type `{other}`: a sum is exported as `counter` or `gauge`"
                ),
            );
            None
        }
    }
}
