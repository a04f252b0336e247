fn main() {
    telemetry_metrics::metrics! {
        use exgit_like;
        sum("exgit.fs.grep.stop.match_count"),
    };
}
