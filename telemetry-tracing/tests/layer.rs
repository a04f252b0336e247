//! What a `tracing` subscriber sees of our events and spans, recorded by a test layer.
//! Each test uses names of its own and a subscriber scoped to its thread.

use std::sync::{Arc, Mutex};

use telemetry_runtime::{
    EventSlot, SpanSlots, Spanned, TraceContext, Value, execute, fields, span, spanned,
};
use telemetry_tracing::{BridgeError, Config, attach};
use tracing::Level;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::{EnvFilter, Registry};

#[derive(Clone, Debug, PartialEq)]
enum Seen {
    Span {
        name: String,
        target: String,
        level: Level,
        fields: Vec<(String, String)>,
        parent: Option<String>,
    },
    Record {
        span: String,
        fields: Vec<(String, String)>,
    },
    Event {
        name: String,
        target: String,
        level: Level,
        fields: Vec<(String, String)>,
        parent: Option<String>,
    },
    Close(String),
}

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Seen>>>);

impl Recorder {
    fn seen(&self) -> Vec<Seen> {
        self.0.lock().unwrap().clone()
    }
}

#[derive(Default)]
struct Fields(Vec<(String, String)>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_owned(), value.to_owned()));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0
            .push((field.name().to_owned(), format!("u64:{value}")));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0
            .push((field.name().to_owned(), format!("bool:{value}")));
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Recorder {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        let span = ctx.span(id).unwrap();
        self.0.lock().unwrap().push(Seen::Span {
            name: attrs.metadata().name().to_owned(),
            target: attrs.metadata().target().to_owned(),
            level: *attrs.metadata().level(),
            fields: fields.0,
            parent: span.parent().map(|p| p.name().to_owned()),
        });
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        values.record(&mut fields);
        self.0.lock().unwrap().push(Seen::Record {
            span: ctx.span(id).unwrap().name().to_owned(),
            fields: fields.0,
        });
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        self.0.lock().unwrap().push(Seen::Event {
            name: event.metadata().name().to_owned(),
            target: event.metadata().target().to_owned(),
            level: *event.metadata().level(),
            fields: fields.0,
            parent: ctx.event_span(event).map(|s| s.name().to_owned()),
        });
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let name = ctx.span(&id).unwrap().name().to_owned();
        self.0.lock().unwrap().push(Seen::Close(name));
    }
}

