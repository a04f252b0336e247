fn main() {
    telemetry_metrics::metrics! {
        use exgit_like;
        last_value("exgit.fs.grep.stop.reference"),
    };
}
