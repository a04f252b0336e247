fn main() {
    telemetry_metrics::metrics! {
        use exgit_like;
        summary("exgit.fs.grep.duration"),
    };
}
