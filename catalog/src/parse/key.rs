//! The metadata keys of an event: `metadata` and a span's `stop`.

use toml::de::DeValue;

use super::builder::{Builder, Field, field, fields};
use crate::model::{KeyDef, Phase};
use crate::naming::rust_field_name;

const KEY_FIELDS: [&str; 7] = [
    "type",
    "optional",
    "sensitive",
    "doc",
    "rust",
    "values",
    "open",
];

impl Builder<'_, '_> {
    pub(super) fn keys(&mut self, f: &Field<'_, '_>, phase: Phase) -> Vec<KeyDef> {
        let DeValue::Table(table) = f.value.get_ref() else {
            self.error(
                f.value.span().start,
                format!(
                    "`{}` must be a table of keys, not {}",
                    f.name,
                    f.value.get_ref().type_str()
                ),
                format!(
                    "write {} = {{ sha = \"bytes\", \"hit?\" = \"bool?\" }}",
                    f.name
                ),
            );
            return Vec::new();
        };
        fields(table)
            .iter()
            .filter_map(|key| self.key(key, phase))
            .collect()
    }

    fn key(&mut self, f: &Field<'_, '_>, phase: Phase) -> Option<KeyDef> {
        let well_named = self.member_name(f, "key");
        let location = self.r.location(f.key_span.start);
        let (ty, required, sensitive, doc, rust_name) = match f.value.get_ref() {
            DeValue::String(text) => {
                let (ty, optional) = self.spec(f.value, text)?;
                (ty, !optional, false, String::new(), rust_field_name(f.name))
            }
            DeValue::Table(table) => {
                let fields = fields(table);
                self.unknown_fields(&fields, &KEY_FIELDS, &format!("key `{}`", f.name));
                let (ty, optional) = self.key_type(f, &fields)?;
                let optional_field =
                    field(&fields, "optional").and_then(|o| self.boolean(o).map(|b| (o, b)));
                if let Some((o, false)) = optional_field
                    && optional
                {
                    self.error(
                        o.value.span().start,
                        format!(
                            "key `{}` has a type ending in `?` but optional = false",
                            f.name
                        ),
                        "keep one: drop the `?` or the optional = false",
                    );
                }
                let optional = optional || optional_field.is_some_and(|(_, b)| b);
                let sensitive = field(&fields, "sensitive")
                    .and_then(|s| self.boolean(s))
                    .unwrap_or(false);
                let doc = field(&fields, "doc")
                    .and_then(|d| self.string(d, "doc = \"what the value means\""))
                    .unwrap_or_default();
                let rust_name = self.rust_name(field(&fields, "rust"), f.name);
                (ty, !optional, sensitive, doc, rust_name)
            }
            other => {
                self.error(
                    f.value.span().start,
                    format!("key `{}` needs a type, not {}", f.name, other.type_str()),
                    "write a type string such as \"u64\" or \"string?\", or a table such as { type = \"u64\", optional = true }",
                );
                return None;
            }
        };
        well_named.then(|| KeyDef {
            name: f.name.to_string(),
            rust_name,
            ty,
            required,
            phase,
            sensitive,
            doc,
            location,
        })
    }
}
