pub trait Search {
    #[telemetry_runtime::span("demo.fs.grep")]
    fn grep(&self, reference: &str, pattern: &str) -> usize;
}

pub struct Repo;

impl Search for Repo {
    fn grep(&self, _reference: &str, _pattern: &str) -> usize {
        0
    }
}

fn main() {}
