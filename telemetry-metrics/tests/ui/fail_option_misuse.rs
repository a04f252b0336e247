fn main() {
    telemetry_metrics::metrics! {
        use charon_like;
        counter("charon.session.create.count", measurement = "count"),
        counter("charon.session.refresh.count", max_series = 0),
        counter("charon.session.delete.count", tag_values = |_| []),
        counter("charon.session.delete_all.count", keep = |a, b, c| true),
        counter("charon.token.valid.count", tags = ["session loaded"], tag_values = |_| [telemetry_runtime::Value::Bool(true)]),
        summary("charon.token.invalid.count", buckets = [1]),
        last_value("charon.session.lock_conflict.count", prometheus_type = gauge),
    };
}
