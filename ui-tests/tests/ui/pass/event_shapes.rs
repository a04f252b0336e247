use telemetry_runtime as telemetry;

#[derive(telemetry::Atom, Clone, Copy, Debug, PartialEq)]
pub enum SessionType {
    Full,
    Oauth2,
}

#[telemetry::event("demo.session.create")]
pub struct SessionCreate<'a> {
    pub session_id: &'a str,
    pub user_id: u64,
    pub session_type: SessionType,
    pub hit: Option<bool>,
}

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

#[telemetry::event("demo.types.all")]
pub struct AllTypes {
    pub flag: bool,
    pub count: usize,
    pub delta: i32,
    pub ratio: f32,
    pub label: String,
    pub digest: Vec<u8>,
    pub anything: telemetry::Value<'static>,
}

fn main() {
    let sid = String::from("s1");
    telemetry::emit!(SessionCreate { session_id: &sid, user_id: 7, session_type: SessionType::Full, hit: None });
    let captured = telemetry::capture(|| {
        SessionCreate { session_id: "s2", user_id: 8, session_type: SessionType::Oauth2, hit: Some(true) }.emit();
        telemetry::emit!(CacheOverfull { bytes: 10, cap: 5, policy: Policy::Log });
        AllTypes { flag: true, count: 1, delta: -1, ratio: 0.5, label: "x".into(), digest: vec![1], anything: telemetry::Value::from(3u8) }.emit();
    });
    assert_eq!(captured.names(), ["demo.session.create", "demo.cache.overfull", "demo.types.all"]);
    assert_eq!(captured.events[0].measurement_keys(), ["count"]);
    assert_eq!(captured.events[0].metadata_keys(), ["session_id", "user_id", "session_type", "hit?"]);
    assert_eq!(captured.events[1].measurement_keys(), ["bytes", "cap"]);
    SessionCreate::attach("typed", |event, measurements| {
        assert_eq!(event.session_type, SessionType::Full);
        assert_eq!(measurements.get("count").and_then(|v| v.as_u64()), Some(1));
    })
    .unwrap();
    telemetry::emit!(SessionCreate { session_id: &sid, user_id: 7, session_type: SessionType::Full, hit: None });
    telemetry::detach("typed").unwrap();
}
