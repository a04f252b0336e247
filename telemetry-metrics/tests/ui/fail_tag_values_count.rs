use telemetry_runtime::Value;

fn main() {
    telemetry_metrics::metrics! {
        use charon_like;
        counter("charon.session.create.count",
            tags = ["kind", "user"],
            tag_values = |metadata| [metadata.get("session_type").unwrap_or(Value::Str(""))]),
    };
}
