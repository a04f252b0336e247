// A conversion needs the unit the catalogue declares: these measurements declare none.
fn main() {
    telemetry_metrics::metrics! {
        use exgit_like, charon_like;
        sum("exgit.object_store.haves_sent.count", unit = byte -> kilobyte),
        sum("charon.token.valid.count", unit = nanosecond -> millisecond),
    };
}
