fn main() {
    telemetry_metrics::metrics! {
        use exgit_like;
        sum("exgit.object_store.cache_overfull.bytes", unit = byte -> kilobyte, prometheus_type = counter),
    };
}
