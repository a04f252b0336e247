//! The bridge through the SDK's in-memory exporters: what an OpenTelemetry backend would
//! receive. Each test uses event names of its own, so tests run in parallel.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use opentelemetry::logs::AnyValue;
use opentelemetry::trace::{SpanId as OtelSpanId, Status, TraceId as OtelTraceId};
use opentelemetry::{Key, KeyValue};
use opentelemetry_sdk::logs::InMemoryLogExporter;
use opentelemetry_sdk::logs::in_memory_exporter::LogDataWithResource;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SpanData, SpanExporter};
use telemetry_opentelemetry::{Bridge, Config, REDACTED, install_with};
use telemetry_runtime::{
    InContext, OwnedEvent, SpanContext, SpanSlots, Spanned, TraceContext, capture, current_span,
    execute, execute_with_sensitive_keys, fields, span, spanned,
};

struct Harness {
    bridge: Bridge,
    spans: InMemorySpanExporter,
    logs: InMemoryLogExporter,
}

impl Harness {
    fn new(config: Config) -> Self {
        let spans = InMemorySpanExporter::default();
        let logs = InMemoryLogExporter::default();
        let bridge = install_with(config, spans.clone(), logs.clone()).unwrap();
        Harness {
            bridge,
            spans,
            logs,
        }
    }

    fn finished_spans(&self) -> Vec<SpanData> {
        assert!(self.bridge.force_flush(Duration::from_secs(10)));
        self.spans.get_finished_spans().unwrap()
    }

    fn log_records(&self) -> Vec<LogDataWithResource> {
        assert!(self.bridge.force_flush(Duration::from_secs(10)));
        self.logs.get_emitted_logs().unwrap()
    }
}

fn by_name<'a>(spans: &'a [SpanData], name: &str) -> &'a SpanData {
    spans.iter().find(|s| s.name == name).unwrap_or_else(|| {
        panic!(
            "no span {name} in {:?}",
            spans.iter().map(|s| &s.name).collect::<Vec<_>>()
        )
    })
}

fn otel_trace_id(context: SpanContext) -> OtelTraceId {
    OtelTraceId::from_bytes(context.trace_id().to_bytes())
}

fn otel_span_id(context: SpanContext) -> OtelSpanId {
    OtelSpanId::from_bytes(context.id().to_bytes())
}

fn attribute<'a>(span: &'a SpanData, key: &str) -> Option<&'a opentelemetry::Value> {
    span.attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| &kv.value)
}

fn span_context_of(events: &[OwnedEvent]) -> SpanContext {
    events[0].span_context().unwrap()
}

#[test]
fn a_span_is_exported_with_our_trace_id_span_id_and_name() {
    let h = Harness::new(Config::new("mem-ids").span("memids.pack.parse").unwrap());
    let captured = capture(|| span("memids.pack.parse", &fields!(byte_size = 10u64), || ()));
    let ours = span_context_of(&captured.events);
    let spans = h.finished_spans();
    assert_eq!(spans.len(), 1);
    let exported = &spans[0];
    assert_eq!(exported.name, "memids.pack.parse");
    assert_eq!(exported.span_context.trace_id(), otel_trace_id(ours));
    assert_eq!(exported.span_context.span_id(), otel_span_id(ours));
    assert_eq!(exported.parent_span_id, OtelSpanId::INVALID);
}

#[test]
fn nested_spans_keep_their_parent_links() {
    let h = Harness::new(
        Config::new("mem-nested")
            .span("memnest.outer")
            .unwrap()
            .span("memnest.inner")
            .unwrap(),
    );
    let (outer, inner) = span("memnest.outer", &[], || {
        let outer = current_span().unwrap();
        let inner = span("memnest.inner", &[], || current_span().unwrap()).unwrap();
        (outer, inner)
    })
    .unwrap();
    let spans = h.finished_spans();
    let (o, i) = (
        by_name(&spans, "memnest.outer"),
        by_name(&spans, "memnest.inner"),
    );
    assert_eq!(i.parent_span_id, otel_span_id(outer));
    assert_eq!(i.span_context.trace_id(), o.span_context.trace_id());
    assert_eq!(o.span_context.span_id(), otel_span_id(outer));
    assert_eq!(i.span_context.span_id(), otel_span_id(inner));
}

