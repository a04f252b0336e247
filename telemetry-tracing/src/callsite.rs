//! `tracing` callsites made at attach time, one per distinct (name, kind), leaked once
//! and kept in a bounded registry.
//!
//! `tracing` wants a `&'static` callsite whose field names are known before the first
//! event. Our names and keys come from a catalogue (or from the user) at run time, so the
//! bridge builds each callsite once, when it is attached, registers it with `tracing`
//! (which then tells it whether any subscriber is interested), and reuses it for every
//! event of that name and every later attach.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, Weak};

use tracing_core::callsite::{Callsite, Identifier};
use tracing_core::field::{Field, FieldSet};
use tracing_core::metadata::Kind;
use tracing_core::subscriber::Interest;
use tracing_core::{Level, Metadata};

use crate::switch::Switch;

/// The most fields one callsite may have (every key of an event or span).
pub const MAX_FIELDS: usize = 32;

/// The most distinct callsites the bridge makes in one process; beyond, attaching fails.
pub const MAX_CALLSITES: usize = 4096;

const NEVER: u8 = 0;
const SOMETIMES: u8 = 1;
const ALWAYS: u8 = 2;

/// What a callsite is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Role {
    /// A standalone event.
    Event,
    /// A span.
    Span,
    /// The event recording a span's exception, inside that span.
    Exception,
}

pub(crate) struct BridgeCallsite {
    interest: AtomicU8,
    built: OnceLock<Built>,
    /// The handlers showing this callsite, attached only while its interest is not
    /// "never". The lock also orders interest changes against new switches.
    switches: Mutex<Vec<Weak<Switch>>>,
}

struct Built {
    metadata: Metadata<'static>,
    fields: Vec<Field>,
}

impl BridgeCallsite {
    /// Whether a subscriber may want what this callsite describes: `false` when every
    /// subscriber said never, or the level is above the global maximum. When a
    /// subscriber said "sometimes", it is asked.
    #[inline]
    pub(crate) fn is_enabled(&'static self) -> bool {
        let Some(built) = self.built.get() else {
            return false;
        };
        if *built.metadata.level() > tracing_core::LevelFilter::current() {
            return false;
        }
        match self.interest.load(Ordering::Relaxed) {
            NEVER => false,
            ALWAYS => true,
            _ => tracing_core::dispatcher::get_default(|d| d.enabled(&built.metadata)),
        }
    }

    pub(crate) fn metadata_static(&'static self) -> Option<&'static Metadata<'static>> {
        self.built.get().map(|b| &b.metadata)
    }

    /// The field for `key`, if the callsite declares it.
    #[inline]
    pub(crate) fn index_of(&self, key: &str) -> Option<usize> {
        self.built
            .get()
            .and_then(|b| b.fields.iter().position(|f| f.name() == key))
    }

    pub(crate) fn fields(&self) -> &[Field] {
        self.built.get().map_or(&[], |b| b.fields.as_slice())
    }

    /// Puts `switch` under this callsite's interest: detached now if `tracing` wants
    /// nothing from it, attached again when a subscriber may.
    pub(crate) fn govern(&self, switch: &Arc<Switch>) {
        let mut switches = self.lock_switches();
        switches.retain(|s| s.strong_count() > 0);
        switches.push(Arc::downgrade(switch));
        switch.set(self.interest.load(Ordering::Relaxed) != NEVER);
    }

    fn lock_switches(&self) -> std::sync::MutexGuard<'_, Vec<Weak<Switch>>> {
        // Nothing under this lock panics: a poisoned list is still consistent.
        self.switches.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Callsite for BridgeCallsite {
    fn set_interest(&self, interest: Interest) {
        let value = if interest.is_never() {
            NEVER
        } else if interest.is_always() {
            ALWAYS
        } else {
            SOMETIMES
        };
        let switches = self.lock_switches();
        self.interest.store(value, Ordering::Relaxed);
        for switch in switches.iter().filter_map(Weak::upgrade) {
            switch.set(value != NEVER);
        }
    }

    fn metadata(&self) -> &Metadata<'_> {
        match self.built.get() {
            Some(built) => &built.metadata,
            // Only reachable before the callsite is registered, which happens after it
            // is built.
            None => &UNBUILT_METADATA,
        }
    }
}

struct Unbuilt;

impl Callsite for Unbuilt {
    fn set_interest(&self, _: Interest) {}
    fn metadata(&self) -> &Metadata<'_> {
        &UNBUILT_METADATA
    }
}

static UNBUILT: Unbuilt = Unbuilt;
static UNBUILT_METADATA: Metadata<'static> = Metadata::new(
    "telemetry.unbuilt",
    "telemetry",
    Level::TRACE,
    None,
    None,
    None,
    FieldSet::new(&[], Identifier(&UNBUILT)),
    Kind::EVENT,
);

/// What identifies a callsite in the registry.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    name: String,
    role: Role,
    level: LevelKey,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct LevelKey(u8);

impl From<Level> for LevelKey {
    fn from(level: Level) -> Self {
        LevelKey(match level {
            Level::TRACE => 0,
            Level::DEBUG => 1,
            Level::INFO => 2,
            Level::WARN => 3,
            _ => 4,
        })
    }
}

static REGISTRY: Mutex<Option<HashMap<Key, &'static BridgeCallsite>>> = Mutex::new(None);

/// Why a callsite could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CallsiteError {
    TooManyFields { name: String, count: usize },
    TooManyCallsites,
}

/// The callsite for `name` in `role` at `level`, made (and leaked) the first time it is
/// asked for. `keys` are its field names; a callsite made earlier for the same name, role
/// and level keeps the keys it was made with.
pub(crate) fn callsite(
    name: &str,
    role: Role,
    level: Level,
    keys: &[&str],
) -> Result<&'static BridgeCallsite, CallsiteError> {
    let key = Key {
        name: name.to_owned(),
        role,
        level: level.into(),
    };
    let mut registry = REGISTRY.lock().unwrap_or_else(PoisonError::into_inner);
    let registry = registry.get_or_insert_with(HashMap::new);
    if let Some(existing) = registry.get(&key) {
        return Ok(existing);
    }
    if keys.len() > MAX_FIELDS {
        return Err(CallsiteError::TooManyFields {
            name: name.to_owned(),
            count: keys.len(),
        });
    }
    if registry.len() >= MAX_CALLSITES {
        return Err(CallsiteError::TooManyCallsites);
    }
    let callsite: &'static BridgeCallsite = Box::leak(Box::new(BridgeCallsite {
        interest: AtomicU8::new(SOMETIMES),
        built: OnceLock::new(),
        switches: Mutex::new(Vec::new()),
    }));
    let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
    let names: &'static [&'static str] = Box::leak(
        keys.iter()
            .map(|k| leak(k))
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    );
    let (metadata_name, kind) = match role {
        Role::Event => (leak(name), Kind::EVENT),
        Role::Span => (leak(name), Kind::SPAN),
        Role::Exception => (leak(&format!("{name}.exception")), Kind::EVENT),
    };
    // The target is the dotted name, so that `tracing`'s target filters select a
    // subtree of the catalogue (`exgit.pack=debug`).
    let target = leak(name);
    let metadata = Metadata::new(
        metadata_name,
        target,
        level,
        None,
        None,
        None,
        FieldSet::new(names, Identifier(callsite)),
        kind,
    );
    let fields = metadata.fields().iter().collect();
    let _ = callsite.built.set(Built { metadata, fields });
    tracing_core::callsite::register(callsite);
    registry.insert(key, callsite);
    Ok(callsite)
}
