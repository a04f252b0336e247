//! Why the bridge could not be attached.

use std::fmt;

use telemetry_runtime::AttachError;

use crate::callsite::{MAX_CALLSITES, MAX_FIELDS};

/// Why [`attach`](crate::attach) failed. Nothing stays attached after a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BridgeError {
    /// The configuration names no event or span.
    NoEvents,
    /// An event or span has more keys than a `tracing` callsite may show.
    TooManyFields {
        /// The event or span.
        name: String,
        /// How many keys it has.
        count: usize,
    },
    /// The process already made as many callsites as the bridge allows.
    TooManyCallsites,
    /// A handler could not be attached (its id is taken: another bridge with the same id
    /// shows that event).
    Attach(AttachError),
}

impl fmt::Display for BridgeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BridgeError::NoEvents => write!(
                f,
                "the tracing bridge was given no events: add spans, events or a catalogue to its Config"
            ),
            BridgeError::TooManyFields { name, count } => write!(
                f,
                "`{name}` has {count} keys; a tracing callsite shows at most {MAX_FIELDS}"
            ),
            BridgeError::TooManyCallsites => write!(
                f,
                "the tracing bridge already made {MAX_CALLSITES} callsites in this process"
            ),
            BridgeError::Attach(err) => write!(f, "cannot attach the tracing bridge: {err}"),
        }
    }
}

impl std::error::Error for BridgeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BridgeError::Attach(err) => Some(err),
            _ => None,
        }
    }
}
