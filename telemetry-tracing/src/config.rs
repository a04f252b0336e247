//! Which events and spans the bridge shows, with which keys and at which level.

use telemetry_runtime::{CatalogInfo, EventKind, EventName, IntoName, NameError};
use tracing_core::Level;

/// One standalone event or span to show, with its field names.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub(crate) name: EventName,
    pub(crate) kind: EventKind,
    pub(crate) keys: Vec<String>,
    pub(crate) level: Option<Level>,
}

/// The bridge's configuration.
///
/// `tracing` needs every field name before the first event: a catalogue gives them
/// ([`catalog`](Config::catalog)); for events outside one, name the keys
/// ([`event`](Config::event), [`span`](Config::span)). A key an event carries that was
/// not named is not shown.
///
/// ```
/// use telemetry_tracing::Config;
/// use tracing_core::Level;
/// let config = Config::new("tracing-bridge")
///     .span("exgit.pack.parse", &["byte_size", "object_count"])?
///     .event("exgit.object_store.haves_sent", &["count", "sha"])?
///     .level(Level::DEBUG);
/// # Ok::<(), telemetry_runtime::NameError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) handler_id: String,
    pub(crate) entries: Vec<Entry>,
    pub(crate) level: Level,
}

impl Config {
    /// A configuration whose handlers are attached under ids starting with `handler_id`.
    pub fn new(handler_id: impl Into<String>) -> Self {
        Config {
            handler_id: handler_id.into(),
            entries: Vec::new(),
            level: Level::INFO,
        }
    }

    /// Shows every span and standalone event of a catalogue (what `catalog!()`
    /// generates as `CATALOG`), with every key it declares as a field.
    pub fn catalog(self, catalog: &CatalogInfo) -> Self {
        self.catalog_under(catalog, &[])
    }

    /// Shows the spans and standalone events of a catalogue whose names start with
    /// `prefix`, segment by segment.
    pub fn catalog_under(mut self, catalog: &CatalogInfo, prefix: &[&str]) -> Self {
        for info in catalog.events.iter().filter(|e| e.name.starts_with(prefix)) {
            let keys = info
                .measurements
                .iter()
                .chain(info.metadata)
                .map(|k| k.name.to_owned())
                .collect();
            self.push(Entry {
                name: info.name.to_event_name(),
                kind: info.kind,
                keys,
                level: None,
            });
        }
        self
    }

    /// Shows the span with this prefix; `keys` are its start and stop metadata keys.
    pub fn span<'n>(self, prefix: impl IntoName<'n>, keys: &[&str]) -> Result<Self, NameError> {
        let prefix = prefix.into_name()?;
        if prefix.phase().is_some() {
            return Err(NameError::PhaseInPrefix {
                name: prefix.to_string(),
            });
        }
        Ok(self.with(prefix.to_event_name(), EventKind::Span, keys))
    }

    /// Shows this standalone event; `keys` are its measurement and metadata keys.
    pub fn event<'n>(self, name: impl IntoName<'n>, keys: &[&str]) -> Result<Self, NameError> {
        let name = name.into_name()?.to_event_name();
        Ok(self.with(name, EventKind::Event, keys))
    }

    /// The level of every event and span not given one with
    /// [`level_of`](Config::level_of) (default `INFO`). Exceptions are `ERROR` events.
    pub fn level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }

    /// The level of one event or span already added.
    pub fn level_of(mut self, name: &str, level: Level) -> Self {
        for entry in self.entries.iter_mut().filter(|e| e.name == name) {
            entry.level = Some(level);
        }
        self
    }

    fn with(mut self, name: EventName, kind: EventKind, keys: &[&str]) -> Self {
        self.push(Entry {
            name,
            kind,
            keys: keys.iter().map(|k| (*k).to_owned()).collect(),
            level: None,
        });
        self
    }

    fn push(&mut self, entry: Entry) {
        if let Some(existing) = self.entries.iter_mut().find(|e| e.name == entry.name) {
            *existing = entry;
        } else {
            self.entries.push(entry);
        }
    }
}
