#[derive(telemetry_runtime::Atom)]
pub enum Policy {
    Log,
}

#[telemetry_runtime::event("demo.cache.overfull")]
pub struct CacheOverfull {
    pub bytes: u64,
    pub cap: u64,
    pub policy: Policy,
    #[measurement]
    pub size: u64,
}

fn main() {}
