use telemetry_runtime as telemetry;

// A type of the user's own that converts to a value (`ToValue`) but cannot be read back
// (`FromValue`): the event emits, and only a typed handler is refused.
pub struct Opaque;

impl telemetry::ToValue for Opaque {
    fn to_value(&self) -> telemetry::Value<'_> {
        telemetry::Value::Str("opaque")
    }
}

#[telemetry::event("demo.types.all")]
pub struct AllTypes {
    pub flag: bool,
    pub count: u64,
    pub delta: i64,
    pub ratio: f64,
    pub label: String,
    pub digest: Vec<u8>,
    pub anything: Opaque,
}

fn main() {
    let _ = AllTypes::attach("typed", |event, _| {
        let _ = event.flag;
    });
}
