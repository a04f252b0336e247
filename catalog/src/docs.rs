//! The Markdown page of a catalogue, in the shape of the seed pages: the span
//! convention, every event with its measurements and metadata, then the
//! canonical lists of span prefixes and standalone events.

use std::collections::HashMap;
use std::fmt;

use crate::model::{Catalog, EventDef, EventKind, KeyDef, MeasurementDef, Phase, Stability};

/// Renders the catalogue as a Markdown page.
///
/// ```
/// use std::path::Path;
/// use telemetry_catalog::{Catalog, render_markdown};
///
/// let catalog = Catalog::parse(
///     "name = \"demo\"\nversion = \"1.0.0\"\nprefix = \"demo\"\n\n[[span]]\nname = \"demo.job.run\"\ndoc = \"Runs a job.\"\nstop = { items = \"u64\" }\n",
///     Path::new("telemetry.toml"),
/// )?;
/// let page = render_markdown(&catalog);
/// assert!(page.contains("#### `demo.job.run`"));
/// assert!(page.contains("- `items` (`u64`; stop only)"));
/// # Ok::<(), telemetry_catalog::Diagnostics>(())
/// ```
pub fn render_markdown(catalog: &Catalog) -> String {
    Page(catalog).to_string()
}

struct Page<'a>(&'a Catalog);

impl fmt::Display for Page<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.0;
        writeln!(f, "# {} telemetry", c.name)?;
        writeln!(f)?;
        if !c.doc.trim().is_empty() {
            writeln!(f, "{}", c.doc.trim())?;
            writeln!(f)?;
        }
        writeln!(
            f,
            "Catalogue version {}. Every event name starts with `{}.`.",
            c.version, c.prefix
        )?;
        writeln!(f)?;
        if c.spans().next().is_some() {
            span_convention(f)?;
        }

        writeln!(f, "## Events")?;
        for (group, events) in groups(c) {
            writeln!(f)?;
            writeln!(f, "### `{group}`")?;
            for event in events {
                writeln!(f)?;
                write_event(f, event)?;
            }
        }

        writeln!(f)?;
        writeln!(f, "## Span prefixes")?;
        writeln!(f)?;
        writeln!(
            f,
            "Every span, without the `.start` / `.stop` / `.exception` suffix (Elixir's `events/0`)."
        )?;
        writeln!(f)?;
        name_list(f, c.spans())?;
        writeln!(f)?;
        writeln!(f, "## Standalone events")?;
        writeln!(f)?;
        writeln!(
            f,
            "Every event emitted once rather than as a span (Elixir's `emit_events/0`)."
        )?;
        writeln!(f)?;
        name_list(f, c.standalone_events())
    }
}

fn span_convention(f: &mut fmt::Formatter<'_>) -> fmt::Result {
    writeln!(f, "## Span convention")?;
    writeln!(f)?;
    writeln!(
        f,
        "A span follows `:telemetry.span/3`: each operation emits a start event and then either a stop or an exception event, all three sharing the span's metadata."
    )?;
    writeln!(f)?;
    writeln!(
        f,
        "- `<span>.start`: measurements `system_time`, `monotonic_time`; metadata: the start keys."
    )?;
    writeln!(
        f,
        "- `<span>.stop`: measurements `duration`, `monotonic_time`; metadata: the start keys and the stop-only keys."
    )?;
    writeln!(
        f,
        "- `<span>.exception`: when the operation fails; measurements `duration`, `monotonic_time`; metadata: the start keys, `kind` and `reason`."
    )?;
    writeln!(f)?;
    writeln!(
        f,
        "`duration` is in native time units. A key marked *optional* may be absent, *stop only* is known only when the operation ends, and *sensitive* is redacted by every reporter."
    )?;
    writeln!(f)
}

