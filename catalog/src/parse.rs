//! TOML text to [`Catalog`]: one field at a time, every error reported with
//! its position and what to write instead. Checks that span several items
//! (duplicates, references) run afterwards in [`crate::validate`].

use std::ops::Range;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostics, Location, Reporter};
use crate::model::{
    Catalog, Constant, EventDef, EventKind, KeyDef, MeasurementDef, Phase, Stability, is_keyword,
    is_rust_identifier, rust_field_name,
};
use crate::suggest;
use crate::types::{self, ATOM_HELP, Type, TypeError};
use crate::validate::{self, Rename};

const HEADER_FIELDS: [&str; 6] = ["name", "version", "prefix", "doc", "event", "span"];
const EVENT_FIELDS: [&str; 7] = [
    "name",
    "doc",
    "stability",
    "since",
    "metadata",
    "stop",
    "measurements",
];
const KEY_FIELDS: [&str; 7] = [
    "type",
    "optional",
    "sensitive",
    "doc",
    "rust",
    "values",
    "open",
];
const MEASUREMENT_FIELDS: [&str; 4] = ["type", "value", "doc", "rust"];
const STABILITY_FIELDS: [&str; 2] = ["deprecated", "renamed_to"];
const STABILITY_VALUES: [&str; 3] = ["stable", "experimental", "deprecated"];

const NAME_RULE: &str =
    "segments are lowercase ASCII letters, digits and `_`, start with a letter and may end in `?`";

pub(crate) fn parse(source: &str, path: &Path) -> Result<Catalog, Diagnostics> {
    let mut reporter = Reporter::new(source, path);
    let (document, errors) = DeTable::parse_recoverable(source);
    if !errors.is_empty() {
        // The recovered document is missing whatever the syntax errors hid,
        // so checking it would add errors that are only echoes.
        report_syntax_errors(&mut reporter, &errors);
        return Err(reporter.finish());
    }
    let mut builder = Builder {
        r: &mut reporter,
        version: None,
        prefix: None,
        renames: Vec::new(),
    };
    let catalog = builder.catalog(document.get_ref(), path);
    let renames = std::mem::take(&mut builder.renames);
    validate::validate(&catalog, &renames, &mut reporter);
    if reporter.has_errors() {
        Err(reporter.finish())
    } else {
        Ok(catalog)
    }
}

fn report_syntax_errors(r: &mut Reporter<'_>, errors: &[toml::de::Error]) {
    let mut errors: Vec<&toml::de::Error> = errors.iter().collect();
    errors.sort_by_key(|e| e.span().map_or(0, |s| s.start));
    let lines: Vec<&str> = r.source().lines().map(str::trim).collect();
    // The line of the table header above a line (0 for the top level).
    let header_above = |line: usize| {
        (1..=line)
            .rev()
            .find(|&l| lines.get(l - 1).is_some_and(|text| text.starts_with('[')))
            .unwrap_or(0)
    };
    let mut last_line = 0;
    let mut duplicate_tables = Vec::new();
    for error in errors {
        let offset = error.span().map_or(0, |s| s.start);
        let location = r.location(offset);
        // After one error the parser's recovery often trips again on the same
        // line; those echoes only bury the real one.
        if location.line == last_line {
            continue;
        }
        last_line = location.line;
        let line = lines.get(location.line - 1).copied().unwrap_or("");
        if error.message() != "duplicate key" {
            r.error_at(location, format!("TOML syntax: {}", error.message()), None);
        } else if line.starts_with('[') {
            // A repeated `[x.y]` usually means its `[[x]]` line is missing or
            // misspelled.
            duplicate_tables.push(location.line);
            let parent = line
                .trim_matches(['[', ']'])
                .split('.')
                .next()
                .unwrap_or("")
                .trim();
            r.error_at(
                location,
                format!("duplicate table `{line}`"),
                Some(format!(
                    "`{line}` belongs to the [[{parent}]] above it: check that this one has its own [[{parent}]] line, spelled right"
                )),
            );
        } else if !duplicate_tables.contains(&header_above(location.line)) {
            // (Every key of a repeated table repeats too, which says nothing new.)
            let key = error.span().and_then(|s| r.source().get(s)).unwrap_or("");
            let key = key.trim_matches('"').to_string();
            r.error_at(
                location,
                format!("duplicate key `{key}`"),
                Some("a key appears once per table: remove or rename one of them".into()),
            );
        }
    }
}

