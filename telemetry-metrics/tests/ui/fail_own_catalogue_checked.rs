// Definitions over the crate's own events are checked against its own catalogue.
fn main() {
    telemetry_metrics::metrics! {
        use crate;
        sum("uicase.upload.done.byts"),
        sum("uicase.upload.done.bytes", unit = native -> millisecond),
        counter("uicase.upload.done.count", tags = ["queu"]),
    };
}
