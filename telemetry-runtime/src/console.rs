//! A console reporter: counts events per name, summarises span durations, keeps the
//! last few events, and renders all of it as a table for a terminal.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use crate::error::AttachError;
use crate::event::Event;
use crate::handler::HandlerId;
use crate::info::CatalogInfo;
use crate::name::IntoName;
use crate::owned_value::OwnedValue;
use crate::registry::attach_many;

/// How many recent events a reporter keeps unless told otherwise.
const DEFAULT_RECENT: usize = 10;
/// Durations kept per event for percentiles; beyond this a uniform sample is kept, so
/// memory stays bounded however long the reporter runs. Count and max stay exact.
const MAX_SAMPLES: usize = 10_000;
/// What a redacted value is shown as.
const REDACTED: &str = "[redacted]";

/// Aggregates the events it is attached to and renders them for a terminal.
///
/// Per event name it counts the events and, for events that carry a `duration` (the
/// `stop` and `exception` events of spans), summarises the durations as p50, p99 and max.
/// It also keeps the last few events with their metadata. Given a catalogue, it redacts
/// the keys marked `sensitive` before keeping anything. The handler allocates (it is a
/// reporter, not a hot path) and holds its lock only to update counters.
///
/// ```
/// use telemetry_runtime::{ConsoleReporter, detach, execute, fields, span};
/// let reporter = ConsoleReporter::new().with_recent(2);
/// reporter.attach("doc-console", ["exgit.fs.stat.stop", "exgit.object_store.haves_sent"])?;
/// for path in ["README", "src/lib.rs"] {
///     span("exgit.fs.stat", &fields!(reference = "HEAD", path = path), || ())?;
/// }
/// execute("exgit.object_store.haves_sent", &fields!(count = 3u64), &fields!(sha = "abc"))?;
/// detach("doc-console")?;
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
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    rows: BTreeMap<String, Stats>,
    recent: VecDeque<RecentEvent>,
    total: u64,
}

#[derive(Default)]
struct Stats {
    count: u64,
    durations: Option<Samples>,
}

/// Durations of one event: a bounded uniform sample (reservoir), plus the exact max.
struct Samples {
    values: Vec<u64>,
    seen: u64,
    max: u64,
    rng: u64,
}

impl Samples {
    fn new() -> Self {
        Samples {
            values: Vec::new(),
            seen: 0,
            max: 0,
            rng: 0x9E37_79B9_7F4A_7C15,
        }
    }

    fn add(&mut self, duration: u64) {
        self.seen += 1;
        self.max = self.max.max(duration);
        if self.values.len() < MAX_SAMPLES {
            self.values.push(duration);
            return;
        }
        // xorshift64: cheap, and good enough to pick which sample to replace.
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        let slot = self.rng % self.seen;
        if let Some(value) = usize::try_from(slot)
            .ok()
            .and_then(|i| self.values.get_mut(i))
        {
            *value = duration;
        }
    }

    fn summary(&self) -> Option<Durations> {
        let mut sorted = self.values.clone();
        sorted.sort_unstable();
        Some(Durations {
            p50: percentile(&sorted, 50)?,
            p99: percentile(&sorted, 99)?,
            max: self.max,
        })
    }
}

