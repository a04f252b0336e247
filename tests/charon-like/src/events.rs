//! The events of the catalogue as typed structs, and their atom types. Every event counts
//! one occurrence: `count = 1` comes from the catalogue.

use telemetry_runtime::{Atom, event};

/// The kind of a session, reported as `session_type`.
#[derive(Atom, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SessionType {
    /// `:full`, a session of a user who signed in.
    Full,
    /// `:oauth2`, a session backing OAuth2 tokens.
    Oauth2,
}

impl SessionType {
    /// The `styp` claim of tokens of this session type.
    pub fn claim(self) -> &'static str {
        match self {
            SessionType::Full => "full",
            SessionType::Oauth2 => "oauth2",
        }
    }
}

/// How a token arrived, reported as `token_transport`.
#[derive(Atom, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenTransport {
    /// `:bearer`: whole, in the `authorization` header.
    Bearer,
    /// `:cookie`: split, its signature in a cookie and the rest in the header.
    Cookie,
    /// `:cookie_only`: whole, in a cookie.
    CookieOnly,
}

/// `charon.session.create`: a new session was stored.
#[event("charon.session.create")]
#[derive(Debug)]
pub struct SessionCreate<'a> {
    /// The session's id.
    pub session_id: &'a str,
    /// Its user.
    pub user_id: u64,
    /// Its kind.
    pub session_type: SessionType,
}

/// `charon.session.refresh`: an existing session was stored again.
#[event("charon.session.refresh")]
#[derive(Debug)]
pub struct SessionRefresh<'a> {
    /// The session's id.
    pub session_id: &'a str,
    /// Its user.
    pub user_id: u64,
    /// Its kind.
    pub session_type: SessionType,
}

/// `charon.session.delete`: a session was deleted.
#[event("charon.session.delete")]
#[derive(Debug)]
pub struct SessionDelete<'a> {
    /// The session's id.
    pub session_id: &'a str,
    /// Its user.
    pub user_id: u64,
    /// Its kind.
    pub session_type: SessionType,
}

/// `charon.session.delete_all`: every session of a user, of one type, was deleted.
#[event("charon.session.delete_all")]
#[derive(Debug)]
pub struct SessionDeleteAll {
    /// The user.
    pub user_id: u64,
    /// The kind of sessions deleted.
    pub session_type: SessionType,
}

/// `charon.session.lock_conflict`: a write lost a race under optimistic locking.
#[event("charon.session.lock_conflict")]
#[derive(Debug)]
pub struct SessionLockConflict<'a> {
    /// The session's id.
    pub session_id: &'a str,
    /// Its user.
    pub user_id: u64,
    /// Its kind.
    pub session_type: SessionType,
}

/// `charon.token.valid`: a token passed verification. The claims are present only when
/// the token's payload was read (its signature checked out).
#[event("charon.token.valid")]
#[derive(Debug)]
pub struct TokenValid<'a> {
    /// Whether a session was found for the token.
    pub session_loaded: bool,
    /// How the token arrived.
    pub token_transport: TokenTransport,
    /// The `type` claim.
    pub token_type: Option<&'a str>,
    /// The `sub` claim: absent without a payload, nil (`Some(None)`) when the payload
    /// holds no `sub` claim.
    pub user_id: Option<Option<u64>>,
    /// The `sid` claim.
    pub session_id: Option<&'a str>,
    /// The `styp` claim, as the string the token holds.
    pub session_type: Option<&'a str>,
}

/// `charon.token.invalid`: a token failed verification, for the reason in `error`.
#[event("charon.token.invalid")]
#[derive(Debug)]
pub struct TokenInvalid<'a> {
    /// Whether a session was found for the token.
    pub session_loaded: bool,
    /// How the token arrived.
    pub token_transport: TokenTransport,
    /// Why verification failed.
    pub error: &'a str,
    /// The `type` claim.
    pub token_type: Option<&'a str>,
    /// The `sub` claim: absent without a payload, nil (`Some(None)`) when the payload
    /// holds no `sub` claim.
    pub user_id: Option<Option<u64>>,
    /// The `sid` claim.
    pub session_id: Option<&'a str>,
    /// The `styp` claim, as the string the token holds.
    pub session_type: Option<&'a str>,
}
