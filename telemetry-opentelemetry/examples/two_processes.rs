//! Two processes, one trace: a client process calls a server process over HTTP on
//! loopback, sending its span's `traceparent`; the server continues the trace. Both
//! export their spans over OTLP to the collector at `OTEL_EXPORTER_OTLP_ENDPOINT`.
//!
//! ```text
//! OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 cargo run -p telemetry-opentelemetry --example two_processes
//! ```
//!
//! Without a collector the spans are counted as dropped (the program says how many) and
//! nothing waits for long.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::Duration;

use telemetry_opentelemetry::{Bridge, Config, extract, inject, install};
use telemetry_runtime::{current_span, fields, span};

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    match std::env::args().nth(1).as_deref() {
        Some("server") => server(),
        _ => client(),
    }
}

fn client() -> Result<(), Error> {
    // The service name in code; the server takes its own from OTEL_SERVICE_NAME.
    let bridge = install(
        Config::new("two-processes")
            .service_name("two-processes-client")
            .span("twoproc.client.request")?,
    )?;
    let mut server = Command::new(std::env::current_exe()?)
        .arg("server")
        .env("OTEL_SERVICE_NAME", "two-processes-server")
        .stdout(Stdio::piped())
        .spawn()?;
    let mut lines = BufReader::new(server.stdout.take().ok_or("no server stdout")?).lines();
    let address = lines.next().ok_or("the server did not start")??;

    let (trace, answer) = span(
        "twoproc.client.request",
        &fields!(server = address.as_str()),
        || {
            let mut headers = HashMap::new();
            inject(&mut headers);
            let trace = current_span().map(|s| s.trace_id().to_string());
            (trace, request(&address, &headers))
        },
    )?;
    let answer = answer?;
    let status = server.wait()?;
    println!("client: trace {}", trace.unwrap_or_default());
    println!("client: the server answered {answer:?} and exited with {status}");
    finish("client", &bridge);
    if status.success() {
        Ok(())
    } else {
        Err("the server failed".into())
    }
}

fn request(address: &str, headers: &HashMap<String, String>) -> Result<String, Error> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut head = format!("GET /objects HTTP/1.1\r\nhost: {address}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("connection: close\r\n\r\n");
    stream.write_all(head.as_bytes())?;
    let mut status = String::new();
    BufReader::new(stream).read_line(&mut status)?;
    Ok(status.trim_end().to_owned())
}

fn server() -> Result<(), Error> {
    let bridge = install(Config::new("two-processes").span("twoproc.server.handle")?)?;
    let listener = TcpListener::bind("127.0.0.1:0")?;
    println!("{}", listener.local_addr()?);
    std::io::stdout().flush()?;
    let (stream, _) = listener.accept()?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut headers = HashMap::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
            break;
        }
        if let Some((name, value)) = line.trim_end().split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    // Continue the caller's trace; a missing or malformed traceparent starts a new one.
    let remote = extract(&headers).ok().flatten();
    let _entered = remote.map(|context| context.enter());
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_owned();
    span(
        "twoproc.server.handle",
        &fields!(path = path.as_str()),
        || {
            let mut stream = &stream;
            stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        },
    )??;
    drop(_entered);
    finish("server", &bridge);
    Ok(())
}

fn finish(role: &str, bridge: &Bridge) {
    let exported = bridge.shutdown(Duration::from_secs(10));
    let dropped = bridge.dropped_spans().total();
    if dropped > 0 || !exported {
        eprintln!(
            "{role}: {dropped} span(s) not exported: is a collector listening at \
             OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318)?"
        );
    }
}