#[test]
fn a_span_on_another_thread_keeps_its_parent_link() {
    let h = Harness::new(
        Config::new("mem-thread")
            .span("memthread.outer")
            .unwrap()
            .span("memthread.worker")
            .unwrap(),
    );
    let outer = span("memthread.outer", &[], || {
        let context = TraceContext::current();
        std::thread::spawn(move || {
            let _entered = context.enter();
            span("memthread.worker", &[], || ()).unwrap();
        })
        .join()
        .unwrap();
        current_span().unwrap()
    })
    .unwrap();
    let spans = h.finished_spans();
    let worker = by_name(&spans, "memthread.worker");
    assert_eq!(worker.parent_span_id, otel_span_id(outer));
    assert_eq!(worker.span_context.trace_id(), otel_trace_id(outer));
}

#[test]
fn a_span_in_a_spawned_task_keeps_its_parent_link() {
    let h = Harness::new(
        Config::new("mem-task")
            .span("memtask.outer")
            .unwrap()
            .span("memtask.job")
            .unwrap(),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let outer = span("memtask.outer", &[], || {
        let task = async {
            // Resumed, possibly on another worker thread, still in the outer span.
            tokio::task::yield_now().await;
            span("memtask.job", &[], || ()).unwrap();
        };
        runtime
            .block_on(runtime.spawn(task.in_current_context()))
            .unwrap();
        current_span().unwrap()
    })
    .unwrap();
    let spans = h.finished_spans();
    let job = by_name(&spans, "memtask.job");
    assert_eq!(job.parent_span_id, otel_span_id(outer));
    assert_eq!(job.span_context.trace_id(), otel_trace_id(outer));
}

#[test]
fn timestamps_are_the_spans_own_measurements() {
    let h = Harness::new(Config::new("mem-times").span("memtimes.work").unwrap());
    let captured = capture(|| {
        span("memtimes.work", &[], || {
            std::thread::sleep(Duration::from_millis(2))
        })
    });
    let start = captured.events[0]
        .measurement("system_time")
        .unwrap()
        .as_u64()
        .unwrap();
    let duration = captured.events[1]
        .measurement("duration")
        .unwrap()
        .as_u64()
        .unwrap();
    let spans = h.finished_spans();
    let exported = by_name(&spans, "memtimes.work");
    let nanos = |t: SystemTime| t.duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64;
    assert_eq!(nanos(exported.start_time), start);
    assert_eq!(nanos(exported.end_time), start + duration);
}

#[test]
fn stop_metadata_becomes_attributes() {
    let h = Harness::new(Config::new("mem-attrs").span("memattrs.parse").unwrap());
    spanned(
        "memattrs.parse",
        &fields!(byte_size = 2048u64, "hit?" = true),
        || Spanned::new((), fields!(object_count = 17u64, reference = "HEAD")),
    )
    .unwrap();
    let spans = h.finished_spans();
    let exported = by_name(&spans, "memattrs.parse");
    assert_eq!(
        exported.attributes,
        vec![
            KeyValue::new("byte_size", 2048i64),
            KeyValue::new("hit?", true),
            KeyValue::new("object_count", 17i64),
            KeyValue::new("reference", "HEAD"),
        ]
    );
    assert_eq!(exported.status, Status::Unset);
}

#[test]
fn an_exception_ends_the_span_with_status_error_and_an_exception_event() {
    let h = Harness::new(Config::new("mem-exc").span("memexc.fail").unwrap());
    let outcome = std::panic::catch_unwind(|| {
        span("memexc.fail", &fields!(path = "README"), || {
            panic!("disk on fire")
        })
    });
    assert!(outcome.is_err());
    let spans = h.finished_spans();
    let exported = by_name(&spans, "memexc.fail");
    assert_eq!(exported.status, Status::error("disk on fire"));
    assert_eq!(exported.events.len(), 1);
    let event = &exported.events[0];
    assert_eq!(event.name, "exception");
    assert_eq!(event.timestamp, exported.end_time);
    for (key, value) in [
        ("kind", "panic"),
        ("reason", "disk on fire"),
        ("exception.type", "panic"),
        ("exception.message", "disk on fire"),
    ] {
        assert!(
            event.attributes.contains(&KeyValue::new(key, value)),
            "{key} missing from {:?}",
            event.attributes
        );
    }
    assert_eq!(attribute(exported, "path"), Some(&"README".into()));
}

static AUTH: SpanSlots =
    SpanSlots::with_sensitive_keys(&["memsens", "auth"], &["password", "token"]);

#[test]
fn sensitive_span_metadata_is_exported_redacted() {
    let h = Harness::new(Config::new("mem-sens").span("memsens.auth").unwrap());
    AUTH.spanned(&fields!(user = "ann", password = "hunter2"), || {
        Spanned::new((), fields!(token = "t0k3n"))
    });
    let spans = h.finished_spans();
    let exported = by_name(&spans, "memsens.auth");
    assert_eq!(attribute(exported, "user"), Some(&"ann".into()));
    assert_eq!(attribute(exported, "password"), Some(&REDACTED.into()));
    assert_eq!(attribute(exported, "token"), Some(&REDACTED.into()));
    assert!(!format!("{spans:?}").contains("hunter2"));
}

fn log_attribute<'a>(log: &'a LogDataWithResource, key: &str) -> Option<&'a AnyValue> {
    log.record
        .attributes_iter()
        .find(|(k, _)| k == &Key::from(key.to_owned()))
        .map(|(_, v)| v)
}

