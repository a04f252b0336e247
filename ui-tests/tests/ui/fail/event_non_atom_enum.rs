pub enum Policy {
    Log,
    Error,
}

#[telemetry_runtime::event("demo.cache.overfull")]
pub struct CacheOverfull {
    pub bytes: u64,
    pub cap: u64,
    pub policy: Policy,
}

fn main() {}
