// A counter counts events: there is no unit to convert.
fn main() {
    telemetry_metrics::metrics! {
        use exgit_like;
        counter("exgit.fs.grep.stop.duration", unit = native -> millisecond),
    };
}
