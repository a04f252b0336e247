fn main() {
    telemetry_metrics::metrics! {
        use exgit_like;
        counter("exgit.fs.grep.stop.count", tags = ["referense"]),
    };
}
