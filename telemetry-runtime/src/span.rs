//! Spans: start, then exactly one of stop or exception, as `:telemetry.span/3`.
//!
//! Start measurements are `system_time` and `monotonic_time`; stop measurements are
//! `duration` and `monotonic_time`; exception measurements are `duration` and
//! `monotonic_time`. All times are nanoseconds, the runtime's native unit. Stop metadata
//! is the start metadata merged with the extras given at the end (the extras win on a
//! shared key); exception metadata is the start metadata plus `kind` (an atom: `panic`,
//! or `cancelled` for a span dropped before it ended) and `reason` (the panic message).

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use crate::clock;
use crate::context::{self, Entered, SpanContext};
use crate::dispatch::panic_message;
use crate::fields::{Field, Fields};
use crate::name::Phase;
use crate::name::{IntoName, Name, NameError};
use crate::registry;
use crate::slot::SpanSlots;
use crate::value::{OwnedValue, Value};

/// The `kind` of an exception event raised by a panic.
pub const PANIC: &str = "panic";
/// The `kind` of an exception event for a span dropped before it ended (a cancelled
/// future, a lazy iterator dropped early).
pub const CANCELLED: &str = "cancelled";

/// A span's result together with extra stop metadata: the Rust form of exgit's
/// `{:span, result, extra}`. The result is returned to the caller unchanged and the
/// extras are merged into the stop event's metadata.
///
/// ```
/// use telemetry_runtime::{capture, fields, spanned, Spanned};
/// let captured = capture(|| {
///     spanned(&["exgit", "pack", "parse"], &fields!(byte_size = 1024u64), || {
///         let objects = 12u64;
///         Spanned::new(objects, fields!(object_count = objects))
///     })
/// });
/// assert_eq!(captured.result, Ok(12));
/// let stop = &captured.events[1];
/// assert_eq!(stop.name().as_str(), "exgit.pack.parse.stop");
/// assert_eq!(stop.metadata_keys(), ["byte_size", "object_count"]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T, E> {
    result: T,
    extra: E,
}

impl<T, E> Spanned<T, E> {
    /// `result` for the caller, `extra` (any `AsRef<[Field]>`: an array from
    /// [`fields!`](crate::fields!), a `Vec`, a slice) for the stop event.
    pub fn new(result: T, extra: E) -> Self {
        Spanned { result, extra }
    }

    /// The result and the extras.
    pub fn into_parts(self) -> (T, E) {
        (self.result, self.extra)
    }
}

/// Runs `f` inside a span named `prefix`; whatever `f` returns is returned verbatim and
/// the stop metadata equals `metadata`.
///
/// On panic, the exception event is emitted and the panic resumes. The name is validated
/// first: a malformed name, or one that already ends in a phase (`exgit.fs.stat.stop`:
/// [`NameError::PhaseInPrefix`]), is an `Err` and `f` does not run. To merge extra stop metadata,
/// return [`Spanned`] from [`spanned`].
///
/// ```
/// use telemetry_runtime::{capture, fields, span};
/// let captured = capture(|| span("exgit.fs.stat", &fields!(reference = "HEAD", path = "README"), || 7));
/// assert_eq!(captured.result, Ok(7));
/// let names: Vec<_> = captured.events.iter().map(|e| e.name().to_string()).collect();
/// assert_eq!(names, ["exgit.fs.stat.start", "exgit.fs.stat.stop"]);
/// assert_eq!(captured.events[0].span_context(), captured.events[1].span_context());
/// ```
pub fn span<'n, R>(
    prefix: impl IntoName<'n>,
    metadata: &[Field<'_>],
    f: impl FnOnce() -> R,
) -> Result<R, NameError> {
    spanned(prefix, metadata, || Spanned::new(f(), NO_EXTRA))
}

