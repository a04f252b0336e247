// Definitions over two libraries' events, every kind and option.
use telemetry_runtime::Value;

fn main() {
    let metrics = telemetry_metrics::metrics! {
        use exgit_like, charon_like;

        counter("exgit.fs.grep.stop.count", tags = ["reference", "path_glob"]),
        sum("exgit.object_store.haves_sent.count", prometheus_type = counter),
        last_value("exgit.object_store.cache_overfull.bytes", unit = byte -> megabyte),
        summary("exgit.fs.ls.stop.duration", unit = native -> microsecond, description = "Listing time."),
        distribution("exgit.fs.grep.stop.duration", unit = nanosecond -> second, buckets = [0.001, 0.01, 1]),
        summary("charon.token.invalid.user", event_name = "charon.token.invalid",
            measurement = |_, metadata| metadata.get("user_id").and_then(|v| v.as_f64())),
        counter("charon.session.create.count", tags = ["kind"], max_series = 10,
            keep = |_, measurements| measurements.get("count").is_some(),
            tag_values = |metadata| [metadata.get("session_type").unwrap_or(Value::Str("?"))]);
        counter("exgit.pack.parse.exception.count", tags = ["kind", "byte_size"]),
    };
    assert_eq!(metrics.len(), 8);
}
