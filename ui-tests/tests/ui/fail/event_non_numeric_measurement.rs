#[derive(telemetry_runtime::Atom)]
pub enum Policy {
    Log,
}

#[telemetry_runtime::event("demo.cache.overfull")]
pub struct CacheOverfull<'a> {
    #[measurement]
    pub bytes: &'a str,
    pub cap: u64,
    pub policy: Policy,
}

fn main() {}
