//! Random programs of attach, detach, emit, nested spans with every exit (cancellation
//! of a span's future included), captures and `with_handler`, checked against a simple
//! model: every handler receives exactly the
//! events the model says, in order; every capture holds exactly the events of its
//! closure; every span start is paired with one stop or exception and has the right
//! parent; nothing is left current.

use std::collections::HashMap;
use std::future::{Future, poll_fn};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use proptest::prelude::*;
use telemetry_runtime::__private::Instrumented;
use telemetry_runtime::{
    ActiveSpan, AttachError, DetachError, Durability, EventSlot, OwnedValue, SpanSlots,
    attach_with, capture, current_span, detach, execute, span, with_handler,
};

const EVENTS: [&str; 3] = ["model.event.e0", "model.event.e1", "model.event.e2"];
static SLOTS: [EventSlot; 3] = [
    EventSlot::new(&["model", "event", "e0"]),
    EventSlot::new(&["model", "event", "e1"]),
    EventSlot::new(&["model", "event", "e2"]),
];
/// Span 0 goes through its static slots, span 1 through its dynamic name.
static STATIC_SPAN: SpanSlots = SpanSlots::new(&["model", "span", "p0"]);
const SPANS: [&str; 2] = ["model.span.p0", "model.span.p1"];
const FAILURE: &str = "telemetry.handler.failure";