/// The nearest-rank percentile of sorted values: the smallest value with at least `p`
/// percent of the values at or below it.
fn percentile(sorted: &[u64], p: u64) -> Option<u64> {
    let n = sorted.len() as u64;
    let rank = (p * n).div_ceil(100).max(1);
    sorted.get(usize::try_from(rank - 1).ok()?).copied()
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
    /// A reporter that keeps the last 10 events and redacts nothing.
    pub fn new() -> Self {
        ConsoleReporter {
            shared: Arc::new(Shared {
                keep_recent: DEFAULT_RECENT,
                sensitive: Vec::new(),
                state: Mutex::default(),
            }),
        }
    }

    fn reconfigured(self, f: impl FnOnce(&mut usize, &mut Vec<(String, String)>)) -> Self {
        let mut keep_recent = self.shared.keep_recent;
        let mut sensitive = self.shared.sensitive.clone();
        f(&mut keep_recent, &mut sensitive);
        ConsoleReporter {
            shared: Arc::new(Shared {
                keep_recent,
                sensitive,
                state: Mutex::default(),
            }),
        }
    }

    /// Keeps the last `n` events instead of 10. Configure before attaching: this returns
    /// a fresh reporter.
    pub fn with_recent(self, n: usize) -> Self {
        self.reconfigured(|keep, _| *keep = n)
    }

    /// Redacts every key that `catalog` marks `sensitive`, in the events of that
    /// catalogue, before anything is kept. May be called once per catalogue. Configure
    /// before attaching: this returns a fresh reporter.
    pub fn redacting(self, catalog: &CatalogInfo) -> Self {
        self.reconfigured(|_, sensitive| {
            for event in catalog.events {
                for key in event.metadata.iter().filter(|k| k.sensitive) {
                    sensitive.push((event.name.to_string(), key.name.to_owned()));
                }
            }
        })
    }

    /// Attaches this reporter under `id` to `events` (detach with
    /// [`detach`](crate::detach)).
    pub fn attach<'n, N: IntoName<'n>>(
        &self,
        id: impl Into<HandlerId>,
        events: impl IntoIterator<Item = N>,
    ) -> Result<(), AttachError> {
        attach_many(id, events, self.handler())
    }

    /// The handler that feeds this reporter, for [`with_handler`](crate::with_handler) or
    /// a catalogue's `with_handler`.
    pub fn handler(&self) -> impl Fn(&Event<'_>) + Send + Sync + 'static + use<> {
        let reporter = self.clone();
        move |event: &Event<'_>| reporter.record(event)
    }

    /// Records one event.
    pub fn record(&self, event: &Event<'_>) {
        // Everything that allocates happens before the lock is taken.
        let name = event.name().to_string();
        let duration = event
            .measurements()
            .get("duration")
            .and_then(|v| v.as_u64());
        let redact = |key: &str| self.is_sensitive(&name, key);
        let metadata = event
            .metadata()
            .iter()
            .map(|f| {
                let value = if redact(f.key) {
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
            stats
                .durations
                .get_or_insert_with(Samples::new)
                .add(duration);
        }
        if self.shared.keep_recent > 0 {
            if state.recent.len() == self.shared.keep_recent {
                state.recent.pop_front();
            }
            state.recent.push_back(recent);
        }
    }

    fn is_sensitive(&self, name: &str, key: &str) -> bool {
        if self.shared.sensitive.is_empty() {
            return false;
        }
        let prefix = match name.rsplit_once('.') {
            Some((prefix, "start" | "stop" | "exception")) => Some(prefix),
            _ => None,
        };
        self.shared
            .sensitive
            .iter()
            .any(|(event, k)| k == key && (event == name || Some(event.as_str()) == prefix))
    }

    /// What has been recorded so far.
    pub fn report(&self) -> Report {
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
                    durations: stats.durations.as_ref().and_then(Samples::summary),
                })
                .collect(),
            recent: state.recent.iter().cloned().collect(),
            total: state.total,
        }
    }

    /// [`report`](Self::report), rendered.
    pub fn render(&self) -> String {
        self.report().to_string()
    }
}

/// A snapshot of a [`ConsoleReporter`]; its `Display` is the table.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// One row per event name, sorted by name (so a span's phases sit together).
    pub rows: Vec<Row>,
    /// The last events recorded, oldest first.
    pub recent: Vec<RecentEvent>,
    /// Every event recorded.
    pub total: u64,
}

impl Report {
    /// The row of one event name.
    pub fn row(&self, name: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.name == name)
    }
}

/// The aggregate of one event name.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The event's name.
    pub name: String,
    /// How many were recorded.
    pub count: u64,
    /// For events that carry a `duration`: its summary.
    pub durations: Option<Durations>,
}

/// Duration percentiles, in nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Durations {
    /// Half the events took at most this long.
    pub p50: u64,
    /// 99 in 100 events took at most this long.
    pub p99: u64,
    /// The longest.
    pub max: u64,
}

/// One recorded event, with sensitive values already redacted.
#[derive(Clone, Debug, PartialEq)]
pub struct RecentEvent {
    /// The event's name.
    pub name: String,
    /// Its measurements.
    pub measurements: Vec<(String, OwnedValue)>,
    /// Its metadata.
    pub metadata: Vec<(String, OwnedValue)>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .rows
            .iter()
            .map(|r| r.name.len())
            .chain([5])
            .max()
            .unwrap_or(5);
        writeln!(
            f,
            "{:<width$}  {:>7}  {:>10}  {:>10}  {:>10}",
            "EVENT", "COUNT", "P50", "P99", "MAX"
        )?;
        for row in &self.rows {
            let [p50, p99, max] = match row.durations {
                Some(d) => [d.p50, d.p99, d.max].map(human_duration),
                None => ["-".to_owned(), "-".to_owned(), "-".to_owned()],
            };
            writeln!(
                f,
                "{:<width$}  {:>7}  {p50:>10}  {p99:>10}  {max:>10}",
                row.name, row.count
            )?;
        }
        if self.recent.is_empty() {
            return Ok(());
        }
        writeln!(f, "\nLast {} of {} events:", self.recent.len(), self.total)?;
        for event in &self.recent {
            write!(f, "  {event}")?;
            writeln!(f)?;
        }
        Ok(())
    }
}

