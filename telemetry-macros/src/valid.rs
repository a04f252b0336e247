//! Validation against the catalogue: every name, key and phase the user wrote is checked
//! here, and turned into a plan that expansion follows without further checks.

use proc_macro2::Span;
use syn::{Expr, Ident, LitStr, Type};
use telemetry_catalog::{EventDef, EventKind, KeyDef, MeasurementDef, Phase};

use crate::ast::{EventStruct, SpanFn, combine, option_inner};
use crate::attr::{KeyValue, SpanArgs};
use crate::locate::Located;

/// Looks the event up; the error points at the user's name literal.
pub(crate) fn find_event<'c>(
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
    let catalog = &located.catalog;
    let Some(def) = catalog.event(&wanted) else {
        let hint = match catalog.suggest_event(&wanted) {
            Some(close) => format!("; did you mean `{close}`?"),
            None => format!(
                "; declare it in {} first (the catalogue is the single source of truth for event names)",
                located.display
            ),
        };
        return Err(syn::Error::new_spanned(
            name,
            format!(
                "unknown event `{wanted}`: {} declares no such event{hint}",
                located.display
            ),
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

/// What one field of an `#[event]` struct carries.
pub(crate) enum Role<'c> {
    Key(&'c KeyDef),
    Measurement(&'c MeasurementDef),
}

pub(crate) struct PlannedField<'c> {
    pub(crate) ident: Ident,
    pub(crate) ty: Type,
    pub(crate) role: Role<'c>,
    /// `Some(T)` when the field is `Option<T>` for an optional key.
    pub(crate) optional: Option<Type>,
}

pub(crate) struct EventPlan<'c> {
    pub(crate) def: &'c EventDef,
    pub(crate) fields: Vec<PlannedField<'c>>,
    /// Measurements whose value the catalogue fixes (Charon's `count = 1`).
    pub(crate) constants: Vec<&'c MeasurementDef>,
}

pub(crate) fn event<'c>(
    located: &'c Located,
    name: &LitStr,
    input: &EventStruct,
) -> syn::Result<EventPlan<'c>> {
    let def = find_event(located, name, EventKind::Event)?;
    let mut errors: Option<syn::Error> = None;
    let mut fields: Vec<PlannedField<'c>> = Vec::new();
    for field in &input.fields {
        let (key_name, key_span) = match &field.key {
            Some(lit) => (lit.value(), lit.span()),
            None => {
                let name = field.ident.to_string();
                (
                    name.strip_prefix("r#").unwrap_or(&name).to_owned(),
                    field.ident.span(),
                )
            }
        };
        let role = if field.measurement.is_some() {
            match def.measurement(&key_name) {
                Some(m) => Role::Measurement(m),
                None => {
                    combine(
                        &mut errors,
                        unknown_measurement(located, def, &key_name, key_span),
                    );
                    continue;
                }
            }
        } else if let Some(key) = def.key(&key_name) {
            Role::Key(key)
        } else if let Some(m) = def.measurement(&key_name) {
            Role::Measurement(m)
        } else {
            combine(
                &mut errors,
                unknown_key(located, def, &key_name, key_span, "field"),
            );
            continue;
        };
        let canonical = match role {
            Role::Key(k) => &k.name,
            Role::Measurement(m) => &m.name,
        };
        if let Some(previous) = fields.iter().find(|f| role_name(&f.role) == canonical) {
            combine(
                &mut errors,
                syn::Error::new(
                    key_span,
                    format!(
                        "duplicate key `{canonical}`: field `{}` already carries it",
                        previous.ident
                    ),
                ),
            );
            continue;
        }
        let option = option_inner(&field.ty).cloned();
        match role {
            Role::Measurement(m) => {
                if let Some(constant) = &m.constant {
                    combine(
                        &mut errors,
                        syn::Error::new(
                            key_span,
                            format!(
                                "measurement `{}` is the constant {constant} in {}; remove the field, \
                                 the macro fills it in",
                                m.name,
                                located.cite(m.location.line)
                            ),
                        ),
                    );
                    continue;
                }
                if option.is_some() {
                    combine(
                        &mut errors,
                        syn::Error::new_spanned(
                            &field.ty,
                            format!(
                                "measurement `{}` is always present: declare it `{}`, not `Option<..>`",
                                m.name, m.ty
                            ),
                        ),
                    );
                    continue;
                }
            }
            Role::Key(k) => {
                if option.is_some() && k.required {
                    combine(&mut errors, required_not_option(located, k, &field.ty));
                    continue;
                }
            }
        }
        fields.push(PlannedField {
            ident: field.ident.clone(),
            ty: field.ty.clone(),
            role,
            optional: option,
        });
    }
    // A field already rejected (misspelled, wrongly optional) usually is the missing key:
    // report missing keys only when every field was accepted.
    if let Some(errors) = errors {
        return Err(errors);
    }
    let present = |name: &str| fields.iter().any(|f| role_name(&f.role) == name);
    for key in def
        .metadata
        .iter()
        .filter(|k| k.required && !present(&k.name))
    {
        combine(
            &mut errors,
            syn::Error::new_spanned(
                &input.item.ident,
                format!(
                    "missing required metadata key `{}` of `{}` ({}): add a field `{}: <{}>`",
                    key.name,
                    def.name,
                    located.cite(key.location.line),
                    key.rust_name,
                    key.ty
                ),
            ),
        );
    }
    for m in def
        .measurements
        .iter()
        .filter(|m| m.constant.is_none() && !present(&m.name))
    {
        combine(
            &mut errors,
            syn::Error::new_spanned(
                &input.item.ident,
                format!(
                    "missing measurement `{}` of `{}` ({}): add a field `#[measurement] {}: {}`",
                    m.name,
                    def.name,
                    located.cite(m.location.line),
                    m.rust_name,
                    m.ty
                ),
            ),
        );
    }
    if let Some(errors) = errors {
        return Err(errors);
    }
    Ok(EventPlan {
        def,
        fields,
        constants: def
            .measurements
            .iter()
            .filter(|m| m.constant.is_some())
            .collect(),
    })
}

