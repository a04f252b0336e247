// Units that agree with the catalogues: conversions from the declared unit, the declared
// unit named alone, any label on a plain number or a counter, and a computed measurement
// converted in the unit it returns.
fn main() {
    let metrics = telemetry_metrics::metrics! {
        use exgit_like, charon_like;

        last_value("exgit.object_store.cache_overfull.bytes", unit = byte -> kilobyte),
        last_value("exgit.object_store.cache_overfull.cap", unit = byte),
        sum("service.overfull.bytes", event_name = "exgit.object_store.cache_overfull",
            measurement = "bytes", unit = byte, prometheus_type = counter),
        summary("exgit.fs.grep.stop.duration", unit = nanosecond),
        summary("exgit.fs.ls.stop.duration", unit = nanosecond -> microsecond),
        sum("exgit.object_store.haves_sent.count", unit = have),
        counter("charon.session.create.count", unit = session),
        sum("exgit.transport.fetch.stop.result_bytes",
            measurement = |_, metadata| metadata.get("result_bytes").and_then(|v| v.as_f64()),
            unit = byte -> megabyte),
    };
    assert_eq!(metrics.len(), 8);
}
