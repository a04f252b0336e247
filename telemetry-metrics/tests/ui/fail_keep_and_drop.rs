fn main() {
    telemetry_metrics::metrics! {
        use charon_like;
        counter("charon.session.create.count", keep = |_| true, drop = |_| false),
    };
}