/// Every name a handler may attach to: the events, then each span's three phases.
fn names() -> Vec<String> {
    let mut names: Vec<String> = EVENTS.iter().map(|s| s.to_string()).collect();
    for prefix in SPANS {
        for phase in ["start", "stop", "exception"] {
            names.push(format!("{prefix}.{phase}"));
        }
    }
    names
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Panics {
    Never,
    /// Detached on its first panic.
    Once,
    /// Durable: panics on every call and stays.
    Always,
}

#[derive(Debug, Clone, Copy)]
enum Exit {
    Return,
    /// The body returns an `Err`, as a `?` would.
    Question,
    Panic,
}

#[derive(Debug, Clone)]
enum Op {
    Attach {
        handler: usize,
        names: Vec<usize>,
        panics: Panics,
    },
    Detach {
        handler: usize,
    },
    Emit {
        event: usize,
        via_slot: bool,
    },
    Span {
        prefix: usize,
        exit: Exit,
        body: Vec<Op>,
    },
    /// The future of an `async` span (on the static slots) polled once, its body running
    /// up to an `.await` that stays pending, then dropped.
    Cancelled {
        body: Vec<Op>,
    },
    Capture {
        body: Vec<Op>,
    },
    WithHandler {
        names: Vec<usize>,
        body: Vec<Op>,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let name_count = names().len();
    let panics = prop_oneof![
        Just(Panics::Never),
        Just(Panics::Once),
        Just(Panics::Always)
    ];
    let leaf = prop_oneof![
        (
            0..3usize,
            prop::collection::vec(0..name_count, 1..4),
            panics
        )
            .prop_map(|(handler, names, panics)| Op::Attach {
                handler,
                names,
                panics
            }),
        (0..3usize).prop_map(|handler| Op::Detach { handler }),
        (0..3usize, any::<bool>()).prop_map(|(event, via_slot)| Op::Emit { event, via_slot }),
    ];
    leaf.prop_recursive(3, 24, 4, move |inner| {
        let exit = prop_oneof![Just(Exit::Return), Just(Exit::Question), Just(Exit::Panic)];
        prop_oneof![
            (0..2usize, exit, prop::collection::vec(inner.clone(), 0..4))
                .prop_map(|(prefix, exit, body)| Op::Span { prefix, exit, body }),
            prop::collection::vec(inner.clone(), 0..4).prop_map(|body| Op::Cancelled { body }),
            prop::collection::vec(inner.clone(), 0..4).prop_map(|body| Op::Capture { body }),
            (
                prop::collection::vec(0..name_count, 1..3),
                prop::collection::vec(inner, 0..4)
            )
                .prop_map(|(names, body)| Op::WithHandler { names, body }),
        ]
    })
}

struct ModelHandler {
    label: String,
    names: Vec<String>,
    panics: Panics,
}

/// What should happen, kept alongside what does.
#[derive(Default)]
struct Model {
    /// Attached handlers in attach order.
    handlers: Vec<ModelHandler>,
    /// Expected (handler, event) deliveries.
    log: Vec<(String, String)>,
    /// The events each running capture should hold, innermost last.
    captures: Vec<Vec<String>>,
}

impl Model {
    fn emit(&mut self, name: &str) {
        self.record(name);
        let mut i = 0;
        while i < self.handlers.len() {
            let handler = &self.handlers[i];
            if handler.names.iter().any(|n| n == name) {
                self.log.push((handler.label.clone(), name.to_string()));
                match handler.panics {
                    Panics::Never => {}
                    Panics::Once => {
                        self.handlers.remove(i);
                        self.record(FAILURE);
                        continue;
                    }
                    Panics::Always => self.record(FAILURE),
                }
            }
            i += 1;
        }
    }

    fn record(&mut self, name: &str) {
        for capture in &mut self.captures {
            capture.push(name.to_string());
        }
    }
}

/// What handlers actually received.
type Log = Arc<Mutex<Vec<(String, String)>>>;

fn logging(
    label: String,
    log: &Log,
    panics: Panics,
) -> impl Fn(&telemetry_runtime::Event<'_>) + Send + Sync + 'static {
    let log = Arc::clone(log);
    move |event| {
        log.lock()
            .unwrap()
            .push((label.clone(), event.name().to_string()));
        if panics != Panics::Never {
            panic!("handler {label} fails");
        }
    }
}

struct Run {
    model: Model,
    log: Log,
    names: Vec<String>,
    next_with: usize,
}

impl Run {
    fn exec(&mut self, ops: &[Op]) {
        for op in ops {
            self.exec_one(op);
        }
    }

    fn exec_one(&mut self, op: &Op) {
        match op {
            Op::Attach {
                handler,
                names,
                panics,
            } => {
                let label = format!("h{handler}");
                let names: Vec<String> = names.iter().map(|&i| self.names[i].clone()).collect();
                let durability = match panics {
                    Panics::Always => Durability::Durable,
                    _ => Durability::DetachOnPanic,
                };
                let result = attach_with(
                    label.as_str(),
                    names.iter(),
                    durability,
                    logging(label.clone(), &self.log, *panics),
                );
                if self.model.handlers.iter().any(|h| h.label == label) {
                    assert!(matches!(result, Err(AttachError::DuplicateId(_))));
                } else {
                    result.unwrap();
                    let mut unique = Vec::new();
                    for name in names {
                        if !unique.contains(&name) {
                            unique.push(name);
                        }
                    }
                    self.model.handlers.push(ModelHandler {
                        label,
                        names: unique,
                        panics: *panics,
                    });
                }
            }
            Op::Detach { handler } => {
                let label = format!("h{handler}");
                let result = detach(label.as_str());
                match self.model.handlers.iter().position(|h| h.label == label) {
                    Some(i) => {
                        result.unwrap();
                        self.model.handlers.remove(i);
                    }
                    None => assert_eq!(result, Err(DetachError::UnknownId(label.as_str().into()))),
                }
            }
            Op::Emit { event, via_slot } => {
                if *via_slot {
                    SLOTS[*event].execute(&[], &[]);
                } else {
                    execute(EVENTS[*event], &[], &[]).unwrap();
                }
                self.model.emit(EVENTS[*event]);
            }
            Op::Span { prefix, exit, body } => self.exec_span(*prefix, *exit, body),
            Op::Cancelled { body } => self.exec_cancelled(body),
            Op::Capture { body } => {
                self.model.captures.push(Vec::new());
                let captured = capture(|| self.exec(body));
                let expected = self.model.captures.pop().unwrap();
                assert_eq!(captured.names(), expected);
            }
            Op::WithHandler { names, body } => {
                let label = format!("telemetry.with_handler.model{}", self.next_with);
                self.next_with += 1;
                let names: Vec<String> = names.iter().map(|&i| self.names[i].clone()).collect();
                let mut unique = Vec::new();
                for name in &names {
                    if !unique.contains(name) {
                        unique.push(name.clone());
                    }
                }
                self.model.handlers.push(ModelHandler {
                    label: label.clone(),
                    names: unique,
                    panics: Panics::Never,
                });
                let handler = logging(label.clone(), &self.log, Panics::Never);
                with_handler(handler, names.iter(), || self.exec(body)).unwrap();
                self.model.handlers.retain(|h| h.label != label);
            }
        }
    }

    fn exec_span(&mut self, prefix: usize, exit: Exit, body: &[Op]) {
        let name = SPANS[prefix];
        let outer = current_span();
        let body_run = |run: &mut Run| -> Result<(), ()> {
            let inner = current_span();
            // Whether a span is current inside depends on whether anybody listens.
            if let Some(inner) = inner {
                assert_eq!(inner.parent(), outer.map(|o| o.id()), "parent of {name}");
            }
            run.exec(body);
            match exit {
                Exit::Return => Ok(()),
                Exit::Question => Err(()),
                Exit::Panic => panic!("span body fails"),
            }
        };
        self.model.emit(&format!("{name}.start"));
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            if prefix == 0 {
                STATIC_SPAN.span(&[], || body_run(self))
            } else {
                span(name, &[], || body_run(self)).unwrap()
            }
        }));
        let phase = match exit {
            Exit::Return => {
                assert_eq!(outcome.unwrap(), Ok(()));
                "stop"
            }
            Exit::Question => {
                assert_eq!(outcome.unwrap(), Err(()));
                "stop"
            }
            Exit::Panic => {
                assert!(outcome.is_err());
                "exception"
            }
        };
        self.model.emit(&format!("{name}.{phase}"));
        assert_eq!(current_span(), outer, "the outer span is current again");
    }
}

