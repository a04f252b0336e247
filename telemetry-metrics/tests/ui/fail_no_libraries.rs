fn main() {
    telemetry_metrics::metrics! {
        counter("exgit.fs.grep.stop.count"),
    };
}
