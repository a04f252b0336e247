//! One `[[event]]` or `[[span]]` table: its name, doc, stability and `since`.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::builder::{Builder, Field, field, fields};
use crate::diagnostic::Location;
use crate::limits::MAX_KEYS_PER_EVENT;
use crate::model::{EventDef, EventKind, Phase, Stability};
use crate::naming::{NAME_RULE, event_name_problem, is_segment, normalized_name};
use crate::suggest;
use crate::validate::Rename;

const EVENT_FIELDS: [&str; 7] = [
    "name",
    "doc",
    "stability",
    "since",
    "metadata",
    "stop",
    "measurements",
];
const STABILITY_FIELDS: [&str; 2] = ["deprecated", "renamed_to"];
const STABILITY_VALUES: [&str; 3] = ["stable", "experimental", "deprecated"];

impl Builder<'_, '_> {
    pub(super) fn event(
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

        let members = metadata.len() + measurements.len();
        if members > MAX_KEYS_PER_EVENT {
            let mut locations: Vec<Location> = metadata
                .iter()
                .map(|k| k.location)
                .chain(measurements.iter().map(|m| m.location))
                .collect();
            locations.sort_unstable();
            self.r.error_at(
                locations[MAX_KEYS_PER_EVENT],
                format!(
                    "`{name}` declares {members} keys and measurements; an event has at most {MAX_KEYS_PER_EVENT}"
                ),
                Some("split it into several events, or carry the details in a list or tuple".into()),
            );
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
        if !self.name_fits(name, offset, "this event name") {
            return false;
        }
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
}
