fn main() {
    telemetry_metrics::metrics! {
        use exgit_like;
        counter("exgit.fs.grpe.stop.count"),
    };
}
