fn main() {
    telemetry_metrics::metrics! {
        use exgit_like;
        counter("exgit.fs.grep.stop.duration"),
        summary("exgit.fs.grep.stop.duration"),
    };
}
