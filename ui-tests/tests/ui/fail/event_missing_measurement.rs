#[derive(telemetry_runtime::Atom)]
pub enum Policy {
    Log,
}

#[telemetry_runtime::event("demo.cache.overfull")]
pub struct CacheOverfull {
    pub cap: u64,
    pub policy: Policy,
}

fn main() {}