fn recorded(filter: &str, f: impl FnOnce()) -> Vec<Seen> {
    let recorder = Recorder::default();
    let subscriber = Registry::default()
        .with(EnvFilter::new(filter))
        .with(recorder.clone());
    tracing::subscriber::with_default(subscriber, f);
    recorder.seen()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn a_standalone_event_is_a_tracing_event_with_every_key_as_a_field() {
    let _bridge = attach(
        Config::new("t-event")
            .event("trev.haves_sent", &["count", "sha"])
            .unwrap(),
    )
    .unwrap();
    let seen = recorded("trace", || {
        execute(
            "trev.haves_sent",
            &fields!(count = 3u64),
            &fields!(sha = "abc"),
        )
        .unwrap();
    });
    assert_eq!(
        seen,
        [Seen::Event {
            name: "trev.haves_sent".into(),
            target: "trev.haves_sent".into(),
            level: Level::INFO,
            fields: pairs(&[("count", "u64:3"), ("sha", "abc")]),
            parent: None,
        }]
    );
}

#[test]
fn nested_spans_keep_their_hierarchy_and_record_their_stop_metadata() {
    let _bridge = attach(
        Config::new("t-nest")
            .span("trnest.fetch", &["url", "object_count"])
            .unwrap()
            .span("trnest.parse", &["byte_size"])
            .unwrap()
            .event("trnest.tick", &["count"])
            .unwrap(),
    )
    .unwrap();
    let seen = recorded("trace", || {
        spanned("trnest.fetch", &fields!(url = "u"), || {
            span("trnest.parse", &fields!(byte_size = 10u64), || {
                execute("trnest.tick", &fields!(count = 1u64), &[]).unwrap();
            })
            .unwrap();
            Spanned::new((), fields!(object_count = 4u64))
        })
        .unwrap();
    });
    let spans: Vec<_> = seen
        .iter()
        .filter_map(|s| match s {
            Seen::Span { name, parent, .. } => Some((name.as_str(), parent.as_deref())),
            _ => None,
        })
        .collect();
    assert_eq!(
        spans,
        [
            ("trnest.fetch", None),
            ("trnest.parse", Some("trnest.fetch"))
        ]
    );
    assert!(
        seen.iter().any(|s| matches!(s,
        Seen::Event { name, parent: Some(p), .. } if name == "trnest.tick" && p == "trnest.parse"))
    );
    let fetch_record = seen
        .iter()
        .find_map(|s| match s {
            Seen::Record { span, fields } if span == "trnest.fetch" => Some(fields.clone()),
            _ => None,
        })
        .unwrap();
    let keys: Vec<&str> = fetch_record.iter().map(|(k, _)| k.as_str()).collect();
    // The stop records what it adds (the start's `url` is not repeated).
    assert_eq!(keys, ["object_count", "duration"]);
    assert!(fetch_record.contains(&("object_count".into(), "u64:4".into())));
    let closes: Vec<_> = seen
        .iter()
        .filter_map(|s| match s {
            Seen::Close(name) => Some(name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(closes, ["trnest.parse", "trnest.fetch"]);
}

#[test]
fn a_start_key_the_stop_changes_is_recorded_again() {
    let _bridge = attach(
        Config::new("t-changed")
            .span("trchanged.grep", &["pattern", "match_count"])
            .unwrap(),
    )
    .unwrap();
    let seen = recorded("trace", || {
        spanned(
            "trchanged.grep",
            &fields!(pattern = "foo", match_count = 0u64),
            || Spanned::new((), fields!(match_count = 3u64)),
        )
        .unwrap();
    });
    let recorded: Vec<_> = seen
        .iter()
        .filter_map(|s| match s {
            Seen::Record { fields, .. } => Some(fields.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(recorded.len(), 1);
    assert_eq!(
        recorded[0][0],
        ("match_count".to_owned(), "u64:3".to_owned())
    );
    assert!(recorded[0].iter().all(|(k, _)| k != "pattern"));
}

#[test]
fn a_span_on_another_thread_is_a_child_of_its_parent() {
    let _bridge = attach(
        Config::new("t-thread")
            .span("trthread.outer", &[])
            .unwrap()
            .span("trthread.worker", &[])
            .unwrap(),
    )
    .unwrap();
    let recorder = Recorder::default();
    let subscriber = Registry::default().with(recorder.clone());
    let dispatch = tracing::Dispatch::new(subscriber);
    tracing::dispatcher::with_default(&dispatch, || {
        span("trthread.outer", &[], || {
            let context = TraceContext::current();
            let dispatch = dispatch.clone();
            std::thread::spawn(move || {
                tracing::dispatcher::with_default(&dispatch, || {
                    let _entered = context.enter();
                    span("trthread.worker", &[], || ()).unwrap();
                });
            })
            .join()
            .unwrap();
        })
        .unwrap();
    });
    assert!(recorder.seen().iter().any(|s| matches!(s,
        Seen::Span { name, parent: Some(p), .. } if name == "trthread.worker" && p == "trthread.outer")));
}

#[test]
fn an_exception_is_an_error_event_inside_its_span() {
    let _bridge = attach(Config::new("t-exc").span("trexc.fail", &["path"]).unwrap()).unwrap();
    let seen = recorded("trace", || {
        let _ = std::panic::catch_unwind(|| {
            span("trexc.fail", &fields!(path = "README"), || {
                panic!("disk on fire")
            })
        });
    });
    assert!(seen.contains(&Seen::Event {
        name: "trexc.fail.exception".into(),
        target: "trexc.fail".into(),
        level: Level::ERROR,
        fields: pairs(&[("kind", "panic"), ("reason", "disk on fire")]),
        parent: Some("trexc.fail".into()),
    }));
}

static LOGIN: EventSlot = EventSlot::with_sensitive_keys(&["trsens", "login"], &["token"]);
static AUTH: SpanSlots = SpanSlots::with_sensitive_keys(&["trsens", "auth"], &["password"]);

#[test]
fn sensitive_values_are_redacted_in_the_fields() {
    let _bridge = attach(
        Config::new("t-sens")
            .event("trsens.login", &["client", "token"])
            .unwrap()
            .span("trsens.auth", &["user", "password"])
            .unwrap(),
    )
    .unwrap();
    let seen = recorded("trace", || {
        LOGIN.execute(&[], &fields!(client = "cli", token = "s3cret"));
        AUTH.span(&fields!(user = "ann", password = "hunter2"), || ());
    });
    let shown = format!("{seen:?}");
    assert!(
        !shown.contains("s3cret") && !shown.contains("hunter2"),
        "{shown}"
    );
    assert!(seen.iter().any(|s| matches!(s,
        Seen::Event { fields, .. } if fields.contains(&("token".into(), "[redacted]".into())))));
    assert!(seen.iter().any(|s| matches!(s,
        Seen::Span { fields, .. } if fields.contains(&("password".into(), "[redacted]".into())))));
}

#[test]
fn level_filters_apply_to_the_configured_levels() {
    let _bridge = attach(
        Config::new("t-level")
            .event("trlevel.chatty", &[])
            .unwrap()
            .event("trlevel.important", &[])
            .unwrap()
            .level(Level::DEBUG)
            .level_of("trlevel.important", Level::WARN),
    )
    .unwrap();
    let seen = recorded("info", || {
        execute("trlevel.chatty", &[], &[]).unwrap();
        execute("trlevel.important", &[], &[]).unwrap();
    });
    let names: Vec<_> = seen
        .iter()
        .filter_map(|s| match s {
            Seen::Event { name, level, .. } => Some((name.as_str(), *level)),
            _ => None,
        })
        .collect();
    assert_eq!(names, [("trlevel.important", Level::WARN)]);
}

#[test]
fn target_filters_select_a_subtree_of_names() {
    let _bridge = attach(
        Config::new("t-target")
            .event("trtarget.pack.parsed", &[])
            .unwrap()
            .event("trtarget.fs.read", &[])
            .unwrap(),
    )
    .unwrap();
    let seen = recorded("off,trtarget.pack=info", || {
        execute("trtarget.pack.parsed", &[], &[]).unwrap();
        execute("trtarget.fs.read", &[], &[]).unwrap();
    });
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(matches!(&seen[0], Seen::Event { name, .. } if name == "trtarget.pack.parsed"));
}

#[test]
fn a_catalogue_gives_every_key_of_its_events() {
    let _bridge = attach(
        Config::new("t-catalog")
            .catalog_under(&exgit_like::telemetry::CATALOG, &["exgit", "object_store"]),
    )
    .unwrap();
    let seen = recorded("exgit.object_store.haves_sent=info,off", || {
        execute(
            "exgit.object_store.haves_sent",
            &fields!(count = 2u64),
            &fields!(sha = Value::Bytes(&[0xab, 0xcd])),
        )
        .unwrap();
    });
    assert_eq!(
        seen,
        [Seen::Event {
            name: "exgit.object_store.haves_sent".into(),
            target: "exgit.object_store.haves_sent".into(),
            level: Level::INFO,
            fields: pairs(&[("count", "u64:2"), ("sha", "<<171, 205>>")]),
            parent: None,
        }]
    );
}

#[test]
fn misconfigurations_are_typed_errors_and_leave_nothing_attached() {
    assert_eq!(
        attach(Config::new("t-none")).unwrap_err(),
        BridgeError::NoEvents
    );
    let keys: Vec<String> = (0..40).map(|i| format!("k{i}")).collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let err = attach(
        Config::new("t-wide")
            .event("trwide.ok", &["a"])
            .unwrap()
            .event("trwide.wide", &keys)
            .unwrap(),
    )
    .unwrap_err();
    assert!(matches!(err, BridgeError::TooManyFields { count: 40, .. }));
    assert!(telemetry_runtime::list_handlers(&["trwide"]).is_empty());
    let _first = attach(Config::new("t-dup").event("trdup.a", &[]).unwrap()).unwrap();
    assert!(matches!(
        attach(Config::new("t-dup").event("trdup.a", &[]).unwrap()),
        Err(BridgeError::Attach(_))
    ));
}