/// `name  duration=12.3 µs  key=value ...`: span times other than the duration are left
/// out, binaries are shown as abbreviated hex.
impl fmt::Display for RecentEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        for (key, value) in &self.measurements {
            match (key.as_str(), value) {
                ("system_time" | "monotonic_time", _) => {}
                ("duration", OwnedValue::U64(ns)) => {
                    write!(f, "  duration={}", human_duration(*ns))?
                }
                _ => write!(f, "  {key}={}", short(value))?,
            }
        }
        for (key, value) in &self.metadata {
            write!(f, "  {key}={}", short(value))?;
        }
        Ok(())
    }
}

fn short(value: &OwnedValue) -> String {
    match value {
        OwnedValue::Bytes(bytes) => {
            let hex: String = bytes.iter().take(6).map(|b| format!("{b:02x}")).collect();
            if bytes.len() > 6 {
                format!("{hex}…")
            } else {
                hex
            }
        }
        other => other.to_string(),
    }
}

/// Nanoseconds in the largest unit that keeps the number readable: `850 ns`, `12.3 µs`,
/// `4.56 ms`, `1.20 s`.
fn human_duration(ns: u64) -> String {
    let x = ns as f64;
    match ns {
        0..1_000 => format!("{ns} ns"),
        1_000..1_000_000 => format!("{:.1} µs", x / 1e3),
        1_000_000..1_000_000_000 => format!("{:.2} ms", x / 1e6),
        _ => format!("{:.2} s", x / 1e9),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::{Field, Fields};
    use crate::info::{EventInfo, EventKind, KeyInfo};
    use crate::name::{Name, Phase};

    /// Records a span's stop event, as dispatch would hand it to the handler.
    fn record_stop(
        reporter: &ConsoleReporter,
        prefix: &'static [&'static str],
        duration: u64,
        metadata: &[Field<'_>],
    ) {
        let measurements = crate::fields!(duration = duration, monotonic_time = 1u64);
        let name = Name::from_static(prefix).with_phase(Phase::Stop);
        reporter.record(&Event::new(
            name,
            Fields::new(&measurements),
            Fields::new(metadata),
        ));
    }

    const GREP: &[&str] = &["exgit", "fs", "grep"];

    #[test]
    fn counts_each_event_name_and_summarises_durations() {
        let reporter = ConsoleReporter::new();
        for ms in 1..=100u64 {
            record_stop(&reporter, GREP, ms * 1_000_000, &[]);
        }
        let count = crate::fields!(count = 1u64);
        reporter.record(&Event::new(
            Name::from_static(&["charon", "session", "create"]),
            Fields::new(&count),
            Fields::EMPTY,
        ));
        let report = reporter.report();
        assert_eq!(report.total, 101);
        let grep = report.row("exgit.fs.grep.stop").unwrap();
        assert_eq!(grep.count, 100);
        assert_eq!(
            grep.durations,
            Some(Durations {
                p50: 50_000_000,
                p99: 99_000_000,
                max: 100_000_000
            })
        );
        let create = report.row("charon.session.create").unwrap();
        assert_eq!((create.count, create.durations), (1, None));
        // Sorted by name.
        assert_eq!(report.rows[0].name, "charon.session.create");
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        assert_eq!(percentile(&[7], 50), Some(7));
        assert_eq!(percentile(&[7], 99), Some(7));
        assert_eq!(percentile(&[1, 2], 50), Some(1));
        assert_eq!(percentile(&[1, 2], 99), Some(2));
        assert_eq!(percentile(&[1, 2, 3, 4], 50), Some(2));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn many_durations_keep_a_bounded_sample_and_the_exact_max() {
        let mut samples = Samples::new();
        for d in 0..(MAX_SAMPLES as u64 * 3) {
            samples.add(d);
        }
        samples.add(1);
        assert_eq!(samples.values.len(), MAX_SAMPLES);
        assert_eq!(samples.max, MAX_SAMPLES as u64 * 3 - 1);
        let summary = samples.summary().unwrap();
        // A uniform sample of 0..30000 has its median near 15000.
        assert!((10_000..20_000).contains(&summary.p50), "{summary:?}");
    }

    #[test]
    fn keeps_only_the_last_events() {
        let reporter = ConsoleReporter::new().with_recent(2);
        for (i, path) in ["a", "b", "c"].into_iter().enumerate() {
            record_stop(&reporter, GREP, i as u64, &crate::fields!(path = path));
        }
        let report = reporter.report();
        let paths: Vec<String> = report
            .recent
            .iter()
            .map(|e| e.metadata[0].1.to_string())
            .collect();
        assert_eq!(paths, ["\"b\"", "\"c\""]);
        assert_eq!(report.total, 3);
        assert!(
            ConsoleReporter::new()
                .with_recent(0)
                .report()
                .recent
                .is_empty()
        );
    }

    static KEYS: [KeyInfo; 2] = [
        KeyInfo {
            name: "session_id",
            rust_name: "session_id",
            ty: "string",
            required: true,
            stop_only: false,
            sensitive: true,
            doc: "",
        },
        KeyInfo {
            name: "user_id",
            rust_name: "user_id",
            ty: "any",
            required: true,
            stop_only: false,
            sensitive: false,
            doc: "",
        },
    ];
    static EVENTS: [EventInfo; 2] = [
        EventInfo {
            name: Name::from_static(&["auth", "session", "create"]),
            kind: EventKind::Event,
            doc: "",
            stability: "stable",
            measurements: &[],
            metadata: &KEYS,
        },
        EventInfo {
            name: Name::from_static(&["auth", "session", "load"]),
            kind: EventKind::Span,
            doc: "",
            stability: "stable",
            measurements: &[],
            metadata: &KEYS,
        },
    ];
    static CATALOG: CatalogInfo = CatalogInfo {
        name: "auth",
        version: "1.0.0",
        prefix: "auth",
        events: &EVENTS,
    };

    #[test]
    fn redacts_sensitive_keys_of_events_and_of_every_span_phase() {
        let reporter = ConsoleReporter::new().redacting(&CATALOG);
        let metadata = crate::fields!(session_id = "secret-sid", user_id = 42u64);
        for name in [
            Name::from_static(&["auth", "session", "create"]),
            Name::from_static(&["auth", "session", "load"]).with_phase(Phase::Start),
            Name::from_static(&["auth", "session", "load"]).with_phase(Phase::Exception),
            Name::from_static(&["other", "session", "create"]),
        ] {
            reporter.record(&Event::new(name, Fields::EMPTY, Fields::new(&metadata)));
        }
        let report = reporter.report();
        let shown: Vec<String> = report
            .recent
            .iter()
            .map(|e| e.metadata[0].1.to_string())
            .collect();
        assert_eq!(shown, [REDACTED, REDACTED, REDACTED, "\"secret-sid\""]);
        assert!(
            report
                .recent
                .iter()
                .all(|e| e.metadata[1].1 == OwnedValue::U64(42))
        );
        assert!(
            reporter
                .render()
                .contains("session_id=[redacted]  user_id=42")
        );
    }

    #[test]
    fn renders_a_table_then_the_recent_events() {
        let reporter = ConsoleReporter::new();
        let sha = [0xceu8, 0x01, 0x36, 0x25, 0x03, 0x0b, 0xa8];
        let metadata = [
            Field::new("reference", "HEAD"),
            Field::new("sha", &sha[..]),
            Field::new("mode", crate::Value::atom("fast")),
        ];
        record_stop(&reporter, GREP, 12_345, &metadata);
        let text = reporter.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0].split_whitespace().collect::<Vec<_>>(),
            ["EVENT", "COUNT", "P50", "P99", "MAX"]
        );
        assert_eq!(
            lines[1].split_whitespace().collect::<Vec<_>>(),
            [
                "exgit.fs.grep.stop",
                "1",
                "12.3",
                "µs",
                "12.3",
                "µs",
                "12.3",
                "µs"
            ]
        );
        assert_eq!(lines[2], "");
        assert_eq!(lines[3], "Last 1 of 1 events:");
        assert_eq!(
            lines[4],
            "  exgit.fs.grep.stop  duration=12.3 µs  reference=\"HEAD\"  sha=ce013625030b…  mode=:fast"
        );
    }

    #[test]
    fn durations_are_shown_in_a_readable_unit() {
        assert_eq!(human_duration(850), "850 ns");
        assert_eq!(human_duration(12_345), "12.3 µs");
        assert_eq!(human_duration(4_560_000), "4.56 ms");
        assert_eq!(human_duration(1_200_000_000), "1.20 s");
    }

    #[test]
    fn attached_it_sees_what_is_emitted_and_rows_line_up() {
        let reporter = ConsoleReporter::new();
        reporter
            .attach("console-unit", ["console_unit.parse.stop"])
            .unwrap();
        crate::span(
            "console_unit.parse",
            &crate::fields!(byte_size = 1u64),
            || (),
        )
        .unwrap();
        crate::detach("console-unit").unwrap();
        crate::span(
            "console_unit.parse",
            &crate::fields!(byte_size = 1u64),
            || (),
        )
        .unwrap();
        let report = reporter.report();
        assert_eq!(
            report.row("console_unit.parse.stop").map(|r| r.count),
            Some(1)
        );
        let text = report.to_string();
        let header = text.lines().next().unwrap();
        let row = text.lines().nth(1).unwrap();
        assert_eq!(
            header.find("COUNT").map(|i| i + 5),
            row.find(" 1 ").map(|i| i + 2)
        );
    }
}