/// Runs `f` inside a span named `prefix`; `f` returns [`Spanned`], whose result is
/// returned and whose extras are merged into the stop metadata (exgit's rule).
pub fn spanned<'n, 'e, T, E>(
    prefix: impl IntoName<'n>,
    metadata: &[Field<'_>],
    f: impl FnOnce() -> Spanned<T, E>,
) -> Result<T, NameError>
where
    E: AsRef<[Field<'e>]>,
{
    let prefix = prefix.into_name()?;
    if prefix.phase().is_some() {
        return Err(NameError::PhaseInPrefix {
            name: prefix.to_string(),
        });
    }
    Ok(run(Target::Dynamic(prefix), metadata, f))
}

const NO_EXTRA: [Field<'static>; 0] = [];

impl SpanSlots {
    /// Runs `f` inside this span; whatever `f` returns is returned verbatim.
    pub fn span<R>(&'static self, metadata: &[Field<'_>], f: impl FnOnce() -> R) -> R {
        run(Target::Static(self), metadata, || {
            Spanned::new(f(), NO_EXTRA)
        })
    }

    /// Runs `f` inside this span; the extras of the [`Spanned`] it returns are merged
    /// into the stop metadata.
    pub fn spanned<'e, T, E>(
        &'static self,
        metadata: &[Field<'_>],
        f: impl FnOnce() -> Spanned<T, E>,
    ) -> T
    where
        E: AsRef<[Field<'e>]>,
    {
        run(Target::Static(self), metadata, f)
    }
}

fn run<'e, T, E>(target: Target<'_>, metadata: &[Field<'_>], f: impl FnOnce() -> Spanned<T, E>) -> T
where
    E: AsRef<[Field<'e>]>,
{
    if !target.is_enabled() {
        return f().result;
    }
    let mut span = Some(ActiveSpan::begin(target, metadata));
    let Spanned { result, extra } = run_entered(&mut span, f);
    if let Some(span) = span {
        span.stop(extra.as_ref());
    }
    result
}

/// Runs `work` with `span` current (when there is one). A panic ends the span with the
/// exception event, leaving `None` behind, and then resumes: the caller's code never
/// sees the span end twice, and the panic reaches the caller unchanged.
#[inline]
pub(crate) fn run_entered<R>(span: &mut Option<ActiveSpan<'_>>, work: impl FnOnce() -> R) -> R {
    let Some(active) = span.as_ref() else {
        return work();
    };
    let outcome = {
        let _entered = active.enter();
        catch_unwind(AssertUnwindSafe(work))
    };
    match outcome {
        Ok(result) => result,
        Err(payload) => end_by_panic(span, payload),
    }
}

#[cold]
#[inline(never)]
fn end_by_panic(span: &mut Option<ActiveSpan<'_>>, payload: Box<dyn Any + Send>) -> ! {
    if let Some(active) = span.take() {
        active.exception(PANIC, panic_message(&*payload));
    }
    resume_unwind(payload)
}

#[derive(Clone, Copy)]
enum Target<'a> {
    Static(&'static SpanSlots),
    Dynamic(Name<'a>),
}

impl Target<'_> {
    fn is_enabled(self) -> bool {
        match self {
            Target::Static(slots) => slots.is_enabled(),
            Target::Dynamic(prefix) => [Phase::Start, Phase::Stop, Phase::Exception]
                .into_iter()
                .any(|phase| registry::dynamic_enabled(prefix.with_phase(phase))),
        }
    }

    fn emit(self, phase: Phase, measurements: Fields<'_>, metadata: Fields<'_>, span: SpanContext) {
        match self {
            Target::Static(slots) => {
                let slot = slots.slot(phase);
                if slot.is_enabled() {
                    slot.dispatch_in_span(measurements, metadata, Some(span));
                }
            }
            Target::Dynamic(prefix) => registry::dispatch_dynamic(
                prefix.with_phase(phase),
                measurements,
                metadata,
                Some(span),
            ),
        }
    }
}

/// A span that has started and not yet ended: the building block of the `#[span]`
/// macro and of spans over futures and iterators.
///
/// Create one only after [`SpanSlots::is_enabled`] returned `true`: starting reads the
/// clock. It ends with [`stop`](ActiveSpan::stop) or [`exception`](ActiveSpan::exception);
/// dropped without either, it emits the exception event with `kind` = `cancelled` (or
/// `panic` when dropped during a panic).
pub struct ActiveSpan<'a> {
    target: Target<'a>,
    metadata: StartMetadata<'a>,
    started: u64,
    context: SpanContext,
    ended: bool,
}

/// The start metadata a span repeats in its stop and exception events.
enum StartMetadata<'a> {
    Borrowed(&'a [Field<'a>]),
    /// For spans that outlive the call that started them (lazy iterators).
    Owned(Vec<(String, OwnedValue)>),
}

impl StartMetadata<'_> {
    fn with_fields<R>(&self, f: impl FnOnce(&[Field<'_>]) -> R) -> R {
        match self {
            StartMetadata::Borrowed(fields) => f(fields),
            StartMetadata::Owned(owned) => {
                let fields: Vec<Field<'_>> = owned
                    .iter()
                    .map(|(key, value)| Field {
                        key,
                        value: value.as_value(),
                    })
                    .collect();
                f(&fields)
            }
        }
    }
}

impl<'a> ActiveSpan<'a> {
    /// Starts a span on these slots with this start metadata, emitting the start event
    /// when anybody listens to it. Its parent is the thread's current span.
    pub fn start(slots: &'static SpanSlots, metadata: &'a [Field<'a>]) -> Self {
        Self::begin(Target::Static(slots), metadata)
    }

    fn begin(target: Target<'a>, metadata: &'a [Field<'a>]) -> Self {
        let (started, context) = emit_start(target, metadata);
        ActiveSpan {
            target,
            metadata: StartMetadata::Borrowed(metadata),
            started,
            context,
            ended: false,
        }
    }

    /// The identity shared by this span's events.
    pub fn context(&self) -> SpanContext {
        self.context
    }

    /// Makes this span the thread's current one (the parent of spans started meanwhile)
    /// until the guard drops. A future enters its span on every poll.
    pub fn enter(&self) -> Entered {
        context::enter(self.context)
    }

    /// Ends the span normally; `extra` is merged into the start metadata (and wins on a
    /// shared key).
    pub fn stop(mut self, extra: &[Field<'_>]) {
        self.ended = true;
        let now = clock::monotonic_nanos();
        let measurements = crate::fields!(
            duration = now.saturating_sub(self.started),
            monotonic_time = now,
        );
        let (target, context) = (self.target, self.context);
        self.metadata.with_fields(|start| {
            target.emit(
                Phase::Stop,
                Fields::new(&measurements),
                Fields::merged(start, extra),
                context,
            );
        });
    }

    /// Ends the span with the exception event: `kind` is an atom such as [`PANIC`],
    /// `reason` the message.
    pub fn exception(mut self, kind: &'static str, reason: &str) {
        self.emit_exception(kind, reason);
    }

    fn emit_exception(&mut self, kind: &'static str, reason: &str) {
        self.ended = true;
        let now = clock::monotonic_nanos();
        let measurements = crate::fields!(
            duration = now.saturating_sub(self.started),
            monotonic_time = now,
        );
        let failure = crate::fields!(kind = Value::atom(kind), reason = reason);
        let (target, context) = (self.target, self.context);
        self.metadata.with_fields(|start| {
            target.emit(
                Phase::Exception,
                Fields::new(&measurements),
                Fields::merged(start, &failure),
                context,
            );
        });
    }
}

impl ActiveSpan<'static> {
    /// Starts a span that may outlive the borrowed start metadata, which is copied:
    /// for spans over lazy work such as iterators.
    pub fn start_owned(slots: &'static SpanSlots, metadata: &[Field<'_>]) -> Self {
        let target = Target::Static(slots);
        let (started, context) = emit_start(target, metadata);
        let owned = metadata
            .iter()
            .map(|field| (field.key.to_owned(), field.value.to_owned_value()))
            .collect();
        ActiveSpan {
            target,
            metadata: StartMetadata::Owned(owned),
            started,
            context,
            ended: false,
        }
    }
}

fn emit_start(target: Target<'_>, metadata: &[Field<'_>]) -> (u64, SpanContext) {
    let context = SpanContext::new_child_of_current();
    let started = clock::monotonic_nanos();
    let measurements = crate::fields!(
        system_time = clock::system_nanos_at(started),
        monotonic_time = started,
    );
    target.emit(
        Phase::Start,
        Fields::new(&measurements),
        Fields::new(metadata),
        context,
    );
    (started, context)
}

impl Drop for ActiveSpan<'_> {
    #[inline]
    fn drop(&mut self) {
        if !self.ended {
            self.end_unfinished();
        }
    }
}

impl ActiveSpan<'_> {
    #[cold]
    fn end_unfinished(&mut self) {
        if std::thread::panicking() {
            self.emit_exception(PANIC, "panicked while the span was open");
        } else {
            self.emit_exception(CANCELLED, "dropped before completion");
        }
    }
}
