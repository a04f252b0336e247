//! What the checks of one span share: the span's own checks and those of its `stop!`
//! calls both read it, so it sits below both.

use telemetry_catalog::EventDef;

use crate::ast::SpanFn;
use crate::attr::SpanArgs;
use crate::locate::Located;

/// What the checks of one span share.
pub(super) struct Checking<'c, 'i> {
    pub(super) located: &'c Located,
    pub(super) def: &'c EventDef,
    pub(super) args: &'i SpanArgs,
    pub(super) input: &'i SpanFn,
}
