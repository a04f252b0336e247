//! `charon.token.valid` and `charon.token.invalid`: `session_loaded`, `token_transport`,
//! `error` for invalid tokens, and the four claims only when a token payload is present.

use std::sync::{Arc, Mutex};

use charon_like::events::{SessionType, TokenInvalid};
use charon_like::session::{Session, SessionStore};
use charon_like::token::{self, Claims, Conn, Pipeline, Signer};
use telemetry_runtime::{OwnedValue, capture};

use crate::support::*;

const NOW: u64 = 1_700_000_000;

struct Setup {
    store: SessionStore,
    signer: Signer,
    session: Session,
}

fn setup() -> Setup {
    let store = SessionStore::new();
    let session = store.create(42, SessionType::Full, NOW).unwrap();
    Setup {
        store,
        signer: Signer::new("server secret"),
        session,
    }
}

impl Setup {
    fn pipeline(&self) -> Pipeline<'_> {
        Pipeline {
            signer: self.signer.clone(),
            store: &self.store,
        }
    }

    fn access_token(&self) -> String {
        self.signer.sign(&Claims::access(&self.session, NOW + 900))
    }
}

const WITH_CLAIMS: [(&str, &str); 6] = [
    ("session_loaded", "bool"),
    ("token_transport", "atom"),
    ("token_type", "string"),
    ("user_id", "u64"),
    ("session_id", "string"),
    ("session_type", "string"),
];

#[test]
fn valid_reports_the_session_loaded_the_transport_and_the_claims() {
    let setup = setup();
    let token = setup.access_token();
    let captured = capture(|| setup.pipeline().call(Conn::bearer(&token), NOW));
    assert_eq!(captured.result.error, None);
    let event = only(&captured, "charon.token.valid");
    assert_counts_one(event);
    assert_eq!(kinds(event), WITH_CLAIMS);
    assert_eq!(event.meta("session_loaded"), Some(&true.into()));
    assert_eq!(
        event.meta("token_transport"),
        Some(&OwnedValue::atom("bearer"))
    );
    assert_eq!(event.meta("token_type"), Some(&"access".into()));
    assert_eq!(event.meta("user_id"), Some(&42u64.into()));
    assert_eq!(
        event.meta("session_id"),
        Some(&setup.session.id.as_str().into())
    );
    // The "styp" claim as the token holds it: a string, not the session's atom.
    assert_eq!(event.meta("session_type"), Some(&"full".into()));
}

#[test]
fn valid_reports_each_way_a_token_can_arrive() {
    let setup = setup();
    let token = setup.access_token();
    let captured = capture(|| {
        for conn in [
            Conn::bearer(&token),
            Conn::split(&token),
            Conn::cookie_only(&token),
        ] {
            assert_eq!(setup.pipeline().call(conn, NOW).error, None);
        }
    });
    let transports: Vec<&OwnedValue> = captured
        .events
        .iter()
        .filter_map(|e| e.meta("token_transport"))
        .collect();
    let expected = ["bearer", "cookie", "cookie_only"].map(OwnedValue::atom);
    assert_eq!(transports, expected.iter().collect::<Vec<_>>());
    assert_eq!(captured.names(), ["charon.token.valid"; 3]);
}

#[test]
fn invalid_without_a_payload_reports_the_error_and_no_claims() {
    let setup = setup();
    let forged = Signer::new("attacker").sign(&Claims::access(&setup.session, NOW + 900));
    let captured = capture(|| setup.pipeline().call(Conn::bearer(&forged), NOW));
    assert_eq!(captured.result.error.as_deref(), Some("invalid signature"));
    let event = only(&captured, "charon.token.invalid");
    assert_counts_one(event);
    assert_eq!(
        kinds(event),
        [
            ("session_loaded", "bool"),
            ("token_transport", "atom"),
            ("error", "string")
        ]
    );
    assert_eq!(event.meta("session_loaded"), Some(&false.into()));
    assert_eq!(event.meta("error"), Some(&"invalid signature".into()));
}