impl Run {
    fn exec_cancelled(&mut self, body: &[Op]) {
        let name = SPANS[0];
        let outer = current_span();
        // As an `async fn` span starts: only when somebody listens (the witness does).
        let mut active = STATIC_SPAN
            .is_enabled()
            .then(|| ActiveSpan::start(&STATIC_SPAN, &[]));
        let listened = active.is_some();
        if listened {
            self.model.emit(&format!("{name}.start"));
        }
        let mut ran = false;
        {
            let work = pin!(poll_fn(|_| {
                if !ran {
                    ran = true;
                    let inner = current_span();
                    if let Some(inner) = inner {
                        assert_eq!(inner.parent(), outer.map(|o| o.id()), "parent of {name}");
                    }
                    self.exec(body);
                }
                Poll::<()>::Pending
            }));
            let mut future = pin!(Instrumented::new(work, &mut active));
            let mut cx = Context::from_waker(Waker::noop());
            assert!(future.as_mut().poll(&mut cx).is_pending());
            assert_eq!(current_span(), outer, "not current between polls");
        }
        // The task is dropped before it completes: the span ends as cancelled.
        self.model.captures.push(Vec::new());
        let captured = capture(|| drop(active));
        if listened {
            self.model.emit(&format!("{name}.exception"));
            let exception = captured.named(&format!("{name}.exception")).next();
            assert_eq!(
                exception.and_then(|e| e.meta("kind")),
                Some(&OwnedValue::atom("cancelled"))
            );
        }
        assert_eq!(captured.names(), self.model.captures.pop().unwrap());
        assert!(ran, "the body ran up to its pending await");
        assert_eq!(current_span(), outer, "the outer span is current again");
    }
}

fn run_program(ops: Vec<Op>) {
    let log: Log = Arc::default();
    let names = names();
    let mut run = Run {
        model: Model::default(),
        log: Arc::clone(&log),
        names: names.clone(),
        next_with: 0,
    };
    // A witness on every name, so that every span's pairing is delivered somewhere.
    run.exec_one(&Op::Attach {
        handler: 9,
        names: (0..names.len()).collect(),
        panics: Panics::Never,
    });
    run.exec(&ops);
    for handler in std::mem::take(&mut run.model.handlers) {
        detach(handler.label.as_str()).unwrap();
    }

    let actual = log.lock().unwrap().clone();
    assert_eq!(actual, run.model.log, "deliveries");
    assert_eq!(current_span(), None, "nothing left current");
    let mut open: HashMap<String, usize> = HashMap::new();
    for (label, event) in actual.iter().filter(|(label, _)| label == "h9") {
        let _ = label;
        let (prefix, phase) = event.rsplit_once('.').unwrap();
        let count = open.entry(prefix.to_string()).or_default();
        match phase {
            "start" => *count += 1,
            "stop" | "exception" => *count -= 1,
            _ => {}
        }
    }
    assert!(
        open.values().all(|&n| n == 0),
        "every start paired: {open:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_programs_match_the_model(ops in prop::collection::vec(op(), 1..12)) {
        std::panic::set_hook(Box::new(|_| {}));
        run_program(ops);
    }
}
