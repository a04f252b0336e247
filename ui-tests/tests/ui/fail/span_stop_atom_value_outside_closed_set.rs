// `outcome` is the closed set :ok | :failed; `Retried` is neither. The value's type is
// known only to the compiler here (no `Outcome::..` path), so this check runs when the
// crate is built, not under `cargo check`.
#[derive(telemetry_runtime::Atom)]
pub enum Transport {
    Http,
}

#[derive(telemetry_runtime::Atom)]
pub enum Outcome {
    Ok,
    Failed,
    Retried,
}

fn outcome_of(attempts: u32) -> Outcome {
    match attempts {
        0 => Outcome::Ok,
        1 => Outcome::Retried,
        _ => Outcome::Failed,
    }
}

#[telemetry_runtime::span("demo.net.fetch")]
fn fetch(transport: Transport, attempts: u32) {
    let _ = transport;
    telemetry_runtime::stop!(outcome = outcome_of(attempts));
}

fn main() {
    fetch(Transport::Http, 0);
}