/// Events grouped by the segment after the prefix (`exgit.transport`,
/// `exgit.fs`), groups in order of first appearance.
fn groups(c: &Catalog) -> Vec<(String, Vec<&EventDef>)> {
    let prefix_len = c.prefix.split('.').count();
    let mut groups: Vec<(String, Vec<&EventDef>)> = Vec::new();
    // Each group's place in `groups`, which keeps the order of first use.
    let mut places: HashMap<String, usize> = HashMap::new();
    for event in &c.events {
        let group = event
            .segments()
            .take(prefix_len + 1)
            .collect::<Vec<_>>()
            .join(".");
        match places.get(&group) {
            Some(&place) => groups[place].1.push(event),
            None => {
                places.insert(group.clone(), groups.len());
                groups.push((group, vec![event]));
            }
        }
    }
    groups
}

fn write_event(f: &mut fmt::Formatter<'_>, event: &EventDef) -> fmt::Result {
    writeln!(f, "#### `{}`", event.name)?;
    writeln!(f)?;
    let mut status = match event.kind {
        EventKind::Span => "Span".to_string(),
        EventKind::Event => "Standalone event".to_string(),
    };
    if let Some(since) = &event.since {
        status.push_str(&format!(", since {since}"));
    }
    status.push('.');
    match &event.stability {
        Stability::Stable => {}
        Stability::Experimental => status.push_str(" *Experimental*: may change in any release."),
        Stability::Deprecated { note, renamed_to } => {
            status.push_str(&format!(" **Deprecated**: {}", one_line(note)));
            if let Some(target) = renamed_to {
                status.push_str(&format!(" Renamed to `{target}`."));
            }
        }
    }
    writeln!(f, "{status}")?;
    writeln!(f)?;
    writeln!(f, "{}", event.doc.trim())?;
    writeln!(f)?;
    if event.kind == EventKind::Event {
        if event.measurements.is_empty() {
            writeln!(f, "Measurements: none.")?;
        } else {
            writeln!(f, "Measurements:")?;
            writeln!(f)?;
            for m in &event.measurements {
                writeln!(f, "{}", measurement_line(m))?;
            }
        }
        writeln!(f)?;
    }
    if event.metadata.is_empty() {
        writeln!(f, "Metadata: none.")
    } else {
        writeln!(f, "Metadata:")?;
        writeln!(f)?;
        for key in &event.metadata {
            writeln!(f, "{}", key_line(key))?;
        }
        Ok(())
    }
}

fn key_line(key: &KeyDef) -> String {
    let mut notes = vec![format!("`{}`", key.ty)];
    if !key.required {
        notes.push("optional".into());
    }
    if key.phase == Phase::Stop {
        notes.push("stop only".into());
    }
    if key.sensitive {
        notes.push("sensitive".into());
    }
    if key.rust_name != key.name {
        notes.push(format!("Rust field `{}`", key.rust_name));
    }
    item_line(&key.name, &notes, &key.doc)
}

fn measurement_line(m: &MeasurementDef) -> String {
    let mut notes = vec![format!("`{}`", m.ty)];
    if let Some(constant) = m.constant {
        notes.push(format!("always {constant}"));
    }
    if let Some(unit) = m.unit {
        notes.push(format!("unit `{unit}`"));
    }
    if m.rust_name != m.name {
        notes.push(format!("Rust field `{}`", m.rust_name));
    }
    item_line(&m.name, &notes, &m.doc)
}

fn item_line(name: &str, notes: &[String], doc: &str) -> String {
    let doc = one_line(doc);
    if doc.is_empty() {
        format!("- `{name}` ({})", notes.join("; "))
    } else {
        format!("- `{name}` ({}): {doc}", notes.join("; "))
    }
}

/// A doc text on one line, as a list item needs it.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn name_list<'a>(
    f: &mut fmt::Formatter<'_>,
    events: impl Iterator<Item = &'a EventDef>,
) -> fmt::Result {
    let mut any = false;
    for event in events {
        any = true;
        writeln!(f, "- `{}`", event.name)?;
    }
    if !any {
        writeln!(f, "None.")?;
    }
    Ok(())
}
