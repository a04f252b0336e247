//! A loopback OTLP/HTTP receiver for tests: it decodes what the official exporter sends
//! with the official protobuf definitions.

#![allow(dead_code, unreachable_pub)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::logs::v1::LogRecord;
use opentelemetry_proto::tonic::metrics::v1::Metric;
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;

/// What the receiver got, decoded.
#[derive(Default)]
pub struct Received {
    pub traces: Vec<ExportTraceServiceRequest>,
    pub logs: Vec<ExportLogsServiceRequest>,
    pub metrics: Vec<ExportMetricsServiceRequest>,
    pub requests: usize,
}

/// A receiver on `127.0.0.1` with an ephemeral port. `delay` holds every answer back,
/// to play a slow collector.
pub struct Receiver {
    pub endpoint: String,
    received: Arc<Mutex<Received>>,
}

impl Receiver {
    pub fn start() -> Self {
        Self::with_delay(Duration::ZERO)
    }

    pub fn with_delay(delay: Duration) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Received::default()));
        let sink = Arc::clone(&received);
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let sink = Arc::clone(&sink);
                thread::spawn(move || serve(stream, &sink, delay));
            }
        });
        Receiver { endpoint, received }
    }

    /// The spans received so far.
    pub fn spans(&self) -> Vec<Span> {
        let received = self.received.lock().unwrap();
        received
            .traces
            .iter()
            .flat_map(|r| &r.resource_spans)
            .flat_map(|r| &r.scope_spans)
            .flat_map(|s| s.spans.clone())
            .collect()
    }

    /// The log records received so far.
    pub fn log_records(&self) -> Vec<LogRecord> {
        let received = self.received.lock().unwrap();
        received
            .logs
            .iter()
            .flat_map(|r| &r.resource_logs)
            .flat_map(|r| &r.scope_logs)
            .flat_map(|s| s.log_records.clone())
            .collect()
    }

    /// The metrics of the last metric export received (cumulative: the latest values).
    pub fn last_metrics(&self) -> Vec<Metric> {
        let received = self.received.lock().unwrap();
        received
            .metrics
            .last()
            .into_iter()
            .flat_map(|r| &r.resource_metrics)
            .flat_map(|r| &r.scope_metrics)
            .flat_map(|s| s.metrics.clone())
            .collect()
    }

    /// How many metric exports were received.
    pub fn metric_exports(&self) -> usize {
        self.received.lock().unwrap().metrics.len()
    }

    /// The `service.name` of every resource received with metrics.
    pub fn metric_service_names(&self) -> Vec<String> {
        let received = self.received.lock().unwrap();
        service_names(
            received
                .metrics
                .iter()
                .flat_map(|r| &r.resource_metrics)
                .map(|r| &r.resource),
        )
    }

    /// The `service.name` of every resource received with spans.
    pub fn service_names(&self) -> Vec<String> {
        let received = self.received.lock().unwrap();
        service_names(
            received
                .traces
                .iter()
                .flat_map(|r| &r.resource_spans)
                .map(|r| &r.resource),
        )
    }

    /// Every resource attribute received with spans, as `key=value` (values debug-printed).
    pub fn resource_attributes(&self) -> Vec<String> {
        let received = self.received.lock().unwrap();
        attributes(
            received
                .traces
                .iter()
                .flat_map(|r| &r.resource_spans)
                .map(|r| &r.resource),
        )
        .map(|kv| format!("{}={}", kv.key, shown(kv)))
        .collect()
    }

    pub fn requests(&self) -> usize {
        self.received.lock().unwrap().requests
    }

    /// Waits (boundedly) until `done` holds for what was received.
    pub fn wait_for(&self, done: impl Fn(&Self) -> bool) -> bool {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if done(self) {
                return true;
            }
            thread::sleep(Duration::from_millis(10));
        }
        done(self)
    }
}

/// The attributes of every resource present.
fn attributes<'a>(
    resources: impl Iterator<Item = &'a Option<Resource>>,
) -> impl Iterator<Item = &'a KeyValue> {
    resources.flatten().flat_map(|r| &r.attributes)
}

/// The `service.name` of every resource present, debug-printed.
fn service_names<'a>(resources: impl Iterator<Item = &'a Option<Resource>>) -> Vec<String> {
    attributes(resources)
        .filter(|kv| kv.key == "service.name")
        .map(shown)
        .collect()
}

/// The value of the attribute `key`, if present.
pub fn attribute<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a Value> {
    attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref())
        .and_then(|v| v.value.as_ref())
}

/// An attribute's value, debug-printed.
fn shown(kv: &KeyValue) -> String {
    format!("{:?}", kv.value.as_ref().and_then(|v| v.value.as_ref()))
}

/// The binary of this package's example `name`. Tests run from target/<profile>/deps;
/// cargo builds the examples into target/<profile>/examples when it builds the package's
/// tests.
pub fn example_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let binary = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.exists(),
        "{} is missing: run `cargo build -p telemetry-opentelemetry --example {name}` \
         (cargo test builds it unless tests are filtered by target)",
        binary.display()
    );
    binary
}

/// An endpoint where nothing listens: a port that was bound, then released.
pub fn unreachable_endpoint() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    endpoint
}

fn serve(stream: TcpStream, sink: &Mutex<Received>, delay: Duration) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    // One connection carries several requests (keep-alive); at most a bounded number.
    for _ in 0..10_000 {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let path = request_line
            .split_whitespace()
            .nth(1)
            .unwrap_or("")
            .to_owned();
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        {
            let mut received = sink.lock().unwrap();
            received.requests += 1;
            match path.as_str() {
                "/v1/traces" => received
                    .traces
                    .push(ExportTraceServiceRequest::decode(body.as_slice()).unwrap()),
                "/v1/logs" => received
                    .logs
                    .push(ExportLogsServiceRequest::decode(body.as_slice()).unwrap()),
                "/v1/metrics" => received
                    .metrics
                    .push(ExportMetricsServiceRequest::decode(body.as_slice()).unwrap()),
                other => panic!("unexpected OTLP path {other}"),
            }
        }
        thread::sleep(delay);
        let answer =
            "HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\n\r\n";
        if writer.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}
