fn main() {
    telemetry_metrics::metrics! {
        use exgit_like;
        counter("exgit.fs.grep.start.count", tags = ["reference", "match_count"]),
    };
}
