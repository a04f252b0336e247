//! The official OTLP/HTTP exporter sending to a loopback receiver that decodes the
//! protobuf with the official definitions.

mod support;

use std::time::Duration;

use opentelemetry_proto::tonic::common::v1::KeyValue as ProtoKeyValue;
use opentelemetry_proto::tonic::common::v1::any_value::Value as ProtoValue;
use opentelemetry_proto::tonic::trace::v1::status::StatusCode;
use support::Receiver;
use telemetry_opentelemetry::{Config, REDACTED, install};
use telemetry_runtime::{
    SpanSlots, Spanned, capture, current_span, execute, fields, span, spanned,
};

fn string_attribute(attributes: &[ProtoKeyValue], key: &str) -> Option<String> {
    match support::attribute(attributes, key) {
        Some(ProtoValue::StringValue(s)) => Some(s.clone()),
        _ => None,
    }
}

fn int_attribute(attributes: &[ProtoKeyValue], key: &str) -> Option<i64> {
    match support::attribute(attributes, key) {
        Some(ProtoValue::IntValue(n)) => Some(*n),
        _ => None,
    }
}

static LOGIN: SpanSlots = SpanSlots::with_sensitive_keys(&["otlp", "login"], &["password"]);

#[test]
fn spans_and_events_reach_a_collector_as_otlp_protobuf() {
    let receiver = Receiver::start();
    let bridge = install(
        Config::new("otlp-real")
            .endpoint(&receiver.endpoint)
            .service_name("otlp-test")
            .span("otlp.fetch")
            .unwrap()
            .span("otlp.parse")
            .unwrap()
            .span("otlp.login")
            .unwrap()
            .event("otlp.haves_sent")
            .unwrap(),
    )
    .unwrap();
    let captured = capture(|| {
        spanned(
            "otlp.fetch",
            &fields!(url = "https://example.com/r.git"),
            || {
                execute(
                    "otlp.haves_sent",
                    &fields!(count = 3u64),
                    &fields!(sha = "abc"),
                )
                .unwrap();
                let _ = std::panic::catch_unwind(|| {
                    span("otlp.parse", &fields!(byte_size = 10u64), || {
                        panic!("bad pack")
                    })
                });
                LOGIN.span(&fields!(user = "ann", password = "hunter2"), || ());
                Spanned::new(current_span().unwrap(), fields!(object_count = 4u64))
            },
        )
    });
    let fetch = captured.result.unwrap();
    assert!(bridge.shutdown(Duration::from_secs(20)));
    assert!(receiver.wait_for(|r| r.spans().len() == 3 && r.log_records().len() == 1));

    let spans = receiver.spans();
    let find = |name: &str| spans.iter().find(|s| s.name == name).unwrap().clone();
    let (outer, parse, login) = (find("otlp.fetch"), find("otlp.parse"), find("otlp.login"));
    assert_eq!(outer.trace_id, fetch.trace_id().to_bytes());
    assert_eq!(outer.span_id, fetch.id().to_bytes());
    assert!(outer.parent_span_id.is_empty());
    assert_eq!(parse.parent_span_id, fetch.id().to_bytes());
    assert_eq!(parse.trace_id, fetch.trace_id().to_bytes());

    let start = captured.events[0]
        .measurement("system_time")
        .unwrap()
        .as_u64()
        .unwrap();
    let stop = captured
        .events
        .iter()
        .find(|e| e.name() == "otlp.fetch.stop")
        .unwrap();
    let duration = stop.measurement("duration").unwrap().as_u64().unwrap();
    assert_eq!(outer.start_time_unix_nano, start);
    assert_eq!(outer.end_time_unix_nano, start + duration);
    assert_eq!(int_attribute(&outer.attributes, "object_count"), Some(4));
    assert_eq!(
        string_attribute(&outer.attributes, "url").as_deref(),
        Some("https://example.com/r.git")
    );

    let status = parse.status.unwrap();
    assert_eq!(status.code, StatusCode::Error as i32);
    assert_eq!(status.message, "bad pack");
    assert_eq!(parse.events[0].name, "exception");
    assert_eq!(
        string_attribute(&parse.events[0].attributes, "kind").as_deref(),
        Some("panic")
    );
    assert_eq!(
        string_attribute(&parse.events[0].attributes, "reason").as_deref(),
        Some("bad pack")
    );

    assert_eq!(
        string_attribute(&login.attributes, "password").as_deref(),
        Some(REDACTED)
    );
    assert_eq!(
        string_attribute(&login.attributes, "user").as_deref(),
        Some("ann")
    );

    let logs = receiver.log_records();
    assert_eq!(logs[0].event_name, "otlp.haves_sent");
    assert_eq!(logs[0].trace_id, fetch.trace_id().to_bytes());
    assert_eq!(logs[0].span_id, fetch.id().to_bytes());
    assert_eq!(int_attribute(&logs[0].attributes, "count"), Some(3));
    assert!(
        receiver
            .service_names()
            .iter()
            .all(|n| n.contains("otlp-test"))
    );
}
