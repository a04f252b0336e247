// `transport` is the closed set :http | :ssh; `Git` is neither.
#[derive(telemetry_runtime::Atom)]
pub enum Transport {
    Http,
    Ssh,
    Git,
}

#[derive(telemetry_runtime::Atom)]
pub enum Outcome {
    Ok,
    Failed,
}

#[telemetry_runtime::span("demo.net.fetch")]
fn fetch(transport: Transport) {
    let _ = transport;
    telemetry_runtime::stop!(outcome = Outcome::Ok);
}

fn main() {}
