//! A console reporter: counts events per name, summarises span durations, keeps the
//! last few events, shows the defined metrics' values, and renders all of it as a table
//! for a terminal, on demand or every few seconds.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use telemetry_runtime::{
    AttachError, CatalogInfo, Event, EventName, HandlerId, IntoName, OwnedValue, attach_many,
    detach,
};

use crate::attach::{Attachment, Tracked, attach_sink};
use crate::definition::Metrics;
use crate::durations::DurationStats;
use crate::report::{RecentEvent, Report, Row};
use crate::values::{self, Aggregate, ValuesSink};

/// How many recent events a reporter keeps unless told otherwise.
const DEFAULT_RECENT: usize = 10;
/// What a redacted value is shown as.
pub const REDACTED: &str = "[redacted]";

/// Aggregates the events it is attached to and renders them for a terminal.
///
/// Per event name it counts the events and, for events that carry a `duration` (the
/// `stop` and `exception` events of spans), summarises the durations as p50, p99 and max.
/// It also keeps the last few events with their metadata, and, given metric definitions
/// ([`with_metrics`](Self::with_metrics)), each metric's value per tag set. It redacts
/// every key the event marks sensitive (the macros mark the keys a catalogue declares
/// `sensitive`) before keeping anything, and, given a catalogue
/// ([`redacting`](Self::redacting)), that catalogue's sensitive keys also in events
/// emitted without the macros. The handler
/// allocates (it is a reporter, not a hot path) and holds its lock only to update
/// counters.
///
/// ```
/// use telemetry_metrics::ConsoleReporter;
/// use telemetry_runtime::{detach, execute, fields, span};
/// let reporter = ConsoleReporter::new().with_recent(2);
/// reporter.attach("doc-console", ["exgit.fs.stat.stop", "exgit.object_store.haves_sent"])?;
/// for path in ["README", "src/lib.rs"] {
///     span("exgit.fs.stat", &fields!(reference = "HEAD", path = path), || ())?;
/// }
/// execute("exgit.object_store.haves_sent", &fields!(count = 3u64), &fields!(sha = "abc"))?;
/// reporter.detach();
///
/// let report = reporter.report();
/// assert_eq!(report.row("exgit.fs.stat.stop").map(|r| r.count), Some(2));
/// assert!(report.row("exgit.fs.stat.stop").and_then(|r| r.durations).is_some());
/// assert_eq!(report.recent.len(), 2);
/// println!("{report}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct ConsoleReporter {
    shared: Arc<Shared>,
}

struct Shared {
    keep_recent: usize,
    /// `(event, key)` pairs to redact; `event` is a standalone event's name or a span's
    /// prefix.
    sensitive: Vec<(String, String)>,
    metrics: Option<Arc<Metrics>>,
    state: Mutex<State>,
    attached: Mutex<Attached>,
}

#[derive(Default)]
struct State {
    rows: BTreeMap<String, Stats>,
    recent: VecDeque<RecentEvent>,
    total: u64,
}

#[derive(Default)]
struct Attached {
    events: Option<HandlerId>,
    metrics: Option<(Vec<Arc<Tracked<Aggregate>>>, Attachment)>,
}

#[derive(Default)]
struct Stats {
    count: u64,
    durations: Option<DurationStats>,
}

impl Default for ConsoleReporter {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ConsoleReporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsoleReporter")
            .field("keep_recent", &self.shared.keep_recent)
            .field("sensitive", &self.shared.sensitive)
            .finish_non_exhaustive()
    }
}

impl ConsoleReporter {
    /// A reporter that keeps the last 10 events, redacts the keys events mark sensitive,
    /// and shows no metrics.
    pub fn new() -> Self {
        ConsoleReporter {
            shared: Arc::new(Shared {
                keep_recent: DEFAULT_RECENT,
                sensitive: Vec::new(),
                metrics: None,
                state: Mutex::default(),
                attached: Mutex::default(),
            }),
        }
    }

    fn reconfigured(self, f: impl FnOnce(&mut Shared)) -> Self {
        let mut shared = Shared {
            keep_recent: self.shared.keep_recent,
            sensitive: self.shared.sensitive.clone(),
            metrics: self.shared.metrics.clone(),
            state: Mutex::default(),
            attached: Mutex::default(),
        };
        f(&mut shared);
        ConsoleReporter {
            shared: Arc::new(shared),
        }
    }

    /// Keeps the last `n` events instead of 10. Configure before attaching: this returns
    /// a fresh reporter.
    pub fn with_recent(self, n: usize) -> Self {
        self.reconfigured(|shared| shared.keep_recent = n)
    }

    /// Redacts every key that `catalog` marks `sensitive`, in the events of that
    /// catalogue, before anything is kept. May be called once per catalogue. Configure
    /// before attaching: this returns a fresh reporter.
    pub fn redacting(self, catalog: &CatalogInfo) -> Self {
        self.reconfigured(|shared| {
            for event in catalog.events {
                for key in event.metadata.iter().filter(|k| k.sensitive) {
                    shared
                        .sensitive
                        .push((event.name.to_string(), key.name.to_owned()));
                }
            }
        })
    }

