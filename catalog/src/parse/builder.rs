//! The state shared while one file is read, and the readers of plain values
//! (strings, booleans, versions, names) that every table uses.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::Reporter;
use crate::limits::MAX_NAME_BYTES;
use crate::naming::{
    is_key_name, is_keyword, is_rust_identifier, normalized_name, rust_field_name,
};
use crate::suggest;
use crate::validate::Rename;

/// One `key = value` of a table, with the key's position.
pub(super) struct Field<'a, 'i> {
    pub(super) name: &'a str,
    pub(super) key_span: Range<usize>,
    pub(super) value: &'a Spanned<DeValue<'i>>,
}

/// The fields of a table in file order (the parser's map sorts them by name).
pub(super) fn fields<'a, 'i>(table: &'a DeTable<'i>) -> Vec<Field<'a, 'i>> {
    let mut fields: Vec<Field<'a, 'i>> = table
        .iter()
        .map(|(key, value)| Field {
            name: key.get_ref().as_ref(),
            key_span: key.span(),
            value,
        })
        .collect();
    fields.sort_by_key(|f| f.key_span.start);
    fields
}

pub(super) fn field<'f, 'a, 'i>(
    fields: &'f [Field<'a, 'i>],
    name: &str,
) -> Option<&'f Field<'a, 'i>> {
    fields.iter().find(|f| f.name == name)
}

/// A number as written in TOML, before it meets a measurement type.
#[derive(Clone, Copy)]
pub(super) enum Number {
    Integer(i128),
    Float(f64),
}

/// Reads one catalogue file, reporting every problem as it goes.
pub(super) struct Builder<'r, 's> {
    pub(super) r: &'r mut Reporter<'s>,
    pub(super) version: Option<semver::Version>,
    pub(super) prefix: Option<String>,
    pub(super) renames: Vec<Rename>,
}

impl Builder<'_, '_> {
    pub(super) fn error(
        &mut self,
        offset: usize,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.r.error(offset, message, Some(help.into()));
    }

    pub(super) fn unknown_fields(
        &mut self,
        fields: &[Field<'_, '_>],
        allowed: &[&str],
        place: &str,
    ) {
        for f in fields.iter().filter(|f| !allowed.contains(&f.name)) {
            let help = suggest::did_you_mean(f.name, allowed.iter().copied())
                .unwrap_or_else(|| format!("the fields of {place} are: {}", allowed.join(", ")));
            self.error(
                f.key_span.start,
                format!("unknown field `{}` in {place}", f.name),
                help,
            );
        }
    }

    pub(super) fn string(&mut self, f: &Field<'_, '_>, example: &str) -> Option<String> {
        match f.value.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                self.error(
                    f.value.span().start,
                    format!("`{}` must be a string, not {}", f.name, other.type_str()),
                    format!("write {example}"),
                );
                None
            }
        }
    }

    pub(super) fn boolean(&mut self, f: &Field<'_, '_>) -> Option<bool> {
        match f.value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            other => {
                self.error(
                    f.value.span().start,
                    format!(
                        "`{}` must be true or false, not {}",
                        f.name,
                        other.type_str()
                    ),
                    format!("write {} = true", f.name),
                );
                None
            }
        }
    }

    pub(super) fn version(&mut self, f: &Field<'_, '_>) -> Option<semver::Version> {
        let text = self.string(f, &format!("{} = \"1.0.0\"", f.name))?;
        match semver::Version::parse(text.trim()) {
            Ok(version) => Some(version),
            Err(e) => {
                self.error(
                    f.value.span().start,
                    format!("`{text}` is not a SemVer version: {e}"),
                    format!("write three numbers, e.g. {} = \"1.4.0\"", f.name),
                );
                None
            }
        }
    }

    /// Reports a name longer than [`MAX_NAME_BYTES`]; returns whether it fits.
    /// Checked before anything else looks at the name, so that no later check
    /// spends time on it.
    pub(super) fn name_fits(&mut self, name: &str, offset: usize, what: &str) -> bool {
        if name.len() <= MAX_NAME_BYTES {
            return true;
        }
        self.error(
            offset,
            format!(
                "{what} is {} bytes long; names are at most {MAX_NAME_BYTES} bytes",
                name.len()
            ),
            "shorten it",
        );
        false
    }

    pub(super) fn member_name(&mut self, f: &Field<'_, '_>, what: &str) -> bool {
        if !self.name_fits(f.name, f.key_span.start, &format!("this {what} name")) {
            return false;
        }
        if is_key_name(f.name) {
            return true;
        }
        let guess = normalized_name(f.name).replace('.', "_");
        let help = if is_key_name(&guess) {
            format!(
                "{what} names are lowercase ASCII letters, digits and `_`, optionally ending in `?`: write `{guess}`"
            )
        } else {
            format!(
                "{what} names are lowercase ASCII letters, digits and `_`, optionally ending in `?`"
            )
        };
        self.error(
            f.key_span.start,
            format!("malformed {what} name `{}`", f.name),
            help,
        );
        false
    }

    /// The Rust field name of a key or measurement: its `rust = "..."`, checked,
    /// or the rule's.
    pub(super) fn rust_name(&mut self, f: Option<&Field<'_, '_>>, canonical: &str) -> String {
        let Some(f) = f else {
            return rust_field_name(canonical);
        };
        let Some(name) = self.string(f, "rust = \"field_name\"") else {
            return rust_field_name(canonical);
        };
        if !self.name_fits(&name, f.value.span().start, "this Rust field name") {
            return rust_field_name(canonical);
        }
        if !is_rust_identifier(&name) {
            let help = if is_keyword(&name) {
                format!("`{name}` is a Rust keyword: write rust = \"r#{name}\" or another name")
            } else {
                "a Rust field name is letters, digits and `_`, not starting with a digit".into()
            };
            self.error(
                f.value.span().start,
                format!("`{name}` is not a Rust identifier"),
                help,
            );
        }
        name
    }

    pub(super) fn number(&mut self, value: &Spanned<DeValue<'_>>) -> Option<Number> {
        let offset = value.span().start;
        match value.get_ref() {
            DeValue::Integer(i) => match i128::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => Some(Number::Integer(n)),
                Err(e) => {
                    self.error(
                        offset,
                        format!("`{i}` is not a usable integer: {e}"),
                        "write a value that fits in 64 bits",
                    );
                    None
                }
            },
            DeValue::Float(x) => match x.as_str().parse::<f64>() {
                Ok(n) if n.is_finite() => Some(Number::Float(n)),
                _ => {
                    self.error(
                        offset,
                        format!("`{x}` is not a finite number"),
                        "write a finite value, e.g. 0.5",
                    );
                    None
                }
            },
            _ => None,
        }
    }
}
