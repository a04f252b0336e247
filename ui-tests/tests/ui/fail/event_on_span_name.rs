#[telemetry_runtime::event("demo.fs.grep")]
pub struct Grep<'a> {
    pub reference: &'a str,
}

fn main() {}
