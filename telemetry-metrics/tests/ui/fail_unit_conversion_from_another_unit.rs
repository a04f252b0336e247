// A conversion starts from the unit the measurement is in: `byte` for the cache sizes.
fn main() {
    telemetry_metrics::metrics! {
        use exgit_like;
        last_value("exgit.object_store.cache_overfull.bytes", unit = native -> millisecond),
        last_value("exgit.object_store.cache_overfull.cap", unit = kilobyte -> megabyte),
    };
}