#[test]
fn a_standalone_event_is_a_log_record_in_the_current_span() {
    let h = Harness::new(
        Config::new("mem-log")
            .span("memlog.fetch")
            .unwrap()
            .event("memlog.haves_sent")
            .unwrap(),
    );
    let inside = span("memlog.fetch", &[], || {
        execute(
            "memlog.haves_sent",
            &fields!(count = 3u64),
            &fields!(sha = "abc"),
        )
        .unwrap();
        current_span().unwrap()
    })
    .unwrap();
    let logs = h.log_records();
    assert_eq!(logs.len(), 1);
    let log = &logs[0];
    assert_eq!(log.record.event_name(), Some("memlog.haves_sent"));
    assert_eq!(log_attribute(log, "count"), Some(&AnyValue::Int(3)));
    assert_eq!(log_attribute(log, "sha"), Some(&AnyValue::from("abc")));
    let trace = log.record.trace_context().unwrap();
    assert_eq!(trace.trace_id, otel_trace_id(inside));
    assert_eq!(trace.span_id, otel_span_id(inside));
}

#[test]
fn a_standalone_event_outside_any_span_is_a_log_record_without_trace() {
    let h = Harness::new(
        Config::new("mem-log-root")
            .event("memlogroot.tick")
            .unwrap(),
    );
    execute("memlogroot.tick", &fields!(count = 1u64), &[]).unwrap();
    let logs = h.log_records();
    assert_eq!(logs.len(), 1);
    assert!(logs[0].record.trace_context().is_none());
}

#[test]
fn sensitive_event_metadata_is_exported_redacted() {
    let h = Harness::new(
        Config::new("mem-log-sens")
            .event("memlogsens.login")
            .unwrap(),
    );
    execute_with_sensitive_keys(
        "memlogsens.login",
        &fields!(count = 1u64),
        &fields!(client = "cli", token = "s3cret"),
        &["token"],
    )
    .unwrap();
    let logs = h.log_records();
    assert_eq!(
        log_attribute(&logs[0], "token"),
        Some(&AnyValue::from(REDACTED))
    );
    assert_eq!(
        log_attribute(&logs[0], "client"),
        Some(&AnyValue::from("cli"))
    );
    assert!(!format!("{logs:?}").contains("s3cret"));
}

#[test]
fn the_resource_carries_the_configured_service_name() {
    let h = Harness::new(
        Config::new("mem-resource")
            .service_name("exgit-test")
            .event("memres.tick")
            .unwrap(),
    );
    execute("memres.tick", &[], &[]).unwrap();
    let logs = h.log_records();
    let name = logs[0]
        .resource
        .get(&Key::from_static_str("service.name"))
        .unwrap();
    assert_eq!(name, "exgit-test".into());
}

#[test]
fn a_span_whose_start_was_not_seen_is_counted_not_exported() {
    let spans = InMemorySpanExporter::default();
    let logs = InMemoryLogExporter::default();
    let mut late: Option<Bridge> = None;
    // A capture makes the span emit its events whoever listens.
    capture(|| {
        span("memlate.work", &[], || {
            // Installed while the span runs: its stop arrives without a start.
            late = Some(
                install_with(
                    Config::new("mem-late").span("memlate.work").unwrap(),
                    spans.clone(),
                    logs.clone(),
                )
                .unwrap(),
            );
        })
    })
    .result
    .unwrap();
    let bridge = late.unwrap();
    assert!(bridge.force_flush(Duration::from_secs(10)));
    assert!(spans.get_finished_spans().unwrap().is_empty());
    assert_eq!(bridge.dropped_spans().start_not_seen, 1);
}

