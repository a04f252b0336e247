//! The contract between the runtime and the code its macros generate.
//!
//! Generated code names items of this module only, through one path
//! (`::telemetry_runtime::__private`, or `<crate = path>::__private` when a user re-exports the
//! runtime). This is not a public API: what it holds, and the names and signatures of
//! what it holds, may change in any release. The implementations live in ordinary modules;
//! this file is the list.

pub use crate::atoms::atom_position;
pub use crate::atoms::{AtomsOf, assert_closed_atoms};
pub use crate::convert::{FromValue, ToValue};
pub use crate::error::AttachError;
pub use crate::event::Event;
pub use crate::field_buf::FieldBuf;
pub use crate::fields::{Field, FieldReader, Fields};
pub use crate::handler::HandlerId;
pub use crate::info::{CatalogInfo, EventInfo, EventKind, KeyInfo};
pub use crate::kept::KeptFields;
pub use crate::kind;
pub use crate::lazy::{LazySpan, LazyStop};
pub use crate::lazy::{OwnedSpan, run_lazy_body};
pub use crate::name::{Name, Phase};
pub use crate::record::attach_typed;
pub use crate::record::{EventRecord, emit_first_use, emit_value};
pub use crate::registry::attach;
pub use crate::slot::{EventSlot, SpanSlots};
pub use crate::span::ActiveSpan;
pub use crate::span_body::{Instrumented, run_idle, run_span};
pub use crate::stop_values::{SpanStop, StopKeys, StopValues};
pub use crate::value::{Atom, Value};
pub use crate::with_handler::with_handler;
