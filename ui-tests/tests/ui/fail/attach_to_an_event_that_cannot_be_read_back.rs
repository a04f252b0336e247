use telemetry_runtime as telemetry;

// A field borrowed for `'static` (not for a lifetime parameter of the struct): the event
// emits, but a typed handler, which reads it back from an event that borrows for less,
// cannot receive it.
#[telemetry::event("demo.session.create")]
pub struct SessionCreate {
    pub session_id: &'static str,
    pub user_id: u64,
    pub session_type: SessionType,
}

#[derive(telemetry::Atom, Clone, Copy)]
pub enum SessionType {
    Full,
    Oauth2,
}

fn main() {
    telemetry::emit!(SessionCreate { session_id: "s1", user_id: 1, session_type: SessionType::Full });
    let _ = SessionCreate::attach("typed", |event, _| {
        let _ = event.session_id;
    });
}
