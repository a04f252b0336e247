fn main() {
    telemetry_metrics::metrics! {
        use exgit_like;
        summary("exgit.fs.grep.stop.duration", unit = byte -> kilobyte),
        sum("exgit.object_store.haves_sent.count", unit = native -> millisecond),
        summary("exgit.fs.ls.stop.duration", unit = native -> milisecond),
        summary("exgit.fs.stat.stop.duration", unit = native -> kilobyte),
    };
}
