//! Serves the service's metrics to Prometheus while its workload runs.
//!
//! ```text
//! cargo run -p service-like --example prometheus -- [ADDR] [SECONDS]
//! ```
//! ADDR defaults to 127.0.0.1:9568 (port 0 picks a free one); the endpoint stays up for
//! SECONDS (default 60) after the workload, then the program exits by itself. It prints
//! the address, then what the workload emitted, as `key=value` lines a script can read.

use std::time::Duration;

use service_like::workload;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:9568".to_owned());
    let seconds: u64 = match args.next() {
        Some(s) => s
            .parse()
            .map_err(|_| format!("SECONDS must be a whole number, not {s:?}"))?,
        None => 60,
    };
    let metrics = service_like::metrics();
    let endpoint = telemetry_metrics::serve_prometheus(addr.as_str(), &metrics)?;
    println!("listening=http://{}/metrics", endpoint.local_addr());
    let exgit = workload::exgit(20)?;
    let charon = workload::charon(30)?;
    println!("greps={}", exgit.greps);
    println!("full_sessions={}", charon.full_sessions);
    println!("oauth2_sessions={}", charon.oauth2_sessions);
    println!("valid_tokens={}", charon.valid_tokens);
    println!("ready=1");
    std::thread::sleep(Duration::from_secs(seconds));
    drop(endpoint);
    Ok(())
}