/// One `key = value` of a table, with the key's position.
struct Field<'a, 'i> {
    name: &'a str,
    key_span: Range<usize>,
    value: &'a Spanned<DeValue<'i>>,
}

/// The fields of a table in file order (the parser's map sorts them by name).
fn fields<'a, 'i>(table: &'a DeTable<'i>) -> Vec<Field<'a, 'i>> {
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

fn field<'f, 'a, 'i>(fields: &'f [Field<'a, 'i>], name: &str) -> Option<&'f Field<'a, 'i>> {
    fields.iter().find(|f| f.name == name)
}

/// What is wrong with a dotted event name, or `None` when it is well formed: at least two
/// segments, each lowercase ASCII letters, digits and `_`, starting with a letter, and
/// possibly ending in `?` (`exgit.object_store.has?`).
///
/// ```
/// use telemetry_catalog::event_name_problem;
/// assert_eq!(event_name_problem("exgit.object_store.has?"), None);
/// assert!(event_name_problem("exgit..grep").is_some());
/// assert!(event_name_problem("grep").is_some());
/// ```
pub fn event_name_problem(name: &str) -> Option<String> {
    let segments: Vec<&str> = name.split('.').collect();
    if segments.len() < 2 {
        return Some("an event name has at least two dotted segments".to_string());
    }
    segments.iter().find(|s| !is_segment(s, true)).map(|s| {
        if s.is_empty() {
            "it has an empty segment".to_string()
        } else {
            format!("segment `{s}` is not lowercase letters, digits and `_`")
        }
    })
}

/// Whether `segment` is a valid segment of an event name (`has?` included).
fn is_segment(segment: &str, allow_question: bool) -> bool {
    let body = match segment.strip_suffix('?') {
        Some(body) if allow_question => body,
        _ => segment,
    };
    let mut chars = body.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_key_name(name: &str) -> bool {
    let body = name.strip_suffix('?').unwrap_or(name);
    let mut chars = body.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A best guess at the well-formed spelling of a name, for help texts.
fn normalized_name(name: &str) -> String {
    name.trim()
        .to_ascii_lowercase()
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '_' | '.' | '?' => c,
            ':' => '.',
            _ => '_',
        })
        .collect::<String>()
        .trim_matches('.')
        .to_string()
}

/// A number as written in TOML, before it meets a measurement type.
#[derive(Clone, Copy)]
enum Number {
    Integer(i128),
    Float(f64),
}

struct Builder<'r, 's> {
    r: &'r mut Reporter<'s>,
    version: Option<semver::Version>,
    prefix: Option<String>,
    renames: Vec<Rename>,
}

impl Builder<'_, '_> {
    fn error(&mut self, offset: usize, message: impl Into<String>, help: impl Into<String>) {
        self.r.error(offset, message, Some(help.into()));
    }

