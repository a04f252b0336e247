//! The catalogue's header (`name`, `version`, `prefix`, `doc`) and the list
//! of its events and spans.

use std::path::Path;

use toml::de::{DeTable, DeValue};

use super::builder::{Builder, Field, field, fields};
use crate::diagnostic::Location;
use crate::limits::MAX_EVENTS;
use crate::model::{Catalog, EventKind};
use crate::naming::{is_segment, normalized_name};

const HEADER_FIELDS: [&str; 6] = ["name", "version", "prefix", "doc", "event", "span"];

impl Builder<'_, '_> {
    pub(super) fn catalog(&mut self, table: &DeTable<'_>, path: &Path) -> Catalog {
        let fields = fields(table);
        self.unknown_fields(&fields, &HEADER_FIELDS, "the catalogue header");

        let mut name = self.header_string(&fields, "name", "name = \"mycrate\"");
        if let (Some(text), Some(f)) = (&name, field(&fields, "name"))
            && !self.name_fits(text, f.value.span().start, "the catalogue's name")
        {
            name = None;
        }
        if let Some(f) = field(&fields, "name")
            && name.as_deref().is_some_and(|n| n.trim().is_empty())
        {
            self.error(
                f.value.span().start,
                "`name` is empty",
                "write the crate's name, e.g. name = \"exgit\"",
            );
        }
        self.version = match field(&fields, "version") {
            Some(f) => self.version(f),
            None => {
                self.r.error_at(
                    Location::START,
                    "the catalogue has no `version`",
                    Some("add version = \"1.0.0\" to the header: the version of the event API, which `diff` checks".into()),
                );
                None
            }
        };
        self.prefix = self.header_string(&fields, "prefix", "prefix = \"mycrate\"");
        if let (Some(prefix), Some(f)) = (self.prefix.clone(), field(&fields, "prefix"))
            && !self.name_fits(&prefix, f.value.span().start, "the prefix")
        {
            self.prefix = None;
        }
        if let (Some(prefix), Some(f)) = (&self.prefix, field(&fields, "prefix"))
            && !(prefix.split('.').all(|s| is_segment(s, false)))
        {
            let offset = f.value.span().start;
            let help = format!(
                "a prefix is one or more dotted lowercase segments, e.g. prefix = \"{}\"",
                normalized_name(prefix).replace('?', "")
            );
            self.error(offset, format!("malformed prefix `{prefix}`"), help);
            self.prefix = None;
        }
        let doc = match field(&fields, "doc") {
            Some(f) => self.string(f, "doc = \"...\"").unwrap_or_default(),
            None => String::new(),
        };

        // Events and spans interleave in the file; keep that order.
        let mut items = Vec::new();
        for (kind, key) in [(EventKind::Event, "event"), (EventKind::Span, "span")] {
            let Some(f) = field(&fields, key) else {
                continue;
            };
            match f.value.get_ref() {
                DeValue::Array(array) => {
                    for item in array.iter() {
                        match item.get_ref() {
                            DeValue::Table(t) => items.push((kind, item.span(), t)),
                            other => self.error(
                                item.span().start,
                                format!("each `{key}` is a table, not {}", other.type_str()),
                                format!(
                                    "write [[{key}]] on a line of its own, then its fields below"
                                ),
                            ),
                        }
                    }
                }
                other => self.error(
                    f.key_span.start,
                    format!(
                        "`{key}` must be an array of tables, not {}",
                        other.type_str()
                    ),
                    format!("write [[{key}]] (double brackets) before each {key}"),
                ),
            }
        }
        items.sort_by_key(|(_, span, _)| span.start);
        if let Some((_, span, _)) = items.get(MAX_EVENTS) {
            self.error(
                span.start,
                format!(
                    "this is event {} of {}; a catalogue declares at most {MAX_EVENTS} events and spans",
                    MAX_EVENTS + 1,
                    items.len()
                ),
                "split the catalogue between crates, or group rare events under one name with an atom key",
            );
            items.truncate(MAX_EVENTS);
        }
        let events = items
            .into_iter()
            .filter_map(|(kind, span, table)| self.event(kind, span, table))
            .collect();

        Catalog {
            name: name.unwrap_or_default(),
            version: self
                .version
                .clone()
                .unwrap_or_else(|| semver::Version::new(0, 0, 0)),
            prefix: self.prefix.clone().unwrap_or_default(),
            doc,
            path: path.to_path_buf(),
            events,
        }
    }

    fn header_string(
        &mut self,
        fields: &[Field<'_, '_>],
        name: &str,
        example: &str,
    ) -> Option<String> {
        match field(fields, name) {
            Some(f) => self.string(f, example),
            None => {
                self.r.error_at(
                    Location::START,
                    format!("the catalogue has no `{name}`"),
                    Some(format!(
                        "add {example} at the top of the file, before any [[event]] or [[span]]"
                    )),
                );
                None
            }
        }
    }
}
