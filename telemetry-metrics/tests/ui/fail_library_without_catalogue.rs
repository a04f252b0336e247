fn main() {
    telemetry_metrics::metrics! {
        use telemetry_runtime;
        counter("exgit.fs.grep.stop.count"),
    };
}
