//! Tokens and their verification, in Charon's style: a pipeline of steps over a
//! [`Conn`], each doing nothing once an earlier one has set an error, ending with
//! [`emit_telemetry`], the step that reports `charon.token.valid` or `charon.token.invalid`.
//!
//! A token is `charon.<payload>.<signature>`, the payload being the claims as
//! `key=value&...` in hex. The signature is a keyed FNV-1a hash: enough to tell a forged
//! token from a real one here, not cryptography.

use std::collections::BTreeMap;

use telemetry_runtime::{Atom, emit};

use crate::events::{SessionType, TokenInvalid, TokenTransport, TokenValid};
use crate::session::{Session, SessionStore};

/// The cookie that holds a split token's signature (`:cookie` transport) or a whole
/// token (`:cookie_only`).
pub const TOKEN_COOKIE: &str = "_access_token_signature";

/// What a token asserts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claims {
    /// `type`: `access` or `refresh`.
    pub token_type: String,
    /// `sub`: the user. A token may lack it; its telemetry then reports `user_id` present
    /// with no value (nil), as Charon reports `payload["sub"]` of such a payload.
    pub sub: Option<u64>,
    /// `sid`: the session.
    pub sid: String,
    /// `styp`: the session's type, as a string.
    pub styp: String,
    /// `exp`: when it expires, in seconds.
    pub exp: u64,
}

impl Claims {
    /// An access token's claims for `session`, valid until `exp`.
    pub fn access(session: &Session, exp: u64) -> Self {
        Claims {
            token_type: "access".into(),
            sub: Some(session.user_id),
            sid: session.id.clone(),
            styp: session.session_type.claim().into(),
            exp,
        }
    }

    fn encode(&self) -> String {
        let sub = self
            .sub
            .map(|sub| format!("&sub={sub}"))
            .unwrap_or_default();
        format!(
            "type={}{sub}&sid={}&styp={}&exp={}",
            self.token_type, self.sid, self.styp, self.exp
        )
    }

    fn decode(text: &str) -> Option<Self> {
        let fields: BTreeMap<&str, &str> = text
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .collect();
        Some(Claims {
            token_type: fields.get("type")?.to_string(),
            sub: fields.get("sub").map(|sub| sub.parse()).transpose().ok()?,
            sid: fields.get("sid")?.to_string(),
            styp: fields.get("styp")?.to_string(),
            exp: fields.get("exp")?.parse().ok()?,
        })
    }
}

/// Signs tokens and checks their signatures.
#[derive(Clone)]
pub struct Signer {
    secret: Vec<u8>,
}

impl Signer {
    /// A signer with this secret.
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        Signer {
            secret: secret.into(),
        }
    }

    fn mac(&self, payload: &str) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in self.secret.iter().chain(b"|").chain(payload.as_bytes()) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{hash:016x}")
    }

    /// A token carrying `claims`.
    pub fn sign(&self, claims: &Claims) -> String {
        let payload = hex(claims.encode().as_bytes());
        format!("charon.{payload}.{}", self.mac(&payload))
    }

    /// The claims of `token`, if it is well formed and its signature is ours.
    pub fn verify(&self, token: &str) -> Result<Claims, &'static str> {
        let mut parts = token.split('.');
        let (Some("charon"), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("malformed token");
        };
        if self.mac(payload) != signature {
            return Err("invalid signature");
        }
        let text = unhex(payload).ok_or("malformed token")?;
        Claims::decode(&text).ok_or("malformed token")
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<String> {
    let bytes: Option<Vec<u8>> = text
        .as_bytes()
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect();
    String::from_utf8(bytes?).ok()
}

/// A request on its way through the verification pipeline, and what the steps found.
#[derive(Clone, Debug, Default)]
pub struct Conn {
    /// The `authorization` header.
    pub authorization: Option<String>,
    /// The request's cookies.
    pub cookies: BTreeMap<String, String>,
    /// The token found.
    pub token: Option<String>,
    /// How it arrived.
    pub token_transport: Option<TokenTransport>,
    /// Its claims, once its signature checked out.
    pub payload: Option<Claims>,
    /// Its session, once loaded.
    pub session: Option<Session>,
    /// Why verification failed, by the first step that failed.
    pub error: Option<String>,
}

impl Conn {
    /// A request with `authorization: Bearer <token>`.
    pub fn bearer(token: &str) -> Self {
        Conn {
            authorization: Some(format!("Bearer {token}")),
            ..Conn::default()
        }
    }

    /// A request with `token` split as Charon splits it for browsers: everything but the
    /// signature in the header, the signature in a cookie.
    pub fn split(token: &str) -> Self {
        let (rest, signature) = token.rsplit_once('.').unwrap_or((token, ""));
        let mut conn = Conn::bearer(&format!("{rest}."));
        conn.cookies.insert(TOKEN_COOKIE.into(), signature.into());
        conn
    }

    /// A request with the whole token in a cookie.
    pub fn cookie_only(token: &str) -> Self {
        let mut conn = Conn::default();
        conn.cookies.insert(TOKEN_COOKIE.into(), token.into());
        conn
    }

    fn fail(&mut self, error: &str) {
        self.error.get_or_insert_with(|| error.to_owned());
    }
}

