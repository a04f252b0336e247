//! Memory stays bounded under attach/detach churn, panicking handlers, captures and
//! `with_handler`: a counting global allocator measures the bytes alive after a warm-up
//! and after ten times as many rounds, which must be about equal.

use telemetry_runtime::{
    Durability, EventSlot, attach, attach_many, attach_with, capture, detach, execute, fields,
    with_handler,
};

#[path = "../../tests/test-support/counting_allocator.rs"]
mod counting_allocator;

use counting_allocator::{CountingAllocator, process_live_bytes};

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

static CHURNED: EventSlot = EventSlot::new(&["memory", "churn", "slot"]);

/// One round of everything that attaches, detaches, fails or captures.
fn round(i: u64) {
    let payload = vec![0u8; 256];
    attach(format!("churn-{i}"), "memory.churn.slot", move |_| {
        std::hint::black_box(&payload);
    })
    .unwrap();
    // A name used by this round only: its entry must go when its handler does.
    let own_name = format!("memory.churn.n{i}");
    attach_many(
        format!("churn-many-{i}"),
        [own_name.as_str(), "memory.churn.dynamic"],
        |_| {},
    )
    .unwrap();
    attach("churn-failing", "memory.churn.slot", |_| panic!("fails")).unwrap();
    attach_with(
        "churn-durable",
        ["memory.churn.dynamic"],
        Durability::Durable,
        |_| panic!("fails again"),
    )
    .unwrap();

    CHURNED.execute(&fields!(i = i), &fields!(tag = "x"));
    execute("memory.churn.dynamic", &fields!(i = i), &[]).unwrap();
    execute(own_name.as_str(), &[], &[]).unwrap();
    let captured = capture(|| CHURNED.execute(&fields!(i = i), &[]));
    assert_eq!(captured.events.len(), 1);
    with_handler(
        |_| {},
        ["memory.churn.with"],
        || execute("memory.churn.with", &[], &[]).unwrap(),
    )
    .unwrap();

    detach(format!("churn-{i}")).unwrap();
    detach(format!("churn-many-{i}")).unwrap();
    detach("churn-durable").unwrap();
}

#[test]
fn live_memory_stays_flat_under_churn_and_panicking_handlers() {
    std::panic::set_hook(Box::new(|_| {}));
    const WARM_UP: u64 = 500;
    for i in 0..WARM_UP {
        round(i);
    }
    let after_warm_up = process_live_bytes();
    for i in WARM_UP..WARM_UP * 11 {
        round(i);
    }
    let after_churn = process_live_bytes();
    let _ = std::panic::take_hook();

    // Ten times the rounds; anything kept per round would show as 100 KiB or more.
    assert!(
        after_churn - after_warm_up < 16 * 1024,
        "{} bytes more alive after {} more rounds",
        after_churn - after_warm_up,
        WARM_UP * 10
    );
}
