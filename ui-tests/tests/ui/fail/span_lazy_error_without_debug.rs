use telemetry_runtime::{span, stop};

struct Opaque;

#[span("demo.fs.walk", lazy)]
fn walk(reference: &str) -> Result<impl Iterator<Item = u64>, Opaque> {
    if reference.is_empty() {
        return Err(Opaque);
    }
    stop!(file_count = 0u64);
    Ok(0..3u64)
}

fn main() {}