    /// Also aggregates `metrics` (attached with the events by [`attach`](Self::attach))
    /// and shows their values under the table. Configure before attaching: this returns a
    /// fresh reporter.
    pub fn with_metrics(self, metrics: Arc<Metrics>) -> Self {
        self.reconfigured(|shared| shared.metrics = Some(metrics))
    }

    /// Attaches this reporter under `id` to `events`, and its metrics under
    /// `<id>/<event name>`; [`detach`](Self::detach) detaches them all (detaching `id` by
    /// hand stops the event rows only).
    pub fn attach<'n, N: IntoName<'n>>(
        &self,
        id: &str,
        events: impl IntoIterator<Item = N>,
    ) -> Result<(), AttachError> {
        // Names are checked before anything is attached, so that a bad one leaves
        // nothing behind; with no events, only the metrics are attached.
        let events: Vec<EventName> = events
            .into_iter()
            .map(|event| event.into_name().map(|name| name.to_event_name()))
            .collect::<Result<_, _>>()?;
        let mut metrics = match &self.shared.metrics {
            Some(metrics) => Some(attach_sink(id, metrics, Arc::new(ValuesSink))?),
            None => None,
        };
        let rows = if events.is_empty() {
            None
        } else if let Err(error) = attach_many(id, events.iter(), self.handler()) {
            if let Some((_, attachment)) = metrics.as_mut() {
                std::mem::replace(attachment, Attachment::empty()).detach();
            }
            return Err(error);
        } else {
            Some(HandlerId::from(id))
        };
        let mut attached = self.attached();
        attached.events = rows;
        attached.metrics = metrics;
        Ok(())
    }

    /// Detaches every handler [`attach`](Self::attach) attached; what was recorded stays.
    pub fn detach(&self) {
        let mut attached = self.attached();
        if let Some(id) = attached.events.take() {
            // Already detached by hand is fine.
            let _ = detach(id);
        }
        if let Some((_, attachment)) = attached.metrics.as_mut() {
            std::mem::replace(attachment, Attachment::empty()).detach();
        }
    }

    fn attached(&self) -> std::sync::MutexGuard<'_, Attached> {
        self.shared
            .attached
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The handler that feeds this reporter's event rows, for
    /// [`with_handler`](telemetry_runtime::with_handler) or a catalogue's `with_handler`.
    pub fn handler(&self) -> impl Fn(&Event<'_>) + Send + Sync + 'static + use<> {
        let reporter = self.clone();
        move |event: &Event<'_>| reporter.record(event)
    }

    /// Records one event in the event rows.
    pub fn record(&self, event: &Event<'_>) {
        // Everything that allocates happens before the lock is taken.
        let name = event.name().to_string();
        let duration = event
            .measurements()
            .get("duration")
            .and_then(|v| v.as_u64());
        let metadata = event
            .metadata()
            .iter()
            .map(|f| {
                let value = if self.is_sensitive(event, f.key) {
                    OwnedValue::Debug(REDACTED.to_owned())
                } else {
                    f.value.to_owned_value()
                };
                (f.key.to_owned(), value)
            })
            .collect();
        let recent = RecentEvent {
            measurements: event.measurements().to_owned_fields(),
            metadata,
            name,
        };
        let mut state = self
            .shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let state = &mut *state;
        state.total += 1;
        let stats = match state.rows.get_mut(recent.name.as_str()) {
            Some(stats) => stats,
            None => state.rows.entry(recent.name.clone()).or_default(),
        };
        stats.count += 1;
        if let Some(duration) = duration {
            if stats.durations.is_none() {
                stats.durations = DurationStats::new();
            }
            if let Some(durations) = stats.durations.as_mut() {
                durations.add(duration);
            }
        }
        if self.shared.keep_recent > 0 {
            if state.recent.len() == self.shared.keep_recent {
                state.recent.pop_front();
            }
            state.recent.push_back(recent);
        }
    }

    fn is_sensitive(&self, event: &Event<'_>, key: &str) -> bool {
        if event.is_sensitive(key) {
            return true;
        }
        if self.shared.sensitive.is_empty() {
            return false;
        }
        let name = event.name();
        let prefix = name.span_prefix();
        self.shared.sensitive.iter().any(|(declared, k)| {
            k == key
                && (name == declared.as_str()
                    || prefix.is_some_and(|prefix| prefix == declared.as_str()))
        })
    }

    /// What has been recorded so far.
    pub fn report(&self) -> Report {
        let metrics = match &self.attached().metrics {
            Some((tracked, _)) => values::read(tracked),
            None => Vec::new(),
        };
        let state = self
            .shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        Report {
            rows: state
                .rows
                .iter()
                .map(|(name, stats)| Row {
                    name: name.clone(),
                    count: stats.count,
                    durations: stats.durations.as_ref().and_then(DurationStats::summary),
                })
                .collect(),
            recent: state.recent.iter().cloned().collect(),
            total: state.total,
            metrics,
        }
    }

    /// [`report`](Self::report), rendered.
    pub fn render(&self) -> String {
        self.report().to_string()
    }
}