fn role_name<'c>(role: &Role<'c>) -> &'c str {
    match role {
        Role::Key(k) => &k.name,
        Role::Measurement(m) => &m.name,
    }
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

pub(crate) fn unknown_key(
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

fn unknown_measurement(located: &Located, def: &EventDef, name: &str, span: Span) -> syn::Error {
    let names: Vec<&str> = def.measurements.iter().map(|m| m.name.as_str()).collect();
    let hint = match def.suggest_measurement(name) {
        Some(close) => format!("did you mean `{close}`?"),
        None if names.is_empty() => "it declares no measurements".to_owned(),
        None => format!("its measurements are {}", names.join(", ")),
    };
    syn::Error::new(
        span,
        format!(
            "`{name}` is not a measurement of `{}` ({}); {hint}",
            def.name,
            located.cite(def.location.line)
        ),
    )
}

/// Where one start key of a span gets its value.
pub(crate) enum StartSource<'c> {
    /// A function argument of the same name (`optional` when it is an `Option`).
    Argument {
        key: &'c KeyDef,
        ident: Ident,
        /// The argument's type (for an `Option`, the type inside).
        ty: Type,
        optional: bool,
    },
    /// `key = expression` in the attribute.
    Expression { key: &'c KeyDef, value: Expr },
}

pub(crate) struct SpanPlan<'c> {
    pub(crate) def: &'c EventDef,
    pub(crate) start: Vec<StartSource<'c>>,
    /// The stop-only keys, in catalogue order: `stop!` writes them by index.
    pub(crate) stop_keys: Vec<&'c KeyDef>,
    pub(crate) lazy: bool,
}

