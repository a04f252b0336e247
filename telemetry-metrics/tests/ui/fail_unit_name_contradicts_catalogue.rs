// A unit named alone labels the values as they are: it must be the measurement's unit.
fn main() {
    telemetry_metrics::metrics! {
        use exgit_like;
        last_value("exgit.object_store.cache_overfull.bytes", unit = kilobyte),
        last_value("exgit.object_store.cache_overfull.cap", unit = entry),
        summary("exgit.fs.ls.stop.duration", unit = millisecond),
    };
}
