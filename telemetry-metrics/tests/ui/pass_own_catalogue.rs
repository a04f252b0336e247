// `use crate` names the catalogue that governs this file, beside a library's.
fn main() {
    let metrics = telemetry_metrics::metrics! {
        use crate, exgit_like;
        sum("uicase.upload.done.bytes", unit = byte -> kilobyte, tags = ["queue"]),
        last_value("uicase.upload.done.attempts"),
        counter("exgit.fs.grep.stop.count"),
    };
    assert_eq!(metrics.len(), 3);
}
