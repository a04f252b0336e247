//! With every subscriber's filter off, the bridge detaches its handlers: our events cost
//! what they cost with nobody listening. (A binary of its own: it sets the global
//! subscriber.)

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use telemetry_runtime::{AttachError, Value, execute, fields, list_handlers, span};
use telemetry_tracing::{BridgeError, Config, attach};
use tracing::Subscriber;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::{EnvFilter, Registry};

/// Counts how often it is formatted.
struct Formatted(AtomicUsize);

impl std::fmt::Debug for Formatted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fetch_add(1, Ordering::Relaxed);
        f.write_str("formatted")
    }
}

static FORMATTED: Formatted = Formatted(AtomicUsize::new(0));

#[derive(Clone, Default)]
struct Names(Arc<Mutex<Vec<String>>>);

impl<S: Subscriber> Layer<S> for Names {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        self.0
            .lock()
            .unwrap()
            .push(event.metadata().name().to_owned());
    }
}

#[test]
fn handlers_are_detached_while_every_filter_is_off_and_come_back_with_a_subscriber_that_wants_them()
{
    tracing::subscriber::set_global_default(Registry::default().with(EnvFilter::new("off")))
        .unwrap();
    let bridge = attach(
        Config::new("t-off")
            .event("troff.tick", &["payload"])
            .unwrap()
            .span("troff.work", &["payload"])
            .unwrap(),
    )
    .unwrap();
    assert!(
        bridge.handlers().iter().all(|(_, attached)| !attached),
        "{bridge:?}"
    );
    assert!(list_handlers(&["troff"]).is_empty());
    // Detached or not, the first bridge keeps its ids: a second one under the same id is
    // refused now, not later when a subscriber wants the first.
    assert!(matches!(
        attach(Config::new("t-off").event("troff.tick", &[]).unwrap()),
        Err(BridgeError::Attach(AttachError::DuplicateId(_)))
    ));
    for _ in 0..100 {
        execute(
            "troff.tick",
            &[],
            &fields!(payload = Value::Debug(&FORMATTED)),
        )
        .unwrap();
        span(
            "troff.work",
            &fields!(payload = Value::Debug(&FORMATTED)),
            || (),
        )
        .unwrap();
    }
    assert_eq!(FORMATTED.0.load(Ordering::Relaxed), 0);

    let names = Names::default();
    let wanting = Registry::default()
        .with(EnvFilter::new("troff=info"))
        .with(names.clone());
    tracing::subscriber::with_default(wanting, || {
        assert!(
            bridge.handlers().iter().all(|(_, attached)| *attached),
            "{bridge:?}"
        );
        execute(
            "troff.tick",
            &[],
            &fields!(payload = Value::Debug(&FORMATTED)),
        )
        .unwrap();
    });
    assert_eq!(*names.0.lock().unwrap(), ["troff.tick"]);
    drop(bridge);
    assert!(list_handlers(&["troff"]).is_empty());
}
