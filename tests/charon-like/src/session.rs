//! Sessions and their store, with optimistic locking.
//!
//! Every session carries a `lock_version`. A write succeeds only when the version it was
//! read at is the stored one, and bumps it. The rule Charon's events follow: a write of a
//! session the store does not hold yet is a `charon.session.create`; a write of one it
//! holds is a `charon.session.refresh`; a write based on a stale version is a
//! `charon.session.lock_conflict` and changes nothing.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use telemetry_runtime::emit;

use crate::events::{
    SessionCreate, SessionDelete, SessionDeleteAll, SessionLockConflict, SessionRefresh,
    SessionType,
};

/// How long a session lives after its last refresh, in seconds.
pub const SESSION_TTL: u64 = 14 * 24 * 3600;

/// One session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// Its unique id.
    pub id: String,
    /// Its user.
    pub user_id: u64,
    /// Its kind.
    pub session_type: SessionType,
    /// When it was created, in seconds.
    pub created_at: u64,
    /// When it was last refreshed, in seconds.
    pub refreshed_at: u64,
    /// When it expires, in seconds.
    pub expires_at: u64,
    /// How many times it was refreshed.
    pub refresh_count: u64,
    /// The stored version this copy was read at (0: never stored).
    pub lock_version: u64,
}

/// Why a session operation failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionError {
    /// The session changed (or vanished) since this copy was read.
    Conflict,
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::Conflict => f.write_str("session was changed by someone else"),
        }
    }
}

impl std::error::Error for SessionError {}

/// Sessions in memory, by id.
#[derive(Default)]
pub struct SessionStore {
    sessions: Mutex<HashMap<String, Session>>,
    next_id: AtomicU64,
}

impl SessionStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn sessions(&self) -> MutexGuard<'_, HashMap<String, Session>> {
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts a session for `user_id` and stores it: `charon.session.create`.
    pub fn create(
        &self,
        user_id: u64,
        session_type: SessionType,
        now: u64,
    ) -> Result<Session, SessionError> {
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut session = Session {
            id: format!("sid-{user_id}-{n:04}"),
            user_id,
            session_type,
            created_at: now,
            refreshed_at: now,
            expires_at: now + SESSION_TTL,
            refresh_count: 0,
            lock_version: 0,
        };
        self.upsert(&mut session)?;
        Ok(session)
    }

    /// Extends `session` and stores it: `charon.session.refresh`, or
    /// `charon.session.lock_conflict` (and `session` unchanged) when someone else wrote
    /// it since it was read.
    pub fn refresh(&self, session: &mut Session, now: u64) -> Result<(), SessionError> {
        let mut refreshed = session.clone();
        refreshed.refreshed_at = now;
        refreshed.expires_at = now + SESSION_TTL;
        refreshed.refresh_count += 1;
        self.upsert(&mut refreshed)?;
        *session = refreshed;
        Ok(())
    }

    /// Stores `session` if its `lock_version` is the stored one, and bumps the version.
    pub fn upsert(&self, session: &mut Session) -> Result<(), SessionError> {
        let stored = {
            let mut sessions = self.sessions();
            let stored = sessions.get(&session.id).map(|s| s.lock_version);
            if stored.unwrap_or(0) != session.lock_version {
                None
            } else {
                session.lock_version += 1;
                sessions.insert(session.id.clone(), session.clone());
                Some(stored)
            }
        };
        // Emitted after the lock is released: a handler may read the store.
        let (session_id, user_id, session_type) =
            (session.id.as_str(), session.user_id, session.session_type);
        match stored {
            None => {
                emit!(SessionLockConflict {
                    session_id,
                    user_id,
                    session_type
                });
                Err(SessionError::Conflict)
            }
            Some(None) => {
                emit!(SessionCreate {
                    session_id,
                    user_id,
                    session_type
                });
                Ok(())
            }
            Some(Some(_)) => {
                emit!(SessionRefresh {
                    session_id,
                    user_id,
                    session_type
                });
                Ok(())
            }
        }
    }

    /// The session with this id, if it belongs to this user and is of this type.
    pub fn get(
        &self,
        session_id: &str,
        user_id: u64,
        session_type: SessionType,
    ) -> Option<Session> {
        self.sessions()
            .get(session_id)
            .filter(|s| s.user_id == user_id && s.session_type == session_type)
            .cloned()
    }

    /// Deletes one session: `charon.session.delete` when it was there.
    pub fn delete(&self, session_id: &str, user_id: u64, session_type: SessionType) -> bool {
        let removed = {
            let mut sessions = self.sessions();
            let owned = sessions
                .get(session_id)
                .is_some_and(|s| s.user_id == user_id && s.session_type == session_type);
            owned && sessions.remove(session_id).is_some()
        };
        if removed {
            emit!(SessionDelete {
                session_id,
                user_id,
                session_type
            });
        }
        removed
    }

    /// Deletes every session of `user_id` of `session_type` (signing out everywhere):
    /// `charon.session.delete_all`, once, however many there were. Returns how many.
    pub fn delete_all(&self, user_id: u64, session_type: SessionType) -> usize {
        let removed = {
            let mut sessions = self.sessions();
            let before = sessions.len();
            sessions.retain(|_, s| !(s.user_id == user_id && s.session_type == session_type));
            before - sessions.len()
        };
        emit!(SessionDeleteAll {
            user_id,
            session_type
        });
        removed
    }

    /// Number of sessions held.
    pub fn len(&self) -> usize {
        self.sessions().len()
    }

    /// Whether the store holds no session.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
