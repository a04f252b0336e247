fn main() {
    telemetry_metrics::metrics! {
        use exgit_like, charon_like;
        summary("exgit.fs.grep.stop.duraton"),
        sum("charon.session.create.cuont"),
    };
}
