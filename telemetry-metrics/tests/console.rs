//! The console reporter: event rows, duration percentiles, recent events, redaction,
//! rendering, periodic reports.

use std::sync::mpsc;
use std::time::Duration;

use telemetry_metrics::{ConsoleReporter, REDACTED};
use telemetry_runtime::{
    CatalogInfo, Event, EventInfo, EventKind, Field, Fields, KeyInfo, Name, OwnedValue, Phase,
    Value, fields,
};

/// Records a span's stop event, as dispatch would hand it to the handler.
fn record_stop(
    reporter: &ConsoleReporter,
    prefix: &'static [&'static str],
    duration: u64,
    metadata: &[Field<'_>],
) {
    let measurements = fields!(duration = duration, monotonic_time = 1u64);
    let name = Name::from_static(prefix).with_phase(Phase::Stop);
    reporter.record(&Event::new(
        name,
        Fields::new(&measurements),
        Fields::new(metadata),
    ));
}

const GREP: &[&str] = &["exgit", "fs", "grep"];

fn within_a_thousandth(actual: u64, expected: u64) -> bool {
    actual.abs_diff(expected) * 1000 <= expected
}

#[test]
fn counts_each_event_name_and_summarises_durations() {
    let reporter = ConsoleReporter::new();
    for ms in 1..=100u64 {
        record_stop(&reporter, GREP, ms * 1_000_000, &[]);
    }
    let count = fields!(count = 1u64);
    reporter.record(&Event::new(
        Name::from_static(&["charon", "session", "create"]),
        Fields::new(&count),
        Fields::EMPTY,
    ));
    let report = reporter.report();
    assert_eq!(report.total, 101);
    let grep = report.row("exgit.fs.grep.stop").unwrap();
    assert_eq!(grep.count, 100);
    let durations = grep.durations.unwrap();
    assert!(
        within_a_thousandth(durations.p50, 50_000_000),
        "{durations:?}"
    );
    assert!(
        within_a_thousandth(durations.p99, 99_000_000),
        "{durations:?}"
    );
    assert_eq!(durations.max, 100_000_000);
    let create = report.row("charon.session.create").unwrap();
    assert_eq!((create.count, create.durations), (1, None));
    // Sorted by name.
    assert_eq!(report.rows[0].name, "charon.session.create");
}

#[test]
fn keeps_only_the_last_events() {
    let reporter = ConsoleReporter::new().with_recent(2);
    for (i, path) in ["a", "b", "c"].into_iter().enumerate() {
        record_stop(&reporter, GREP, i as u64, &fields!(path = path));
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
    let metadata = fields!(session_id = "secret-sid", user_id = 42u64);
    for name in [
        Name::from_static(&["auth", "session", "create"]),
        Name::from_static(&["auth", "session", "load"]).with_phase(Phase::Start),
        Name::from_static(&["auth", "session", "load"]).with_phase(Phase::Exception),
        Name::parse("auth.session.load.stop").unwrap(),
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
    assert_eq!(
        shown,
        [REDACTED, REDACTED, REDACTED, REDACTED, "\"secret-sid\""]
    );
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
        Field::new("mode", Value::atom("fast")),
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
fn attached_it_sees_what_is_emitted_until_detached_and_rows_line_up() {
    let reporter = ConsoleReporter::new();
    reporter
        .attach("console-unit", ["console_unit.parse.stop"])
        .unwrap();
    telemetry_runtime::span("console_unit.parse", &fields!(byte_size = 1u64), || ()).unwrap();
    reporter.detach();
    telemetry_runtime::span("console_unit.parse", &fields!(byte_size = 1u64), || ()).unwrap();
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

#[test]
fn reports_every_period_until_stopped() {
    let reporter = ConsoleReporter::new();
    record_stop(&reporter, GREP, 1_000, &[]);
    let (sent, received) = mpsc::channel();
    let periodic = reporter
        .report_every(Duration::from_millis(10), move |report| {
            let _ = sent.send(report.total);
        })
        .unwrap();
    for _ in 0..2 {
        assert_eq!(received.recv_timeout(Duration::from_secs(10)), Ok(1));
    }
    periodic.stop();
    // Stopped: the sender is gone once the thread has ended.
    while received.try_recv().is_ok() {}
    assert_eq!(
        received.recv_timeout(Duration::from_millis(50)),
        Err(mpsc::RecvTimeoutError::Disconnected)
    );
}

#[test]
fn redacts_what_the_event_marks_sensitive_without_a_catalogue() {
    let reporter = ConsoleReporter::new();
    let metadata = fields!(session_id = "secret-sid", user_id = 42u64);
    reporter.record(&Event::new(
        Name::from_static(&["charon", "session", "create"]),
        Fields::EMPTY,
        Fields::new(&metadata).with_sensitive_keys(&["session_id"]),
    ));
    let text = reporter.render();
    assert!(text.contains("session_id=[redacted]  user_id=42"), "{text}");
    assert!(!text.contains("secret-sid"));
}
