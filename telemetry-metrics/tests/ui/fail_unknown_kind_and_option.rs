fn main() {
    telemetry_metrics::metrics! {
        use charon_like;
        histogram("charon.session.create.count"),
        counter("charon.session.create.count", tag = ["session_type"]),
    };
}
