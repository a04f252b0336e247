//! Spans: start, then exactly one of stop or exception, as `:telemetry.span/3`.
//!
//! Start measurements are `system_time` and `monotonic_time`; stop measurements are
//! `duration` and `monotonic_time`; exception measurements are `duration` and
//! `monotonic_time`. All times are nanoseconds, the runtime's native unit. Stop metadata
//! is the start metadata merged with the extras given at the end (the extras win on a
//! shared key); exception metadata is the start metadata plus `kind` (an atom: `panic`,
//! `error` for a lazy span whose function failed before yielding, or `cancelled` for a
//! span dropped before it ended) and `reason` (the panic message, or the error).
//!
//! # Stack
//! A `#[span]` function nobody listens to adds only its body's closure to the plain
//! function's frame: about 35 bytes per nested level in a release build, 270 in a debug
//! build.
//! When somebody listens, one out-of-line frame holds what the span needs while its body
//! runs: when it started, its own identity and its parent's (56 bytes), the `stop!`
//! values (48 bytes per stop key), and the `catch_unwind` that turns a panic into the
//! exception event. The start metadata is not kept: it is built again from the same
//! borrowed arguments for the stop or exception event. About 200 bytes per level in a
//! release build (`tracing`'s `#[instrument]` under a registry: 192) and 1.1 KB in a
//! debug build, of which `catch_unwind`'s own frames are 460 bytes
//! (`cargo run --release -p telemetry-bench --example stack_per_level`). A thread with
//! 8 MiB of stack (the main thread's default on Linux) reaches 32,000 nested levels in
//! release and 6,500 in debug (a test checks both). Threads spawned by `std` get 2 MiB
//! by default; give deeply recursive instrumented code a larger
//! [`stack_size`](std::thread::Builder::stack_size).

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use crate::clock;
use crate::context::{self, Entered, SpanContext};
use crate::dispatch::panic_message;
use crate::field_buf::FieldBuf;
use crate::fields::{Field, Fields};
use crate::name::Phase;
use crate::name::{IntoName, Name, NameError};
use crate::owned_value::OwnedValue;
use crate::registry;
use crate::slot::SpanSlots;
use crate::span_times;
use crate::spanned::{Spanned, StopExtra};
use crate::value::Value;

/// The `kind` of an exception event raised by a panic.
pub const PANIC: &str = "panic";
/// The `kind` of an exception event for a span dropped before it ended (a cancelled
/// future, a lazy iterator dropped early).
pub const CANCELLED: &str = "cancelled";
/// The `kind` of an exception event for a lazy span whose function returned `Err`
/// before yielding anything; `reason` is the error's `Debug` form.
pub const ERROR: &str = "error";