    fn unknown_fields(&mut self, fields: &[Field<'_, '_>], allowed: &[&str], place: &str) {
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

    fn string(&mut self, f: &Field<'_, '_>, example: &str) -> Option<String> {
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

    fn boolean(&mut self, f: &Field<'_, '_>) -> Option<bool> {
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

    fn version(&mut self, f: &Field<'_, '_>) -> Option<semver::Version> {
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

    fn catalog(&mut self, table: &DeTable<'_>, path: &Path) -> Catalog {
        let fields = fields(table);
        self.unknown_fields(&fields, &HEADER_FIELDS, "the catalogue header");

        let name = self.header_string(&fields, "name", "name = \"mycrate\"");
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

    fn event(
        &mut self,
        kind: EventKind,
        header: Range<usize>,
        table: &DeTable<'_>,
    ) -> Option<EventDef> {
        let fields = fields(table);
        let place = format!("[[{kind}]]");
        self.unknown_fields(&fields, &EVENT_FIELDS, &place);

        let Some(name_field) = field(&fields, "name") else {
            let example = self.prefix.clone().unwrap_or_else(|| "mycrate".into());
            self.error(
                header.start,
                format!("this {place} has no `name`"),
                format!("add name = \"{example}.area.operation\" below the {place} line"),
            );
            return None;
        };
        let name = self.string(name_field, "name = \"mycrate.area.operation\"")?;
        let name_offset = name_field.value.span().start;
        self.event_name(&name, name_offset);

        let doc = match field(&fields, "doc") {
            Some(f) => {
                let doc = self
                    .string(f, "doc = \"When it fires and what it means.\"")
                    .unwrap_or_default();
                if doc.trim().is_empty() {
                    self.error(
                        f.value.span().start,
                        format!("the doc of `{name}` is empty"),
                        "say when it fires and what it means",
                    );
                }
                doc
            }
            None => {
                self.error(
                    name_offset,
                    format!("`{name}` has no `doc`"),
                    "add doc = \"...\": when it fires and what it means; the docs page shows it"
                        .to_string(),
                );
                String::new()
            }
        };
        let stability = match field(&fields, "stability") {
            Some(f) => self.stability(f, &name),
            None => Stability::Stable,
        };
        let since = field(&fields, "since").and_then(|f| {
            let since = self.version(f)?;
            if let Some(version) = &self.version
                && since > *version
            {
                self.error(
                    f.value.span().start,
                    format!("`since` {since} is later than the catalogue version {version}"),
                    format!(
                        "`since` names the release that introduced the event: {version} at most"
                    ),
                );
            }
            Some(since)
        });

        let mut metadata = Vec::new();
        if let Some(f) = field(&fields, "metadata") {
            metadata.extend(self.keys(f, Phase::Start));
        }
        if let Some(f) = field(&fields, "stop") {
            match kind {
                EventKind::Span => metadata.extend(self.keys(f, Phase::Stop)),
                EventKind::Event => self.error(
                    f.key_span.start,
                    format!("the standalone event `{name}` has no `stop` keys"),
                    "move these keys into `metadata`, or declare it with [[span]] if it has a start and a stop",
                ),
            }
        }
        let mut measurements = Vec::new();
        if let Some(f) = field(&fields, "measurements") {
            match kind {
                EventKind::Event => measurements = self.measurements(f),
                EventKind::Span => self.error(
                    f.key_span.start,
                    format!("the span `{name}` cannot declare `measurements`"),
                    "the runtime gives every span its measurements (system_time and monotonic_time at start, duration and monotonic_time at stop); put per-operation numbers in `stop`, e.g. stop = { match_count = \"u64\" }",
                ),
            }
        }

        Some(EventDef {
            name,
            kind,
            doc,
            stability,
            since,
            measurements,
            metadata,
            location: self.r.location(name_offset),
        })
    }

    fn event_name(&mut self, name: &str, offset: usize) {
        if !self.check_event_name(name, offset) {
            return;
        }
        let Some(prefix) = self.prefix.clone() else {
            return;
        };
        if name.starts_with(&format!("{prefix}.")) {
            return;
        }
        // Replace the leading segments when they look like a misspelled prefix,
        // otherwise assume the prefix was left out.
        let prefix_len = prefix.split('.').count();
        let segments: Vec<&str> = name.split('.').collect();
        let head = segments[..prefix_len.min(segments.len())].join(".");
        let fixed = if segments.len() > prefix_len
            && suggest::closest(&head, [prefix.as_str()]).is_some()
        {
            format!("{prefix}.{}", segments[prefix_len..].join("."))
        } else {
            format!("{prefix}.{name}")
        };
        self.error(
            offset,
            format!("event `{name}` is outside the prefix `{prefix}`"),
            format!("every event name starts with `{prefix}.`: write `{fixed}`, or change the header's prefix"),
        );
    }

    /// Reports a malformed event name; returns whether it is well formed.
    fn check_event_name(&mut self, name: &str, offset: usize) -> bool {
        let Some(problem) = event_name_problem(name) else {
            return true;
        };
        let guess = normalized_name(name);
        let help = if guess != name
            && guess.split('.').count() >= 2
            && guess.split('.').all(|s| is_segment(s, true))
        {
            format!("{NAME_RULE}: write `{guess}`")
        } else {
            format!("{NAME_RULE}, e.g. `exgit.fs.grep`")
        };
        self.error(
            offset,
            format!("malformed event name `{name}`: {problem}"),
            help,
        );
        false
    }

    fn stability(&mut self, f: &Field<'_, '_>, event: &str) -> Stability {
        let offset = f.value.span().start;
        match f.value.get_ref() {
            DeValue::String(s) => match s.as_ref() {
                "stable" => Stability::Stable,
                "experimental" => Stability::Experimental,
                "deprecated" => {
                    self.error(
                        offset,
                        "a deprecated event needs a note",
                        "write stability = { deprecated = \"why, and what to use instead\" }, adding renamed_to = \"new.name\" if it was renamed",
                    );
                    Stability::Stable
                }
                other => {
                    let help =
                        suggest::did_you_mean(other, STABILITY_VALUES).unwrap_or_else(|| {
                            "write \"stable\", \"experimental\" or { deprecated = \"note\" }".into()
                        });
                    self.error(offset, format!("unknown stability `{other}`"), help);
                    Stability::Stable
                }
            },
            DeValue::Table(table) => {
                let fields = fields(table);
                self.unknown_fields(&fields, &STABILITY_FIELDS, "`stability`");
                let renamed_to = field(&fields, "renamed_to").and_then(|r| {
                    let target = self.string(r, "renamed_to = \"mycrate.area.new_name\"")?;
                    let target_offset = r.value.span().start;
                    if self.check_event_name(&target, target_offset) {
                        self.renames.push(Rename {
                            from: event.to_string(),
                            target: target.clone(),
                            location: self.r.location(target_offset),
                        });
                    }
                    Some(target)
                });
                match field(&fields, "deprecated") {
                    Some(d) => {
                        let note = self
                            .string(d, "deprecated = \"why, and what to use instead\"")
                            .unwrap_or_default();
                        if note.trim().is_empty() {
                            self.error(
                                d.value.span().start,
                                "the deprecation note is empty",
                                "say why, and what to use instead",
                            );
                        }
                        Stability::Deprecated { note, renamed_to }
                    }
                    None => {
                        self.error(
                            offset,
                            "a `stability` table is for deprecation and needs `deprecated`",
                            "write stability = { deprecated = \"why, and what to use instead\" }"
                                .to_string(),
                        );
                        Stability::Stable
                    }
                }
            }
            other => {
                self.error(
                    offset,
                    format!(
                        "`stability` must be a string or a table, not {}",
                        other.type_str()
                    ),
                    "write \"stable\", \"experimental\" or { deprecated = \"note\" }",
                );
                Stability::Stable
            }
        }
    }

    fn keys(&mut self, f: &Field<'_, '_>, phase: Phase) -> Vec<KeyDef> {
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

    fn member_name(&mut self, f: &Field<'_, '_>, what: &str) -> bool {
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

    /// A type string's error, placed on the character it is about when the
    /// string is written without escapes (so offsets inside it match the file).
    fn type_error(&mut self, value: &Spanned<DeValue<'_>>, text: &str, error: TypeError) {
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

    fn spec(&mut self, value: &Spanned<DeValue<'_>>, text: &str) -> Option<(Type, bool)> {
        match types::parse_spec(text) {
            Ok(spec) => Some(spec),
            Err(error) => {
                self.type_error(value, text, error);
                None
            }
        }
    }

    fn rust_name(&mut self, f: Option<&Field<'_, '_>>, canonical: &str) -> String {
        let Some(f) = f else {
            return rust_field_name(canonical);
        };
        let Some(name) = self.string(f, "rust = \"field_name\"") else {
            return rust_field_name(canonical);
        };
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

    /// The type of a key written as a table: `type`, plus `values` and `open`
    /// for an atom.
    fn key_type(&mut self, key: &Field<'_, '_>, fields: &[Field<'_, '_>]) -> Option<(Type, bool)> {
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
        for item in array.iter() {
            let offset = item.span().start;
            match item.get_ref() {
                DeValue::String(s) if types::is_atom_name(s) => {
                    if values.iter().any(|v| v == s.as_ref()) {
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
                    let help = if types::is_atom_name(bare) {
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

    fn measurements(&mut self, f: &Field<'_, '_>) -> Vec<MeasurementDef> {
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
        let (ty, constant, doc, rust_name) = match f.value.get_ref() {
            DeValue::String(text) => {
                let ty = self.measurement_type(f.name, f.value, text)?;
                (ty, None, String::new(), rust_field_name(f.name))
            }
            DeValue::Integer(_) | DeValue::Float(_) => {
                let number = self.number(f.value)?;
                let (ty, constant) = self.constant(f.name, None, number, offset)?;
                (ty, Some(constant), String::new(), rust_field_name(f.name))
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
                let doc = field(&fields, "doc")
                    .and_then(|d| self.string(d, "doc = \"what it measures\""))
                    .unwrap_or_default();
                let rust_name = self.rust_name(field(&fields, "rust"), f.name);
                (ty, constant, doc, rust_name)
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
            doc,
            location,
        })
    }

    fn measurement_type(
        &mut self,
        name: &str,
        value: &Spanned<DeValue<'_>>,
        text: &str,
    ) -> Option<Type> {
        let (ty, optional) = match types::parse_spec(text) {
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

    fn number(&mut self, value: &Spanned<DeValue<'_>>) -> Option<Number> {
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