#[test]
fn invalid_with_a_payload_reports_the_error_and_the_claims() {
    let setup = setup();
    let expired = setup.signer.sign(&Claims::access(&setup.session, NOW - 1));
    let captured = capture(|| setup.pipeline().call(Conn::split(&expired), NOW));
    let event = only(&captured, "charon.token.invalid");
    assert_counts_one(event);
    assert_eq!(
        kinds(event),
        [
            ("session_loaded", "bool"),
            ("token_transport", "atom"),
            ("error", "string"),
            ("token_type", "string"),
            ("user_id", "u64"),
            ("session_id", "string"),
            ("session_type", "string"),
        ]
    );
    assert_eq!(event.meta("error"), Some(&"token expired".into()));
    assert_eq!(
        event.meta("token_transport"),
        Some(&OwnedValue::atom("cookie"))
    );
    assert_eq!(event.meta("user_id"), Some(&42u64.into()));
}

#[test]
fn a_payload_without_a_sub_claim_reports_user_id_present_with_no_value() {
    let setup = setup();
    let claims = Claims {
        sub: None,
        ..Claims::access(&setup.session, NOW + 900)
    };
    let token = setup.signer.sign(&claims);
    let captured = capture(|| setup.pipeline().call(Conn::bearer(&token), NOW));
    let event = only(&captured, "charon.token.invalid");
    assert_eq!(event.meta("error"), Some(&"session not found".into()));
    assert_eq!(
        event.meta("user_id"),
        Some(&OwnedValue::None),
        "present, with no value: payload[\"sub\"] is nil"
    );
    assert_eq!(
        event.meta("session_id"),
        Some(&setup.session.id.as_str().into())
    );
}

#[test]
fn a_typed_handler_tells_a_nil_user_id_from_an_absent_one() {
    let me = std::thread::current().id();
    let seen: Arc<Mutex<Vec<Option<Option<u64>>>>> = Arc::default();
    let sink = Arc::clone(&seen);
    TokenInvalid::attach("conformance.token_invalid.typed", move |event, _| {
        if std::thread::current().id() == me {
            sink.lock().unwrap().push(event.user_id);
        }
    })
    .unwrap();
    let setup = setup();
    let without_sub = setup.signer.sign(&Claims {
        sub: None,
        ..Claims::access(&setup.session, NOW + 900)
    });
    setup.pipeline().call(Conn::bearer(&without_sub), NOW);
    setup
        .pipeline()
        .call(Conn::bearer("charon.forged.token"), NOW);
    telemetry_runtime::detach("conformance.token_invalid.typed").unwrap();
    assert_eq!(*seen.lock().unwrap(), [Some(None), None]);
}

#[test]
fn invalid_when_the_session_is_gone_reports_session_loaded_false() {
    let setup = setup();
    let token = setup.access_token();
    setup.store.delete(&setup.session.id, 42, SessionType::Full);
    let captured = capture(|| setup.pipeline().call(Conn::cookie_only(&token), NOW));
    let event = only(&captured, "charon.token.invalid");
    assert_eq!(event.meta("error"), Some(&"session not found".into()));
    assert_eq!(event.meta("session_loaded"), Some(&false.into()));
    assert_eq!(
        event.meta("session_id"),
        Some(&setup.session.id.as_str().into())
    );
}

#[test]
fn invalid_when_a_refresh_token_is_used_for_access() {
    let setup = setup();
    let mut claims = Claims::access(&setup.session, NOW + 900);
    claims.token_type = "refresh".into();
    let token = setup.signer.sign(&claims);
    let captured = capture(|| setup.pipeline().call(Conn::bearer(&token), NOW));
    let event = only(&captured, "charon.token.invalid");
    assert_eq!(
        event.meta("error"),
        Some(&"token type must be access".into())
    );
    assert_eq!(event.meta("token_type"), Some(&"refresh".into()));
}

#[test]
fn a_request_without_any_token_reports_nothing() {
    let setup = setup();
    let captured = capture(|| setup.pipeline().call(Conn::default(), NOW));
    assert_eq!(captured.result.error.as_deref(), Some("token not found"));
    assert!(captured.events.is_empty());
}

#[test]
fn only_pipelines_that_call_emit_telemetry_report() {
    // The seed: the token events are emitted only when emit_telemetry is in the pipeline.
    let setup = setup();
    let token = setup.access_token();
    let captured = capture(|| {
        let mut conn = Conn::bearer(&token);
        token::get_token_from_auth_header(&mut conn);
        token::verify_token_signature(&mut conn, &setup.signer);
        token::load_session(&mut conn, &setup.store);
        conn
    });
    assert_eq!(captured.result.error, None);
    assert!(captured.result.session.is_some());
    assert!(captured.events.is_empty());
}
