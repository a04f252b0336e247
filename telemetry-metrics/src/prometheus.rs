//! A Prometheus endpoint in one line: the definitions recorded through the `metrics`
//! facade into a `metrics-exporter-prometheus` recorder of their own, and served over
//! HTTP by a small server on the address the caller chooses.
//!
//! The server is plain `std`: it answers `GET /metrics` (any path, in fact) with the text
//! exposition format and closes the connection, reads at most a few kilobytes of a
//! request with a timeout, and serves one connection at a time, which is what a scraper
//! needs. Binding it here, rather than inside the exporter, is what lets a caller ask for
//! port 0 and learn the port it got.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::attach::Attachment;
use crate::definition::{Kind, Metrics};
use crate::facade::record_into;

/// The most bytes of a request the server reads; a scrape request is far smaller.
const MAX_REQUEST: usize = 8 * 1024;
/// How long a client may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// How often histograms and summaries are compacted between scrapes, so their memory
/// stays bounded however rarely the endpoint is scraped.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// Why the endpoint could not start.
#[derive(Debug)]
pub enum PrometheusError {
    /// The address could not be bound.
    Bind(io::Error),
    /// A distribution's buckets were refused by the exporter.
    Buckets(String),
    /// A definition's handler could not be attached.
    Attach(telemetry_runtime::AttachError),
}

impl fmt::Display for PrometheusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrometheusError::Bind(e) => write!(f, "cannot listen for Prometheus scrapes: {e}"),
            PrometheusError::Buckets(e) => write!(f, "a distribution's buckets were refused: {e}"),
            PrometheusError::Attach(e) => write!(f, "cannot attach the metrics: {e}"),
        }
    }
}

impl std::error::Error for PrometheusError {}

/// A running Prometheus endpoint; dropping it detaches the metrics and stops the server.
#[must_use = "dropping the endpoint stops it"]
pub struct PrometheusEndpoint {
    addr: SocketAddr,
    handle: PrometheusHandle,
    stop: Arc<AtomicBool>,
    upkeep_stop: Option<mpsc::Sender<()>>,
    threads: Vec<JoinHandle<()>>,
    _attachment: Attachment,
}

impl fmt::Debug for PrometheusEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrometheusEndpoint")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// Serves `metrics` to Prometheus at `http://<addr>/metrics` (port 0 picks a free port;
/// see [`PrometheusEndpoint::local_addr`]). Distributions become histograms with their
/// definitions' buckets; summaries become summaries.
///
/// ```no_run
/// # let metrics = telemetry_metrics::Metrics::default();
/// let endpoint = telemetry_metrics::serve_prometheus("127.0.0.1:9568", &metrics)?;
/// println!("scrape http://{}/metrics", endpoint.local_addr());
/// # Ok::<(), telemetry_metrics::PrometheusError>(())
/// ```
pub fn serve_prometheus(
    addr: impl ToSocketAddrs,
    metrics: &Metrics,
) -> Result<PrometheusEndpoint, PrometheusError> {
    let mut builder = PrometheusBuilder::new();
    for metric in metrics.iter().filter(|m| m.kind() == Kind::Distribution) {
        builder = builder
            .set_buckets_for_metric(
                Matcher::Full(metric.exported_name().to_owned()),
                metric.bucket_bounds(),
            )
            .map_err(|e| PrometheusError::Buckets(e.to_string()))?;
    }
    let recorder = builder.build_recorder();
    let handle = recorder.handle();
    let listener = TcpListener::bind(addr).map_err(PrometheusError::Bind)?;
    let addr = listener.local_addr().map_err(PrometheusError::Bind)?;
    let attachment = record_into(&format!("prometheus@{addr}"), metrics, Arc::new(recorder))
        .map_err(PrometheusError::Attach)?;

    let stop = Arc::new(AtomicBool::new(false));
    let server = {
        let (handle, stop) = (handle.clone(), Arc::clone(&stop));
        std::thread::Builder::new()
            .name("prometheus-endpoint".into())
            .spawn(move || serve(&listener, &handle, &stop))
            .map_err(PrometheusError::Bind)?
    };
    let (upkeep_stop, stopped) = mpsc::channel::<()>();
    let upkeep = {
        let handle = handle.clone();
        std::thread::Builder::new()
            .name("prometheus-upkeep".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(UPKEEP_EVERY) {
                    handle.run_upkeep();
                }
            })
            .map_err(PrometheusError::Bind)?
    };
    Ok(PrometheusEndpoint {
        addr,
        handle,
        stop,
        upkeep_stop: Some(upkeep_stop),
        threads: vec![server, upkeep],
        _attachment: attachment,
    })
}

impl PrometheusEndpoint {
    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The exposition text a scrape would get now.
    pub fn render(&self) -> String {
        self.handle.render()
    }
}

impl Drop for PrometheusEndpoint {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.upkeep_stop.take();
        // Wake the blocking accept so the server sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

fn serve(listener: &TcpListener, handle: &PrometheusHandle, stop: &AtomicBool) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        if let Ok(stream) = stream {
            // A client that goes away mid-request is its own problem, not the server's.
            let _ = answer(stream, handle);
        }
    }
}

fn answer(mut stream: TcpStream, handle: &PrometheusHandle) -> io::Result<()> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    stream.set_write_timeout(Some(READ_TIMEOUT))?;
    let mut request = Vec::with_capacity(512);
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf)?;
        if n == 0 || request.len() + n > MAX_REQUEST {
            return Ok(());
        }
        request.extend_from_slice(&buf[..n]);
    }
    let (status, body) = if request.starts_with(b"GET ") {
        ("200 OK", handle.render())
    } else {
        (
            "405 Method Not Allowed",
            String::from("only GET is served\n"),
        )
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    stream.flush()
}
