// `outcome` is the closed set :ok | :failed; `Retried` is neither.
#[derive(telemetry_runtime::Atom)]
pub enum Transport {
    Http,
    Ssh,
}

#[derive(telemetry_runtime::Atom)]
pub enum Outcome {
    Ok,
    Failed,
    Retried,
}

#[telemetry_runtime::span("demo.net.fetch")]
fn fetch(transport: Transport) {
    let _ = transport;
    telemetry_runtime::stop!(outcome = Outcome::Failed);
}

fn main() {}
