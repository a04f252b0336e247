//! The stop-only metadata of a `#[span]` function, kept from `stop!` until the span ends,
//! and the rule for the stop keys a catalogue marks required.
//!
//! # Required stop keys
//! The macros check that a required stop key is set somewhere in the function, but an
//! early `return` or a `?` before that `stop!` still ends the span normally. Such a stop
//! is never silent: the stop event is emitted as it is (handlers see what the function
//! knew), and a [`MISSING_STOP_KEY`] event (`telemetry.span.missing_stop_key`, metadata
//! `span` and `key`) reports it right after, in every build; debug builds also print one
//! line to stderr per span and key, the first time. A key that only the success path
//! knows (exgit's `object_count` next to an `error`) is declared optional in the
//! catalogue (`type?`), and its doc says when it is present.

use std::sync::{Mutex, PoisonError};

use crate::fields::Field;
use crate::kept::{KeptByIndex, KeptFields};
use crate::name::Name;
use crate::slot::{EventSlot, SpanSlots};
use crate::span::ActiveSpan;
use crate::value::Value;

/// The name of the event reporting a span that stopped without one of its required stop
/// keys.
pub const MISSING_STOP_KEY: &[&str] = &["telemetry", "span", "missing_stop_key"];

static MISSING: EventSlot = EventSlot::new(MISSING_STOP_KEY);

/// The stop-only metadata a `#[span]` function sets with `stop!`, kept until it returns.
/// Values are owned because they may borrow locals that end before the span does;
/// scalars and strings up to [`INLINE_CAPACITY`](crate::INLINE_CAPACITY) bytes are kept
/// without allocating. The lock (uncontended, taken only when somebody listens) keeps an
/// `async fn`'s future `Send`.
pub struct StopValues<const N: usize> {
    enabled: bool,
    required: &'static [&'static str],
    /// Filled on the first `set`, so that a span nobody listens to initialises nothing.
    values: Mutex<Option<KeptFields<N>>>,
}

impl<const N: usize> StopValues<N> {
    /// Storage that keeps values only when `enabled` (somebody listens to the span).
    #[inline]
    pub fn new(enabled: bool) -> Self {
        StopValues {
            enabled,
            required: &[],
            values: Mutex::new(None),
        }
    }

    /// [`StopValues::new`] for a span whose catalogue marks `required` stop keys: a normal
    /// stop without one of them is reported (see the module's rule).
    #[inline]
    pub fn requiring(enabled: bool, required: &'static [&'static str]) -> Self {
        StopValues {
            enabled,
            required,
            values: Mutex::new(None),
        }
    }

    /// Whether `stop!` should evaluate and keep its values.
    #[inline]
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Records the stop key number `index`; a later value wins.
    pub fn set(&self, index: usize, key: &'static str, value: Value<'_>) {
        let mut values = self.values.lock().unwrap_or_else(PoisonError::into_inner);
        values
            .get_or_insert_with(KeptFields::new)
            .set_at(index, key, value);
    }

    /// Ends `span` (if any) with the stop event carrying the recorded values.
    #[inline]
    pub fn finish(&self, span: &mut Option<ActiveSpan<'_>>) {
        if let Some(span) = span.take() {
            self.stop(span);
        }
    }

    fn stop(&self, mut span: ActiveSpan<'_>) {
        let values = self.values.lock().unwrap_or_else(PoisonError::into_inner);
        Self::stop_with(&values, self.required, &mut span);
    }

    fn stop_with(
        values: &Option<KeptFields<N>>,
        required: &'static [&'static str],
        span: &mut ActiveSpan<'_>,
    ) {
        match values.as_ref() {
            Some(values) => values.with_fields(|fields| span.stop_in_place(fields)),
            None => span.stop_in_place(&[]),
        }
        for key in required {
            if !values.as_ref().is_some_and(|v| v.contains(key)) {
                report_missing(span.prefix(), key);
            }
        }
    }
}

