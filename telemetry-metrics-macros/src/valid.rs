//! Checks a definition against the catalogues and decides what to generate. Every error
//! points at the user's token, says how to fix it, and suggests a close name.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Expr, Ident, LitStr};
use telemetry_catalog::Type;

use crate::ast::{Definition, Opt, OptValue};
use crate::catalogs::{Catalogs, EXCEPTION_KEYS, Observed, SpanPhase, closest};
use crate::units::{self, UnitName};

/// The most tags a metric may have (the runtime's `MAX_TAGS`).
const MAX_TAGS: usize = 8;

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
            check_unit(&measure, observed, from, to.as_ref(), errors)?
        }
        _ => None,
    };
    let buckets = check_buckets(kind, option("buckets"), def.name.span(), errors)?;
    let sum_as_gauge = check_sum_as(
        kind,
        option("prometheus_type"),
        &measure,
        observed,
        unit.is_some(),
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

fn list(names: &[&str]) -> String {
    if names.is_empty() {
        return "none".to_owned();
    }
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_tags(
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
fn with_arity(expr: &Expr, arity: usize, option: &str, errors: &mut Errors) -> Option<Box<Expr>> {
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

fn check_unit(
    measure: &Measure,
    observed: Observed<'_>,
    from: &Ident,
    to: Option<&Ident>,
    errors: &mut Errors,
) -> Option<Option<(Option<UnitName>, UnitName)>> {
    let Some(to) = to else {
        return Some(Some((None, units::named(from))));
    };
    let (source, target) = (units::named(from), units::named(to));
    let mut ok = true;
    for (ident, unit) in [(from, &source), (to, &target)] {
        if unit.dimension().is_none() {
            errors.push(ident.span(), format!(
                "`{ident}` cannot be converted: conversions go from `native` or `nanosecond` to \
                 `microsecond`, `millisecond` or `second`, and from `byte` to `kilobyte` or \
                 `megabyte`{}",
                units::suggest(&ident.to_string())
            ));
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    if source.dimension() != target.dimension() {
        errors.push(
            to.span(),
            format!("cannot convert `{from}` to `{to}`: one is a time, the other a size"),
        );
        return None;
    }
    if let Measure::Key(key) = measure {
        let is_time = matches!(observed, Observed::Span(..));
        if is_time && !source.is_native_time() {
            errors.push(
                from.span(),
                format!(
                    "`{key}` of `{}` is in native time units (nanoseconds): convert from `native`, \
                 e.g. `unit = native -> millisecond`",
                    observed.name()
                ),
            );
            return None;
        }
        if !is_time && source.dimension() == Some(units::Dimension::Time) {
            errors.push(
                from.span(),
                format!(
                    "`{key}` of `{}` is not a time: only span measurements (`duration`, \
                 `monotonic_time`, `system_time`) are in native time units",
                    observed.name()
                ),
            );
            return None;
        }
    }
    Some(Some((Some(source), target)))
}

fn check_buckets(
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

fn check_sum_as(
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