pub(crate) fn span<'c>(
    located: &'c Located,
    args: &SpanArgs,
    input: &SpanFn,
) -> syn::Result<SpanPlan<'c>> {
    let def = find_event(located, &args.name, EventKind::Span)?;
    let mut errors: Option<syn::Error> = None;
    for skipped in &args.skip {
        if !input.args.iter().any(|a| a.ident == *skipped) {
            let names: Vec<String> = input
                .args
                .iter()
                .map(|a| format!("`{}`", a.ident))
                .collect();
            combine(
                &mut errors,
                syn::Error::new_spanned(
                    skipped,
                    format!(
                        "skip({skipped}): this function has no argument `{skipped}`{}",
                        if names.is_empty() {
                            String::new()
                        } else {
                            format!("; its arguments are {}", names.join(", "))
                        }
                    ),
                ),
            );
        }
    }
    if let Some(lazy) = args.lazy {
        if input.is_async() {
            combine(
                &mut errors,
                syn::Error::new(
                    lazy,
                    "`lazy` is for functions that return an iterator; an `async fn` span already \
                     lasts until its future completes",
                ),
            );
        } else if !matches!(&input.item.sig.output, syn::ReturnType::Type(_, ty) if crate::ast::is_impl_iterator(ty))
        {
            combine(
                &mut errors,
                syn::Error::new(
                    lazy,
                    "`lazy` keeps the span open until the returned iterator is exhausted or dropped, \
                     so the function must return `impl Iterator<Item = ..>`",
                ),
            );
        }
    }
    let mut start: Vec<StartSource<'c>> = Vec::new();
    for KeyValue { key, value } in &args.keys {
        let Some(def_key) = def.key(&key.name) else {
            combine(
                &mut errors,
                unknown_key(located, def, &key.name, key.span, "key"),
            );
            continue;
        };
        if def_key.phase == Phase::Stop {
            combine(
                &mut errors,
                syn::Error::new_spanned(
                    key.tokens(),
                    format!(
                        "`{}` is stop-only ({}): it is known only when the span ends, so set it \
                         with stop!({} = ..) in the function body",
                        def_key.name,
                        located.cite(def_key.location.line),
                        def_key.rust_name
                    ),
                ),
            );
            continue;
        }
        if start.iter().any(|s| source_key(s).name == def_key.name) {
            combine(
                &mut errors,
                syn::Error::new_spanned(
                    key.tokens(),
                    format!("duplicate key `{}` in #[span(..)]", def_key.name),
                ),
            );
            continue;
        }
        start.push(StartSource::Expression {
            key: def_key,
            value: value.clone(),
        });
    }
    for arg in &input.args {
        if args.skip.contains(&arg.ident) {
            continue;
        }
        let name = arg.ident.to_string();
        let Some(key) = def.key(&name) else { continue };
        if key.phase == Phase::Stop || start.iter().any(|s| source_key(s).name == key.name) {
            continue;
        }
        let inner = option_inner(&arg.ty);
        if inner.is_some() && key.required {
            combine(&mut errors, required_not_option(located, key, &arg.ty));
            continue;
        }
        start.push(StartSource::Argument {
            key,
            ident: arg.ident.clone(),
            ty: inner.unwrap_or(&arg.ty).clone(),
            optional: inner.is_some(),
        });
    }
    // As for events: a rejected key is usually the one that seems missing.
    if let Some(errors) = errors {
        return Err(errors);
    }
    for key in def.start_keys().filter(|k| k.required) {
        if !start.iter().any(|s| source_key(s).name == key.name) {
            let skipped = args.skip.iter().any(|s| *s == key.rust_name);
            combine(
                &mut errors,
                syn::Error::new_spanned(
                    &args.name,
                    format!(
                        "required start key `{}` of `{}` ({}) has no value{}: name an argument `{}`, \
                         or add `{} = <expression>` to #[span(..)]",
                        key.name,
                        def.name,
                        located.cite(key.location.line),
                        if skipped {
                            " (its argument is skipped)"
                        } else {
                            ""
                        },
                        key.rust_name,
                        key.rust_name
                    ),
                ),
            );
        }
    }
    // Keep catalogue order, so events list their keys as the catalogue does.
    start.sort_by_key(|s| {
        def.metadata
            .iter()
            .position(|k| k.name == source_key(s).name)
    });
    if let Some(errors) = errors {
        return Err(errors);
    }
    Ok(SpanPlan {
        def,
        start,
        stop_keys: def.stop_keys().collect(),
        lazy: args.lazy.is_some(),
    })
}

pub(crate) fn source_key<'c>(source: &StartSource<'c>) -> &'c KeyDef {
    match source {
        StartSource::Argument { key, .. } | StartSource::Expression { key, .. } => key,
    }
}

/// Checks the keys of one `stop!` and returns, for each, its index among the stop keys.
pub(crate) fn stop_keys(
    located: &Located,
    plan: &SpanPlan<'_>,
    keys: &[KeyValue],
) -> syn::Result<Vec<usize>> {
    let mut errors: Option<syn::Error> = None;
    let mut indices: Vec<usize> = Vec::new();
    for KeyValue { key, .. } in keys {
        let Some(def_key) = plan.def.key(&key.name) else {
            combine(
                &mut errors,
                unknown_key(located, plan.def, &key.name, key.span, "key"),
            );
            continue;
        };
        if def_key.phase == Phase::Start {
            combine(
                &mut errors,
                syn::Error::new_spanned(
                    key.tokens(),
                    format!(
                        "`{}` is a start key of `{}` ({}): it is set when the span starts, from an \
                         argument named `{}` or #[span(\"{}\", {} = ..)], not by stop!",
                        def_key.name,
                        plan.def.name,
                        located.cite(def_key.location.line),
                        def_key.rust_name,
                        plan.def.name,
                        def_key.rust_name
                    ),
                ),
            );
            continue;
        }
        let index = plan
            .stop_keys
            .iter()
            .position(|k| k.name == def_key.name)
            .unwrap_or_default();
        if indices.contains(&index) {
            combine(
                &mut errors,
                syn::Error::new_spanned(
                    key.tokens(),
                    format!("duplicate key `{}` in stop!", def_key.name),
                ),
            );
            continue;
        }
        indices.push(index);
    }
    match errors {
        Some(e) => Err(e),
        None => Ok(indices),
    }
}
