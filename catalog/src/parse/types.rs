//! A key's type: a type string, or the table form of an atom
//! (`{ type = "atom", values = [...], open = true }`).

use std::collections::HashSet;

use toml::Spanned;
use toml::de::DeValue;

use super::builder::{Builder, Field, field};
use crate::limits::MAX_ATOM_VALUES;
use crate::type_grammar::{self, ATOM_HELP, is_atom_name};
use crate::types::{Type, TypeError};

impl Builder<'_, '_> {
    /// A type string's error, placed on the character it is about when the
    /// string is written without escapes (so offsets inside it match the file).
    pub(super) fn type_error(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        text: &str,
        error: TypeError,
    ) {
        let span = value.span();
        let raw = self.r.source().get(span.clone()).unwrap_or("");
        let verbatim = raw.len() == text.len() + 2 && raw.get(1..raw.len() - 1) == Some(text);
        let offset = if verbatim {
            span.start + 1 + error.offset
        } else {
            span.start
        };
        self.r.error(offset, error.message, error.help);
    }

    pub(super) fn spec(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        text: &str,
    ) -> Option<(Type, bool)> {
        match type_grammar::parse_spec(text) {
            Ok(spec) => Some(spec),
            Err(error) => {
                self.type_error(value, text, error);
                None
            }
        }
    }

    /// The type of a key written as a table: `type`, plus `values` and `open`
    /// for an atom.
    pub(super) fn key_type(
        &mut self,
        key: &Field<'_, '_>,
        fields: &[Field<'_, '_>],
    ) -> Option<(Type, bool)> {
        let Some(type_field) = field(fields, "type") else {
            self.error(
                key.value.span().start,
                format!("key `{}` has no `type`", key.name),
                "add type = \"...\", e.g. { type = \"u64\", optional = true }",
            );
            return None;
        };
        let text = self.string(type_field, "type = \"u64\"")?;
        let values = field(fields, "values");
        let open = field(fields, "open");
        let bare = text.trim().strip_suffix('?');
        let optional = bare.is_some();
        if bare.unwrap_or(text.trim()).trim() != "atom" {
            if let Some(extra) = values.or(open) {
                self.error(
                    extra.key_span.start,
                    format!(
                        "`{}` belongs to type = \"atom\", but this key's type is `{text}`",
                        extra.name
                    ),
                    "write the values inside the type instead, e.g. type = \"list<atom(a, b)>\""
                        .to_string(),
                );
            }
            return self.spec(type_field.value, &text);
        }
        let open = open.and_then(|o| self.boolean(o)).unwrap_or(false);
        let values = match values {
            Some(v) => self.atom_values(v)?,
            None => Vec::new(),
        };
        if values.is_empty() && !open {
            self.error(
                type_field.value.span().start,
                format!("atom without values for key `{}`", key.name),
                format!("add values = [\"a\", \"b\"], or open = true for any atom; in short form, {ATOM_HELP}"),
            );
            return None;
        }
        Some((Type::Atom { values, open }, optional))
    }

    fn atom_values(&mut self, f: &Field<'_, '_>) -> Option<Vec<String>> {
        let DeValue::Array(array) = f.value.get_ref() else {
            self.error(
                f.value.span().start,
                format!(
                    "`values` must be an array of strings, not {}",
                    f.value.get_ref().type_str()
                ),
                "write values = [\"full\", \"oauth2\"]",
            );
            return None;
        };
        let mut values: Vec<String> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for item in array.iter() {
            let offset = item.span().start;
            if values.len() == MAX_ATOM_VALUES {
                self.error(
                    offset,
                    format!("an atom lists at most {MAX_ATOM_VALUES} values"),
                    "add open = true to accept the others",
                );
                break;
            }
            match item.get_ref() {
                DeValue::String(s) if !self.name_fits(s, offset, "this atom value") => {}
                DeValue::String(s) if is_atom_name(s) => {
                    if !seen.insert(s.as_ref()) {
                        self.error(
                            offset,
                            format!("atom value `{s}` is listed twice"),
                            "list each value once",
                        );
                    } else {
                        values.push(s.to_string());
                    }
                }
                DeValue::String(s) => {
                    let bare = s.trim_start_matches(':');
                    let help = if is_atom_name(bare) {
                        format!("write \"{bare}\", without the colon")
                    } else {
                        "an atom value is a letter or `_`, then letters, digits and `_`, optionally ending in `?` or `!`".into()
                    };
                    self.error(offset, format!("`{s}` is not an atom value"), help);
                }
                other => self.error(
                    offset,
                    format!("atom values are strings, not {}", other.type_str()),
                    "write values = [\"full\", \"oauth2\"]",
                ),
            }
        }
        Some(values)
    }
}