/// Runs `f` inside a span named `prefix`; whatever `f` returns is returned verbatim and
/// the stop metadata equals `metadata`.
///
/// On panic, the exception event is emitted and the panic resumes. The name is validated
/// first: a malformed name, or one that already ends in a phase (`exgit.fs.stat.stop`:
/// [`NameError::PhaseInPrefix`]), is an `Err` and `f` does not run.
/// To merge extra stop metadata, return [`Spanned`] from [`spanned`].
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
pub fn spanned<'n, T, E: StopExtra>(
    prefix: impl IntoName<'n>,
    metadata: &[Field<'_>],
    f: impl FnOnce() -> Spanned<T, E>,
) -> Result<T, NameError> {
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
    pub fn spanned<T, E: StopExtra>(
        &'static self,
        metadata: &[Field<'_>],
        f: impl FnOnce() -> Spanned<T, E>,
    ) -> T {
        run(Target::Static(self), metadata, f)
    }
}

fn run<T, E: StopExtra>(
    target: Target<'_>,
    metadata: &[Field<'_>],
    f: impl FnOnce() -> Spanned<T, E>,
) -> T {
    if !target.is_enabled() {
        return f().result;
    }
    let mut span = Some(ActiveSpan::begin(target, metadata));
    let Spanned { result, extra } = run_entered(&mut span, f);
    if let Some(span) = span {
        extra.with_fields(|extra| span.stop(extra));
    }
    result
}

/// A span that can be ended by a panic: what [`run_entered`] needs of it.
pub(crate) trait EndsByPanic {
    /// The identity its events share.
    fn context(&self) -> SpanContext;
    /// Ends it with the exception event, `kind` = `panic`.
    fn end_by_panic(self, reason: &str);
}

/// Runs `work` with `span` current (when there is one). A panic ends the span with the
/// exception event, leaving `None` behind, and then resumes: the caller's code never
/// sees the span end twice, and the panic reaches the caller unchanged.
#[inline(always)]
pub(crate) fn run_entered<S: EndsByPanic, R>(span: &mut Option<S>, work: impl FnOnce() -> R) -> R {
    let Some(active) = span.as_ref() else {
        return work();
    };
    let outcome = {
        let _entered = context::enter(active.context());
        catch_unwind(AssertUnwindSafe(work))
    };
    match outcome {
        Ok(result) => result,
        Err(payload) => end_by_panic(span, payload),
    }
}

#[cold]
#[inline(never)]
fn end_by_panic<S: EndsByPanic>(span: &mut Option<S>, payload: Box<dyn Any + Send>) -> ! {
    if let Some(active) = span.take() {
        active.end_by_panic(panic_message(&*payload));
    }
    resume_unwind(payload)
}

#[derive(Clone, Copy)]
enum Target<'a> {
    Static(&'static SpanSlots),
    Dynamic(Name<'a>),
}

impl<'a> Target<'a> {
    fn is_enabled(self) -> bool {
        match self {
            Target::Static(slots) => slots.is_enabled(),
            Target::Dynamic(prefix) => [Phase::Start, Phase::Stop, Phase::Exception]
                .into_iter()
                .any(|phase| registry::dynamic_enabled(prefix.with_phase(phase))),
        }
    }

    fn prefix(self) -> Name<'a> {
        match self {
            Target::Static(slots) => slots.prefix(),
            Target::Dynamic(prefix) => prefix,
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

/// What every open span keeps, whoever holds its metadata: where it emits, when it
/// started, and its identity.
#[derive(Clone, Copy)]
pub(crate) struct Opened<'a> {
    target: Target<'a>,
    started: u64,
    context: SpanContext,
}

impl Opened<'static> {
    /// A span on static slots that started at `started` with `context`, for the events
    /// that end it.
    pub(crate) fn on_static(slots: &'static SpanSlots, started: u64, context: SpanContext) -> Self {
        Opened {
            target: Target::Static(slots),
            started,
            context,
        }
    }
}

impl<'a> Opened<'a> {
    /// Emits the start event of a span on static slots, parented to the current span.
    pub(crate) fn start_static(slots: &'static SpanSlots, metadata: &[Field<'_>]) -> Self {
        Self::start(Target::Static(slots), metadata)
    }

    fn start(target: Target<'a>, metadata: &[Field<'_>]) -> Self {
        let context = SpanContext::new_child_of_current();
        let now = clock::moment();
        let measurements = span_times::at_start(now);
        let started = now.monotonic;
        target.emit(
            Phase::Start,
            Fields::new(&measurements),
            Fields::new(metadata),
            context,
        );
        Opened {
            target,
            started,
            context,
        }
    }

    pub(crate) fn context(self) -> SpanContext {
        self.context
    }

    /// The span's prefix, for reports about it.
    pub(crate) fn prefix(self) -> Name<'a> {
        self.target.prefix()
    }

    /// Emits the stop event: `start` merged with `extra`.
    pub(crate) fn stop(self, start: &[Field<'_>], extra: &[Field<'_>]) {
        let measurements = span_times::at_end(self.started, clock::monotonic_nanos());
        self.target.emit(
            Phase::Stop,
            Fields::new(&measurements),
            Fields::merged(start, extra),
            self.context,
        );
    }

    /// Emits the exception event: `start` plus `kind` and `reason`.
    #[cold]
    #[inline(never)]
    pub(crate) fn exception(self, start: &[Field<'_>], kind: &'static str, reason: &str) {
        let measurements = span_times::at_end(self.started, clock::monotonic_nanos());
        let failure = crate::fields!(kind = Value::atom(kind), reason = reason);
        self.target.emit(
            Phase::Exception,
            Fields::new(&measurements),
            Fields::merged(start, &failure),
            self.context,
        );
    }

    /// Ends a span nobody ended: `panic` while unwinding, `cancelled` otherwise.
    #[cold]
    #[inline(never)]
    pub(crate) fn end_unfinished(self, start: &[Field<'_>]) {
        if std::thread::panicking() {
            self.exception(start, PANIC, "panicked while the span was open");
        } else {
            self.exception(start, CANCELLED, "dropped before completion");
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
    opened: Opened<'a>,
    metadata: StartMetadata<'a>,
    ended: bool,
}

/// The start metadata a span repeats in its stop and exception events.
enum StartMetadata<'a> {
    Borrowed(&'a [Field<'a>]),
    /// For spans that outlive the call that started them, as started by
    /// [`ActiveSpan::start_owned`].
    Owned(Box<OwnedMetadata>),
}

struct OwnedMetadata {
    start: Vec<(String, OwnedValue)>,
}

impl StartMetadata<'_> {
    fn with_fields<R>(&self, f: impl FnOnce(&[Field<'_>]) -> R) -> R {
        match self {
            StartMetadata::Borrowed(fields) => f(fields),
            StartMetadata::Owned(owned) => owned.with_fields(f),
        }
    }
}

impl OwnedMetadata {
    /// The start metadata as a slice: on the stack when it fits in
    /// [`OwnedMetadata::ON_STACK`] fields.
    #[inline(never)]
    fn with_fields<R>(&self, f: impl FnOnce(&[Field<'_>]) -> R) -> R {
        let start = self
            .start
            .iter()
            .map(|(key, value)| Field::new(key, value.as_value()));
        if self.start.len() <= Self::ON_STACK {
            let mut start_buf = FieldBuf::<{ Self::ON_STACK }>::new();
            start.for_each(|field| start_buf.push(field.key, field.value));
            return f(start_buf.as_slice());
        }
        let start: Vec<Field<'_>> = start.collect();
        f(&start)
    }

    const ON_STACK: usize = 8;
}

impl<'a> ActiveSpan<'a> {
    /// Starts a span on these slots with this start metadata, emitting the start event
    /// when anybody listens to it. Its parent is the thread's current span.
    #[inline]
    pub fn start(slots: &'static SpanSlots, metadata: &'a [Field<'a>]) -> Self {
        Self::begin(Target::Static(slots), metadata)
    }

    #[inline]
    fn begin(target: Target<'a>, metadata: &'a [Field<'a>]) -> Self {
        ActiveSpan {
            opened: Opened::start(target, metadata),
            metadata: StartMetadata::Borrowed(metadata),
            ended: false,
        }
    }

    /// The identity shared by this span's events.
    pub fn context(&self) -> SpanContext {
        self.opened.context
    }

    /// The span's prefix.
    pub(crate) fn prefix(&self) -> Name<'a> {
        self.opened.prefix()
    }

    /// Makes this span the thread's current one (the parent of spans started meanwhile)
    /// until the guard drops. A future enters its span on every poll.
    #[inline]
    pub fn enter(&self) -> Entered {
        context::enter(self.opened.context)
    }

    /// Ends the span normally; `extra` is merged into the start metadata (and wins on a
    /// shared key).
    pub fn stop(mut self, extra: &[Field<'_>]) {
        self.stop_in_place(extra);
    }

    /// Ends the span with the exception event: `kind` is an atom such as [`PANIC`],
    /// `reason` the message.
    pub fn exception(mut self, kind: &'static str, reason: &str) {
        self.exception_in_place(kind, reason);
    }

    /// [`ActiveSpan::stop`] for a span its owner keeps where it is; once ended, a span
    /// emits nothing more.
    pub(crate) fn stop_in_place(&mut self, extra: &[Field<'_>]) {
        if !std::mem::replace(&mut self.ended, true) {
            let opened = self.opened;
            self.metadata.with_fields(|start| opened.stop(start, extra));
        }
    }

    /// [`ActiveSpan::exception`] for a span its owner keeps where it is.
    pub(crate) fn exception_in_place(&mut self, kind: &'static str, reason: &str) {
        if !std::mem::replace(&mut self.ended, true) {
            let opened = self.opened;
            self.metadata
                .with_fields(|start| opened.exception(start, kind, reason));
        }
    }
}

impl ActiveSpan<'static> {
    /// Starts a span that may outlive the borrowed start metadata, which is copied: for
    /// spans over lazy work such as iterators. It allocates; lazy spans that must not
    /// start with [`OwnedSpan::start`](crate::OwnedSpan::start) instead.
    pub fn start_owned(slots: &'static SpanSlots, metadata: &[Field<'_>]) -> Self {
        let owned = OwnedMetadata {
            start: metadata
                .iter()
                .map(|field| (field.key.to_owned(), field.value.to_owned_value()))
                .collect(),
        };
        ActiveSpan {
            opened: Opened::start_static(slots, metadata),
            metadata: StartMetadata::Owned(Box::new(owned)),
            ended: false,
        }
    }
}

impl EndsByPanic for ActiveSpan<'_> {
    fn context(&self) -> SpanContext {
        self.opened.context
    }

    fn end_by_panic(self, reason: &str) {
        self.exception(PANIC, reason);
    }
}

impl Drop for ActiveSpan<'_> {
    #[inline]
    fn drop(&mut self) {
        if !self.ended {
            self.ended = true;
            let opened = self.opened;
            self.metadata
                .with_fields(|start| opened.end_unfinished(start));
        }
    }
}
