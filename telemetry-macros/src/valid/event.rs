//! `#[event("..")]`: each field of the struct against the event's keys and measurements.

use proc_macro2::Span;
use syn::{Ident, LitStr, Type};
use telemetry_catalog::{EventDef, EventKind, MeasurementDef};

use super::{Role, find_event, required_not_option, unknown_key};
use crate::ast::{EventField, EventStruct, option_inner};
use crate::errors::Errors;
use crate::locate::Located;

pub(crate) struct PlannedField<'c> {
    pub(crate) ident: Ident,
    pub(crate) ty: Type,
    pub(crate) role: Role<'c>,
    /// `Some(T)` when the field is `Option<T>` for an optional key.
    pub(crate) optional: Option<Type>,
}

impl PlannedField<'_> {
    /// The type of the value the field holds when present.
    pub(crate) fn value_type(&self) -> &Type {
        self.optional.as_ref().unwrap_or(&self.ty)
    }
}

pub(crate) struct EventPlan<'c> {
    pub(crate) def: &'c EventDef,
    pub(crate) fields: Vec<PlannedField<'c>>,
    /// Measurements whose value the catalogue fixes (Charon's `count = 1`).
    pub(crate) constants: Vec<&'c MeasurementDef>,
}

/// What the checks of one event share.
struct Checking<'c, 'i> {
    located: &'c Located,
    def: &'c EventDef,
    input: &'i EventStruct,
}

pub(crate) fn event<'c>(
    located: &'c Located,
    name: &LitStr,
    input: &EventStruct,
) -> syn::Result<EventPlan<'c>> {
    let def = find_event(located, name, EventKind::Event)?;
    let cx = Checking {
        located,
        def,
        input,
    };
    let mut errors = Errors::new();
    let mut fields: Vec<PlannedField<'c>> = Vec::new();
    for field in &input.fields {
        let Some(planned) = errors.handle(cx.plan_field(field)) else {
            continue;
        };
        if let Some(error) = duplicate_key(&fields, &planned, key_span(field)) {
            errors.push(error);
            continue;
        }
        fields.push(planned);
    }
    // A field already rejected (misspelled, wrongly optional) usually is the missing key:
    // report missing keys only when every field was accepted.
    errors.check()?;
    cx.required_keys_present(&mut errors, &fields);
    cx.measurements_present(&mut errors, &fields);
    errors.finish()?;
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

/// The catalogue key of a field: `#[telemetry(key = "..")]`, or its name.
fn key_name(field: &EventField) -> String {
    match &field.key {
        Some(lit) => lit.value(),
        None => {
            let name = field.ident.to_string();
            name.strip_prefix("r#").unwrap_or(&name).to_owned()
        }
    }
}

fn key_span(field: &EventField) -> Span {
    field.key.as_ref().map_or(field.ident.span(), LitStr::span)
}

impl<'c> Checking<'c, '_> {
    fn plan_field(&self, field: &EventField) -> syn::Result<PlannedField<'c>> {
        let role = self.role(field)?;
        let optional = option_inner(&field.ty).cloned();
        match role {
            Role::Measurement(m) => {
                self.measurement_not_constant(m, key_span(field))?;
                measurement_not_optional(m, &field.ty, optional.is_some())?;
            }
            Role::Key(k) => {
                if optional.is_some() && k.required {
                    return Err(required_not_option(self.located, k, &field.ty));
                }
            }
        }
        Ok(PlannedField {
            ident: field.ident.clone(),
            ty: field.ty.clone(),
            role,
            optional,
        })
    }

    /// A field is a metadata key or a measurement by its name; `#[measurement]` insists on
    /// the latter.
    fn role(&self, field: &EventField) -> syn::Result<Role<'c>> {
        let (name, span) = (key_name(field), key_span(field));
        let def = self.def;
        if field.measurement.is_some() {
            return def
                .measurement(&name)
                .map(Role::Measurement)
                .ok_or_else(|| self.unknown_measurement(&name, span));
        }
        if let Some(key) = def.key(&name) {
            return Ok(Role::Key(key));
        }
        def.measurement(&name)
            .map(Role::Measurement)
            .ok_or_else(|| unknown_key(self.located, def, &name, span, "field"))
    }

    fn unknown_measurement(&self, name: &str, span: Span) -> syn::Error {
        let def = self.def;
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
                self.located.cite(def.location.line)
            ),
        )
    }

    fn measurement_not_constant(&self, m: &MeasurementDef, span: Span) -> syn::Result<()> {
        match &m.constant {
            Some(constant) => Err(syn::Error::new(
                span,
                format!(
                    "measurement `{}` is the constant {constant} in {}; remove the field, \
                     the macro fills it in",
                    m.name,
                    self.located.cite(m.location.line)
                ),
            )),
            None => Ok(()),
        }
    }

    fn required_keys_present(&self, errors: &mut Errors, fields: &[PlannedField<'_>]) {
        let (def, located) = (self.def, self.located);
        for key in def
            .metadata
            .iter()
            .filter(|k| k.required && !carried(fields, &k.name))
        {
            errors.push(syn::Error::new_spanned(
                &self.input.item.ident,
                format!(
                    "missing required metadata key `{}` of `{}` ({}): add a field `{}: <{}>`",
                    key.name,
                    def.name,
                    located.cite(key.location.line),
                    key.rust_name,
                    key.ty
                ),
            ));
        }
    }

    fn measurements_present(&self, errors: &mut Errors, fields: &[PlannedField<'_>]) {
        let (def, located) = (self.def, self.located);
        for m in def
            .measurements
            .iter()
            .filter(|m| m.constant.is_none() && !carried(fields, &m.name))
        {
            errors.push(syn::Error::new_spanned(
                &self.input.item.ident,
                format!(
                    "missing measurement `{}` of `{}` ({}): add a field `#[measurement] {}: {}`",
                    m.name,
                    def.name,
                    located.cite(m.location.line),
                    m.rust_name,
                    m.ty
                ),
            ));
        }
    }
}

fn measurement_not_optional(m: &MeasurementDef, ty: &Type, optional: bool) -> syn::Result<()> {
    if !optional {
        return Ok(());
    }
    Err(syn::Error::new_spanned(
        ty,
        format!(
            "measurement `{}` is always present: declare it `{}`, not `Option<..>`",
            m.name, m.ty
        ),
    ))
}

fn duplicate_key(
    fields: &[PlannedField<'_>],
    planned: &PlannedField<'_>,
    span: Span,
) -> Option<syn::Error> {
    let name = planned.role.name();
    let previous = fields.iter().find(|f| f.role.name() == name)?;
    Some(syn::Error::new(
        span,
        format!(
            "duplicate key `{name}`: field `{}` already carries it",
            previous.ident
        ),
    ))
}

fn carried(fields: &[PlannedField<'_>], name: &str) -> bool {
    fields.iter().any(|f| f.role.name() == name)
}