/// The stop keys of a synchronous `#[span]` function: all of them, numbered as `stop!`
/// numbers them, and those its catalogue marks required.
pub struct StopKeys {
    /// Every stop key, in the order of their numbers.
    pub keys: &'static [&'static str],
    /// The keys a normal stop must have set (see the module's rule).
    pub required: &'static [&'static str],
}

/// The `stop!` values of a synchronous `#[span]` body, in the frame of the runner while
/// the body runs (created only when somebody listens). The lock, uncontended, lets the
/// body hand its [`SpanStop`] to scoped threads.
pub(crate) struct BodyStop<const N: usize>(Mutex<KeptByIndex<N>>);

impl<const N: usize> BodyStop<N> {
    pub(crate) const fn new() -> Self {
        BodyStop(Mutex::new(KeptByIndex::new()))
    }

    /// The handle the body writes through.
    #[inline]
    pub(crate) fn handle(&self) -> SpanStop<'_, N> {
        SpanStop(Some(self))
    }

    /// Ends a span with `stop` given the recorded values as the stop extras, then reports
    /// each required key they lack; `slots` name the span. The values are no longer
    /// shared once the body returned.
    pub(crate) fn stop(
        &mut self,
        keys: &StopKeys,
        slots: &SpanSlots,
        stop: impl FnOnce(&[Field<'_>]),
    ) {
        let values = self.0.get_mut().unwrap_or_else(PoisonError::into_inner);
        values.with_fields(keys.keys, stop);
        for key in keys.required {
            if !values.contains(keys.keys, key) {
                // Read only when reporting: a name is five words, which the caller
                // would otherwise copy on every stop.
                report_missing(slots.prefix(), key);
            }
        }
    }

    fn set(&self, index: usize, value: Value<'_>) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .set(index, value);
    }
}

/// Where the body of a synchronous `#[span]` function records its `stop!` values: the
/// span's storage, or nothing when nobody listens ([`SpanStop::IDLE`], which lets the
/// compiler drop every `stop!` of a body run without a span).
#[derive(Clone, Copy)]
pub struct SpanStop<'a, const N: usize>(Option<&'a BodyStop<N>>);

impl<const N: usize> SpanStop<'static, N> {
    /// The handle of a body that runs without a span.
    pub const IDLE: Self = SpanStop(None);
}

impl<const N: usize> SpanStop<'_, N> {
    /// Whether `stop!` should evaluate and keep its values.
    #[inline(always)]
    pub fn is_enabled(self) -> bool {
        self.0.is_some()
    }

    /// Records the stop key number `index` (`key`, named again for the reader of the
    /// generated code); a later value wins.
    #[inline]
    pub fn set(self, index: usize, key: &'static str, value: Value<'_>) {
        let _ = key;
        if let Some(values) = self.0 {
            values.set(index, value);
        }
    }
}

/// Reports a span that stopped without its required stop key `key`.
#[cold]
#[inline(never)]
pub(crate) fn report_missing(span: Name<'_>, key: &'static str) {
    let dotted = span.to_string();
    if cfg!(debug_assertions) && first_report(&dotted, key) {
        eprintln!(
            "telemetry: span `{dotted}` stopped without its required stop key `{key}`: set \
             it with `stop!({key} = ..)` on every path that returns normally, or declare it \
             optional in the catalogue if only some paths know it"
        );
    }
    MISSING.execute(&[], &crate::fields!(span = dotted.as_str(), key = key));
}

/// Whether this (span, key) pair is reported for the first time; bounded by the number
/// of spans with required stop keys and their keys.
fn first_report(span: &str, key: &'static str) -> bool {
    static REPORTED: Mutex<Vec<(String, &'static str)>> = Mutex::new(Vec::new());
    let mut reported = REPORTED.lock().unwrap_or_else(PoisonError::into_inner);
    if reported.iter().any(|(s, k)| s == span && *k == key) {
        return false;
    }
    reported.push((span.to_owned(), key));
    true
}
