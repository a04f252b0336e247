use telemetry_runtime as telemetry;

#[telemetry::event("demo.cache.overfull")]
pub struct CacheOverfull {
    #[measurement]
    pub bytes: u64,
    pub cap: u32,
    pub policy: Policy,
}

#[derive(telemetry::Atom, Clone, Copy)]
pub enum Policy {
    Log,
    Error,
    Callback,
}

fn main() {
    // A struct literal with a value of another type than the field's, and a field the
    // struct does not have: each reported once, on the user's tokens.
    telemetry::emit!(CacheOverfull { bytes: "many", cap: 8, policy: Policy::Log });
    telemetry::emit!(CacheOverfull { bytes: 9, cap: 8, policy: Policy::Log, extra: 1 });
}
