//! The Prometheus endpoint's server: what it answers, what it refuses, and that it stops.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use telemetry_metrics::{Metrics, serve_prometheus};

fn exchange(addr: std::net::SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let _ = stream.write_all(request);
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response
}

#[test]
fn a_get_is_answered_with_the_exposition_format() {
    let endpoint = serve_prometheus("127.0.0.1:0", &Metrics::default()).unwrap();
    let response = exchange(
        endpoint.local_addr(),
        b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(
        response.contains("Content-Type: text/plain; version=0.0.4"),
        "{response}"
    );
}

#[test]
fn other_methods_are_refused() {
    let endpoint = serve_prometheus("127.0.0.1:0", &Metrics::default()).unwrap();
    let response = exchange(endpoint.local_addr(), b"POST /metrics HTTP/1.1\r\n\r\n");
    assert!(response.starts_with("HTTP/1.1 405"), "{response}");
}

#[test]
fn an_oversized_request_is_dropped_and_the_server_keeps_serving() {
    let endpoint = serve_prometheus("127.0.0.1:0", &Metrics::default()).unwrap();
    let huge = vec![b'a'; 64 * 1024];
    assert_eq!(exchange(endpoint.local_addr(), &huge), "");
    let response = exchange(endpoint.local_addr(), b"GET / HTTP/1.1\r\n\r\n");
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
}

#[test]
fn a_dropped_endpoint_stops_listening() {
    let endpoint = serve_prometheus("127.0.0.1:0", &Metrics::default()).unwrap();
    let addr = endpoint.local_addr();
    drop(endpoint);
    assert!(TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err());
}

#[test]
fn an_address_in_use_is_an_error() {
    let first = serve_prometheus("127.0.0.1:0", &Metrics::default()).unwrap();
    let second = serve_prometheus(first.local_addr(), &Metrics::default());
    assert!(matches!(
        second,
        Err(telemetry_metrics::PrometheusError::Bind(_))
    ));
}
