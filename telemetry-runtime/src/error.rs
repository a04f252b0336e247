//! Errors of the handler API.

use std::fmt;

use crate::handler::HandlerId;
use crate::name::NameError;

/// Why [`attach`](crate::attach) refused a handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachError {
    /// A handler with this id is already attached; detach it first or pick another id.
    DuplicateId(HandlerId),
    /// One of the event names is malformed.
    InvalidName(NameError),
    /// `attach_many` was given no events.
    NoEvents(HandlerId),
}

impl fmt::Display for AttachError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttachError::DuplicateId(id) => write!(
                f,
                "a handler with id `{id}` is already attached; detach it first or choose another id"
            ),
            AttachError::InvalidName(err) => write!(f, "cannot attach: {err}"),
            AttachError::NoEvents(id) => {
                write!(f, "handler `{id}` was given no events to attach to")
            }
        }
    }
}

impl std::error::Error for AttachError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AttachError::InvalidName(err) => Some(err),
            _ => None,
        }
    }
}

impl From<NameError> for AttachError {
    fn from(err: NameError) -> Self {
        AttachError::InvalidName(err)
    }
}

/// Why [`detach`](crate::detach) failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetachError {
    /// No handler with this id is attached.
    UnknownId(HandlerId),
}

impl fmt::Display for DetachError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DetachError::UnknownId(id) => write!(f, "no handler with id `{id}` is attached"),
        }
    }
}

impl std::error::Error for DetachError {}