/// Takes the token from the `authorization` header: whole (`:bearer`), or without its
/// signature, which is then read from the cookie (`:cookie`).
pub fn get_token_from_auth_header(conn: &mut Conn) {
    let Some(token) = conn
        .authorization
        .as_deref()
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::to_owned)
    else {
        return;
    };
    if let Some(rest) = token.strip_suffix('.') {
        let signature = conn.cookies.get(TOKEN_COOKIE).cloned().unwrap_or_default();
        conn.token = Some(format!("{rest}.{signature}"));
        conn.token_transport = Some(TokenTransport::Cookie);
    } else {
        conn.token = Some(token);
        conn.token_transport = Some(TokenTransport::Bearer);
    }
}

/// Takes the whole token from the cookie when the header held none (`:cookie_only`).
pub fn get_token_from_cookie(conn: &mut Conn) {
    if conn.token.is_some() {
        return;
    }
    if let Some(token) = conn.cookies.get(TOKEN_COOKIE).cloned() {
        conn.token = Some(token);
        conn.token_transport = Some(TokenTransport::CookieOnly);
    }
}

/// Checks the token's signature and reads its payload.
pub fn verify_token_signature(conn: &mut Conn, signer: &Signer) {
    if conn.error.is_some() {
        return;
    }
    let Some(token) = conn.token.as_deref() else {
        return conn.fail("token not found");
    };
    match signer.verify(token) {
        Ok(claims) => conn.payload = Some(claims),
        Err(error) => conn.fail(error),
    }
}

/// Fails an expired token.
pub fn verify_token_not_expired(conn: &mut Conn, now: u64) {
    if conn.error.is_none() && conn.payload.as_ref().is_some_and(|c| c.exp <= now) {
        conn.fail("token expired");
    }
}

/// Fails a token whose `type` claim is not `expected`.
pub fn verify_token_type(conn: &mut Conn, expected: &str) {
    if conn.error.is_none()
        && conn
            .payload
            .as_ref()
            .is_some_and(|c| c.token_type != expected)
    {
        conn.fail(&format!("token type must be {expected}"));
    }
}

/// Loads the token's session; fails when there is none.
pub fn load_session(conn: &mut Conn, store: &SessionStore) {
    if conn.error.is_some() {
        return;
    }
    let Some(claims) = &conn.payload else { return };
    let session = SessionType::from_atom(&claims.styp)
        .zip(claims.sub)
        .and_then(|(styp, sub)| store.get(&claims.sid, sub, styp));
    match session {
        Some(session) => conn.session = Some(session),
        None => conn.fail("session not found"),
    }
}

/// Reports the outcome: `charon.token.valid` or `charon.token.invalid` with the error.
/// The claims are reported only when the payload was read. A request that carried no
/// token at all is not a verification, and reports nothing.
pub fn emit_telemetry(conn: &Conn) {
    let Some(token_transport) = conn.token_transport else {
        return;
    };
    let session_loaded = conn.session.is_some();
    let claims = conn.payload.as_ref();
    let token_type = claims.map(|c| c.token_type.as_str());
    let user_id = claims.map(|c| c.sub);
    let session_id = claims.map(|c| c.sid.as_str());
    let session_type = claims.map(|c| c.styp.as_str());
    match &conn.error {
        None => emit!(TokenValid {
            session_loaded,
            token_transport,
            token_type,
            user_id,
            session_id,
            session_type,
        }),
        Some(error) => emit!(TokenInvalid {
            session_loaded,
            token_transport,
            error,
            token_type,
            user_id,
            session_id,
            session_type,
        }),
    }
}

/// The pipeline of an API that takes access tokens, in the order Charon's docs build it.
pub struct Pipeline<'s> {
    /// Checks signatures.
    pub signer: Signer,
    /// Where sessions live.
    pub store: &'s SessionStore,
}

impl Pipeline<'_> {
    /// Runs every step on `conn` at time `now`, `emit_telemetry` last; the token is
    /// accepted when `conn.error` is `None` afterwards.
    pub fn call(&self, mut conn: Conn, now: u64) -> Conn {
        get_token_from_auth_header(&mut conn);
        get_token_from_cookie(&mut conn);
        verify_token_signature(&mut conn, &self.signer);
        verify_token_not_expired(&mut conn, now);
        verify_token_type(&mut conn, "access");
        load_session(&mut conn, self.store);
        emit_telemetry(&conn);
        conn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Claims {
        Claims {
            token_type: "access".into(),
            sub: Some(7),
            sid: "s1".into(),
            styp: "full".into(),
            exp: 100,
        }
    }

    #[test]
    fn a_signed_token_verifies_and_a_forged_one_does_not() {
        let signer = Signer::new("secret");
        let token = signer.sign(&claims());
        assert_eq!(signer.verify(&token), Ok(claims()));
        assert_eq!(
            Signer::new("other").verify(&token),
            Err("invalid signature")
        );
        assert_eq!(signer.verify("charon.zz"), Err("malformed token"));
    }

    #[test]
    fn the_transport_is_where_the_token_was_found() {
        let token = Signer::new("k").sign(&claims());
        let found = |mut conn: Conn| {
            get_token_from_auth_header(&mut conn);
            get_token_from_cookie(&mut conn);
            (conn.token_transport, conn.token)
        };
        let expected = Some(token.clone());
        assert_eq!(
            found(Conn::bearer(&token)),
            (Some(TokenTransport::Bearer), expected.clone())
        );
        assert_eq!(
            found(Conn::split(&token)),
            (Some(TokenTransport::Cookie), expected.clone())
        );
        assert_eq!(
            found(Conn::cookie_only(&token)),
            (Some(TokenTransport::CookieOnly), expected)
        );
        assert_eq!(found(Conn::default()), (None, None));
    }
}
