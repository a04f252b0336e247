fn main() {
    telemetry_metrics::metrics! {
        use exgit_like;
        distribution("exgit.fs.grep.stop.duration", unit = native -> millisecond),
        distribution("exgit.fs.ls.stop.duration", buckets = [10, 5]),
    };
}
