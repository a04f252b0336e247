// A unit named alone on a plain number may be any label, but not a misspelled unit.
fn main() {
    telemetry_metrics::metrics! {
        use exgit_like;
        sum("exgit.object_store.haves_sent.count", unit = milisecond),
    };
}
