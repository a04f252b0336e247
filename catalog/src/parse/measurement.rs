//! The measurements of a standalone event: numeric types and constants.

use toml::Spanned;
use toml::de::DeValue;

use super::builder::{Builder, Field, Number, field, fields};
use crate::model::{Constant, MeasurementDef};
use crate::naming::rust_field_name;
use crate::suggest;
use crate::type_grammar;
use crate::types::Type;
use crate::unit::Unit;

const MEASUREMENT_FIELDS: [&str; 5] = ["type", "value", "unit", "doc", "rust"];

impl Builder<'_, '_> {
    pub(super) fn measurements(&mut self, f: &Field<'_, '_>) -> Vec<MeasurementDef> {
        let DeValue::Table(table) = f.value.get_ref() else {
            self.error(
                f.value.span().start,
                format!(
                    "`measurements` must be a table, not {}",
                    f.value.get_ref().type_str()
                ),
                "write measurements = { count = 1, bytes = \"u64\" }",
            );
            return Vec::new();
        };
        fields(table)
            .iter()
            .filter_map(|m| self.measurement(m))
            .collect()
    }

    fn measurement(&mut self, f: &Field<'_, '_>) -> Option<MeasurementDef> {
        let well_named = self.member_name(f, "measurement");
        let location = self.r.location(f.key_span.start);
        let offset = f.value.span().start;
        let (ty, constant, unit, doc, rust_name) = match f.value.get_ref() {
            DeValue::String(text) => {
                let ty = self.measurement_type(f.name, f.value, text)?;
                (ty, None, None, String::new(), rust_field_name(f.name))
            }
            DeValue::Integer(_) | DeValue::Float(_) => {
                let number = self.number(f.value)?;
                let (ty, constant) = self.constant(f.name, None, number, offset)?;
                (
                    ty,
                    Some(constant),
                    None,
                    String::new(),
                    rust_field_name(f.name),
                )
            }
            DeValue::Table(table) => {
                let fields = fields(table);
                self.unknown_fields(
                    &fields,
                    &MEASUREMENT_FIELDS,
                    &format!("measurement `{}`", f.name),
                );
                let ty = match field(&fields, "type") {
                    Some(t) => {
                        let text = self.string(t, "type = \"u64\"")?;
                        Some(self.measurement_type(f.name, t.value, &text)?)
                    }
                    None => None,
                };
                let (ty, constant) = match (field(&fields, "value"), ty) {
                    (Some(v), ty) => {
                        let number = self.constant_value(f.name, v)?;
                        let (ty, constant) =
                            self.constant(f.name, ty, number, v.value.span().start)?;
                        (ty, Some(constant))
                    }
                    (None, Some(ty)) => (ty, None),
                    (None, None) => {
                        self.error(
                            offset,
                            format!(
                                "measurement `{}` has neither a `type` nor a `value`",
                                f.name
                            ),
                            "add type = \"u64\", or value = 1 for a constant",
                        );
                        return None;
                    }
                };
                let unit = match field(&fields, "unit") {
                    Some(u) => Some(self.unit(u)?),
                    None => None,
                };
                let doc = field(&fields, "doc")
                    .and_then(|d| self.string(d, "doc = \"what it measures\""))
                    .unwrap_or_default();
                let rust_name = self.rust_name(field(&fields, "rust"), f.name);
                (ty, constant, unit, doc, rust_name)
            }
            other => {
                self.error(
                    offset,
                    format!(
                        "constant measurement `{}` is {}, not a number",
                        f.name,
                        other.type_str()
                    ),
                    format!(
                        "write a number such as {} = 1, or a type such as {} = \"u64\"",
                        f.name, f.name
                    ),
                );
                return None;
            }
        };
        well_named.then(|| MeasurementDef {
            name: f.name.to_string(),
            rust_name,
            ty,
            constant,
            unit,
            doc,
            location,
        })
    }

    fn unit(&mut self, f: &Field<'_, '_>) -> Option<Unit> {
        let name = self.string(f, "unit = \"byte\"")?;
        let offset = f.value.span().start;
        if !self.name_fits(&name, offset, "this unit") {
            return None;
        }
        if let Some(unit) = Unit::from_name(&name) {
            return Some(unit);
        }
        let names = Unit::ALL.map(Unit::name);
        let help = suggest::did_you_mean(&name, names).unwrap_or_else(|| {
            format!(
                "the units are {}; leave `unit` out for a plain number such as a count",
                names.join(", ")
            )
        });
        self.error(offset, format!("unknown unit `{name}`"), help);
        None
    }

    fn measurement_type(
        &mut self,
        name: &str,
        value: &Spanned<DeValue<'_>>,
        text: &str,
    ) -> Option<Type> {
        let (ty, optional) = match type_grammar::parse_spec(text) {
            Ok(spec) => spec,
            Err(mut error) => {
                if error.message.starts_with("unknown type") {
                    error.help = Some(format!(
                        "a measurement is u64, i64 or f64, or a constant such as {name} = 1"
                    ));
                }
                self.type_error(value, text, error);
                return None;
            }
        };
        let offset = value.span().start;
        if optional {
            self.error(
                offset,
                format!("measurement `{name}` cannot be optional"),
                "measurements are always present: drop the `?`, or make it a metadata key"
                    .to_string(),
            );
            return None;
        }
        if !ty.is_numeric() {
            self.error(
                offset,
                format!("measurement `{name}` has type `{ty}`, but measurements are numbers"),
                "use u64, i64 or f64; put other values in `metadata`",
            );
            return None;
        }
        Some(ty)
    }

    fn constant_value(&mut self, name: &str, v: &Field<'_, '_>) -> Option<Number> {
        match v.value.get_ref() {
            DeValue::Integer(_) | DeValue::Float(_) => self.number(v.value),
            other => {
                self.error(
                    v.value.span().start,
                    format!(
                        "constant measurement `{name}` is {}, not a number",
                        other.type_str()
                    ),
                    "write a number, e.g. value = 1",
                );
                None
            }
        }
    }

    fn constant(
        &mut self,
        name: &str,
        ty: Option<Type>,
        number: Number,
        offset: usize,
    ) -> Option<(Type, Constant)> {
        let fitted = match (&ty, number) {
            (None | Some(Type::U64), Number::Integer(n)) if u64::try_from(n).is_ok() => {
                u64::try_from(n).ok().map(|n| (Type::U64, Constant::U64(n)))
            }
            (None | Some(Type::I64), Number::Integer(n)) => {
                i64::try_from(n).ok().map(|n| (Type::I64, Constant::I64(n)))
            }
            (Some(Type::F64), Number::Integer(n)) => Some((Type::F64, Constant::F64(n as f64))),
            (None | Some(Type::F64), Number::Float(x)) => Some((Type::F64, Constant::F64(x))),
            _ => None,
        };
        if fitted.is_none() {
            let shown = match number {
                Number::Integer(n) => n.to_string(),
                Number::Float(x) => x.to_string(),
            };
            let ty = ty.map_or_else(|| "u64 or i64".to_string(), |t| t.to_string());
            self.error(
                offset,
                format!("the constant {shown} of measurement `{name}` does not fit {ty}"),
                "choose a type that holds it (u64 for counts, i64 for signed values, f64 for fractions)",
            );
        }
        fitted
    }
}