#[test]
fn shutdown_exports_what_is_queued_and_detaches() {
    let spans = Recording::default();
    let bridge = install_with(
        Config::new("mem-shutdown")
            .span("memshut.work")
            .unwrap()
            .batch_delay(Duration::from_secs(3600)),
        spans.clone(),
        InMemoryLogExporter::default(),
    )
    .unwrap();
    span("memshut.work", &[], || ()).unwrap();
    assert!(bridge.shutdown(Duration::from_secs(10)));
    assert_eq!(spans.0.lock().unwrap().len(), 1);
    assert!(telemetry_runtime::list_handlers(&["memshut"]).is_empty());
}

#[test]
fn an_empty_configuration_is_refused() {
    let result = install_with(
        Config::new("mem-empty"),
        InMemorySpanExporter::default(),
        InMemoryLogExporter::default(),
    );
    assert!(matches!(
        result,
        Err(telemetry_opentelemetry::InstallError::NoEvents)
    ));
}

#[test]
fn a_taken_handler_id_is_refused() {
    let _first = Harness::new(Config::new("mem-dup").event("memdup.a").unwrap());
    let second = install_with(
        Config::new("mem-dup").event("memdup.b").unwrap(),
        InMemorySpanExporter::default(),
        InMemoryLogExporter::default(),
    );
    assert!(matches!(
        second,
        Err(telemetry_opentelemetry::InstallError::Attach(_))
    ));
}

/// Keeps what it exported across shutdown (the SDK's in-memory exporter forgets it).
#[derive(Clone, Debug, Default)]
struct Recording(std::sync::Arc<std::sync::Mutex<Vec<SpanData>>>);

impl SpanExporter for Recording {
    fn export(
        &self,
        batch: Vec<SpanData>,
    ) -> impl std::future::Future<Output = opentelemetry_sdk::error::OTelSdkResult> + Send {
        self.0.lock().unwrap().extend(batch);
        std::future::ready(Ok(()))
    }
}

#[test]
fn a_span_under_a_remote_parent_is_exported_with_its_trace_state() {
    let h = Harness::new(Config::new("mem-remote").span("memremote.handle").unwrap());
    let remote = TraceContext::from_headers(
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        Some("rojo=00f067aa0ba902b7"),
    )
    .unwrap();
    {
        let _entered = remote.enter();
        span("memremote.handle", &[], || ()).unwrap();
    }
    let spans = h.finished_spans();
    let exported = by_name(&spans, "memremote.handle");
    assert_eq!(
        exported.span_context.trace_id(),
        OtelTraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap()
    );
    assert_eq!(
        exported.parent_span_id,
        OtelSpanId::from_hex("00f067aa0ba902b7").unwrap()
    );
    assert!(exported.parent_span_is_remote);
    assert_eq!(
        exported.span_context.trace_state().header(),
        "rojo=00f067aa0ba902b7"
    );
}

#[test]
fn a_catalogue_prefix_exports_the_spans_under_it() {
    use exgit_like::fs::Repo;
    use exgit_like::refs::CloneOptions;
    use exgit_like::telemetry::CATALOG;
    use exgit_like::transport::{Remote, Transport};

    let h = Harness::new(Config::new("mem-catalog").catalog_under(&CATALOG, &["exgit", "fs"]));
    let remote = Remote::shared();
    remote
        .lock()
        .unwrap()
        .commit("refs/heads/main", &[("README", "hello\n")], "first");
    let transport = Transport::connect("https://example.com/repo.git", remote).unwrap();
    let repo = Repo::clone(&transport, CloneOptions::lazy()).unwrap();
    repo.read_path("HEAD", "README").unwrap();
    repo.stat("HEAD", "README").unwrap();
    let spans = h.finished_spans();
    let names: Vec<&str> = spans.iter().map(|s| s.name.as_ref()).collect();
    assert!(names.contains(&"exgit.fs.read_path"), "{names:?}");
    assert!(names.contains(&"exgit.fs.stat"), "{names:?}");
    assert!(
        names.iter().all(|n| n.starts_with("exgit.fs.")),
        "{names:?}"
    );
}
