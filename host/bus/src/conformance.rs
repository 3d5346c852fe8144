//! The behavioural suite every [`Bus`] implementation passes unchanged. The factory must make a
//! fresh, empty bus whose retry policy allows **3 attempts** with backoffs of a few milliseconds.
//!
//! Each scenario bounds its waits (so a broken bus fails instead of hanging); none asserts a
//! duration.

use crate::{Bus, Delivery};
use lgp_events::{Event, EventId, EventType, TenantId};
use serde_json::json;
use std::collections::HashMap;
use std::time::Duration;

/// Upper bound on any single wait of the suite.
const PATIENCE: Duration = Duration::from_secs(10);

/// Attempts the factory's retry policy must allow.
pub const ATTEMPTS: u32 = 3;

fn tenant(id: &str) -> TenantId {
    TenantId::new(id).expect("valid tenant id")
}

fn event(t: EventType, tenant_id: &str, n: usize) -> Event {
    Event::new(t, tenant(tenant_id), "conformance", None, json!({ "n": n }))
}

async fn next(sub: &mut crate::Subscription) -> Delivery {
    tokio::time::timeout(PATIENCE, sub.next())
        .await
        .expect("a delivery arrives in time")
        .expect("the bus is open")
}

/// Runs every scenario, each on a fresh bus.
pub async fn run_all<F: Fn() -> Box<dyn Bus>>(make: F) {
    each_event_once_per_group(make().as_ref()).await;
    retries_then_dead_letters(make().as_ref()).await;
    rejects_dead_letter_at_once(make().as_ref()).await;
    dropped_deliveries_come_back(make().as_ref()).await;
    live_streams_are_per_tenant(make().as_ref()).await;
    groups_keep_their_types(make().as_ref()).await;
    batches_take_what_is_available(make().as_ref()).await;
}

/// `next_batch` waits for one delivery and takes what else is there, in order, up to its max.
pub async fn batches_take_what_is_available(bus: &dyn Bus) {
    let t = EventType::ComplianceResolved;
    let mut sub = bus.subscribe("batched", &[t]).await.expect("subscribe");
    let events: Vec<Event> = (0..5).map(|n| event(t, "acme", n)).collect();
    let ids: Vec<EventId> = events.iter().map(|e| e.event_id).collect();
    bus.publish(events).await.expect("publish");
    let mut got = Vec::new();
    let first = tokio::time::timeout(PATIENCE, sub.next_batch(3))
        .await
        .expect("a batch in time");
    assert!(
        !first.is_empty() && first.len() <= 3,
        "batch of {}",
        first.len()
    );
    got.extend(first);
    while got.len() < ids.len() {
        let more = tokio::time::timeout(PATIENCE, sub.next_batch(10))
            .await
            .expect("a batch in time");
        assert!(!more.is_empty());
        got.extend(more);
    }
    assert_eq!(
        got.iter().map(|d| d.event.event_id).collect::<Vec<_>>(),
        ids
    );
    for d in got {
        d.ack().await.expect("ack");
    }
}

/// Two consumers share group A; group B subscribes to more types. Every event reaches each
/// subscribed group exactly once.
pub async fn each_event_once_per_group(bus: &dyn Bus) {
    let x = EventType::InventoryDiscovered;
    let y = EventType::ComplianceViolation;
    let mut a1 = bus.subscribe("group-a", &[x]).await.expect("subscribe a1");
    let mut a2 = bus.subscribe("group-a", &[x]).await.expect("subscribe a2");
    let mut b = bus
        .subscribe("group-b", &[x, y])
        .await
        .expect("subscribe b");
    let mut published = Vec::new();
    for n in 0..200 {
        published.push(event(x, "acme", n));
    }
    for n in 0..50 {
        published.push(event(y, "acme", n));
    }
    let xs: Vec<EventId> = published
        .iter()
        .filter(|e| e.event_type == x)
        .map(|e| e.event_id)
        .collect();
    let all: Vec<EventId> = published.iter().map(|e| e.event_id).collect();
    // Publish while both groups consume: a bounded bus may hold fewer events than the scenario
    // sends, and one group's backlog must not stop the other's.
    let publishing = async { bus.publish(published).await.expect("publish") };
    let consume_a = async {
        let mut seen: HashMap<EventId, u32> = HashMap::new();
        // Alternate between the two consumers of group A until all its events arrived.
        let mut turn = 0;
        while seen.len() < xs.len() {
            let sub = if turn % 2 == 0 { &mut a1 } else { &mut a2 };
            turn += 1;
            let d = next(sub).await;
            *seen.entry(d.event.event_id).or_default() += 1;
            d.ack().await.expect("ack");
        }
        seen
    };
    let consume_b = async {
        let mut seen: HashMap<EventId, u32> = HashMap::new();
        while seen.len() < all.len() {
            let d = next(&mut b).await;
            *seen.entry(d.event.event_id).or_default() += 1;
            d.ack().await.expect("ack");
        }
        seen
    };
    let ((), seen_a, seen_b) = tokio::join!(publishing, consume_a, consume_b);
    assert!(
        xs.iter().all(|id| seen_a.get(id) == Some(&1)),
        "group A missed or repeated events"
    );
    assert!(
        all.iter().all(|id| seen_b.get(id) == Some(&1)),
        "group B missed or repeated events"
    );
    // Nothing more is pending for either group.
    for sub in [&mut a1, &mut a2, &mut b] {
        assert!(
            tokio::time::timeout(Duration::from_millis(100), sub.next())
                .await
                .is_err(),
            "an acknowledged event was delivered again"
        );
    }
}

/// A handler that keeps failing one event gets it again until the attempts run out; then the
/// event is dead-lettered with the last error while the other events flow.
pub async fn retries_then_dead_letters(bus: &dyn Bus) {
    let t = EventType::ComplianceViolation;
    let mut sub = bus.subscribe("flaky", &[t]).await.expect("subscribe");
    let poison = event(t, "acme", 0);
    let poison_id = poison.event_id;
    bus.publish(vec![poison, event(t, "acme", 1), event(t, "acme", 2)])
        .await
        .expect("publish");
    let mut poison_attempts = Vec::new();
    let mut good = 0;
    while poison_attempts.len() < ATTEMPTS as usize || good < 2 {
        let d = next(&mut sub).await;
        if d.event.event_id == poison_id {
            let attempt = d.attempt;
            poison_attempts.push(attempt);
            d.retry(format!("store unavailable (attempt {attempt})"))
                .await
                .expect("retry");
        } else {
            good += 1;
            d.ack().await.expect("ack");
        }
    }
    assert_eq!(poison_attempts, (1..=ATTEMPTS).collect::<Vec<_>>());
    let dead = wait_for_dead_letters(bus, "flaky", 1).await;
    assert_eq!(dead[0].event.event_id, poison_id);
    assert_eq!(dead[0].attempts, ATTEMPTS);
    assert_eq!(
        dead[0].error,
        format!("store unavailable (attempt {ATTEMPTS})")
    );
    assert_eq!(bus.stats("flaky").await.expect("stats").dead_lettered, 1);
    assert!(
        tokio::time::timeout(Duration::from_millis(100), sub.next())
            .await
            .is_err(),
        "a dead-lettered event was delivered again"
    );
}

/// A rejected event is dead-lettered on its first delivery.
pub async fn rejects_dead_letter_at_once(bus: &dyn Bus) {
    let t = EventType::AlertTriggered;
    let mut sub = bus.subscribe("strict", &[t]).await.expect("subscribe");
    bus.publish(vec![event(t, "acme", 0)])
        .await
        .expect("publish");
    let d = next(&mut sub).await;
    assert_eq!(d.attempt, 1);
    d.reject("malformed payload").await.expect("reject");
    let dead = wait_for_dead_letters(bus, "strict", 1).await;
    assert_eq!(
        (dead[0].attempts, dead[0].error.as_str()),
        (1, "malformed payload")
    );
}

/// A delivery dropped without being settled (a panicking handler) is delivered again.
pub async fn dropped_deliveries_come_back(bus: &dyn Bus) {
    let t = EventType::InventoryChanged;
    let mut sub = bus.subscribe("crashy", &[t]).await.expect("subscribe");
    let e = event(t, "acme", 0);
    let id = e.event_id;
    bus.publish(vec![e]).await.expect("publish");
    let first = next(&mut sub).await;
    assert_eq!((first.event.event_id, first.attempt), (id, 1));
    drop(first);
    let again = next(&mut sub).await;
    assert_eq!((again.event.event_id, again.attempt), (id, 2));
    again.ack().await.expect("ack");
}

/// Live streams carry a tenant's events, in order, and nobody else's.
pub async fn live_streams_are_per_tenant(bus: &dyn Bus) {
    let mut acme = bus.live(&tenant("acme"));
    let mut globex = bus.live(&tenant("globex"));
    let t = EventType::ComplianceViolation;
    let acme_events: Vec<Event> = (0..20).map(|n| event(t, "acme", n)).collect();
    let ids: Vec<EventId> = acme_events.iter().map(|e| e.event_id).collect();
    bus.publish(acme_events).await.expect("publish");
    bus.publish(vec![event(t, "globex", 99)])
        .await
        .expect("publish");
    for id in &ids {
        let got = tokio::time::timeout(PATIENCE, acme.recv())
            .await
            .expect("live event in time")
            .expect("live stream open");
        assert_eq!(&got.event_id, id, "live events out of order");
    }
    let g = tokio::time::timeout(PATIENCE, globex.recv())
        .await
        .expect("live event in time")
        .expect("live stream open");
    assert_eq!(
        g.tenant_id,
        tenant("globex"),
        "another tenant's event leaked"
    );
    assert!(
        acme.try_recv().is_err(),
        "globex's event reached acme's stream"
    );
}

/// A group keeps the event types it was created with.
pub async fn groups_keep_their_types(bus: &dyn Bus) {
    let _sub = bus
        .subscribe("typed", &[EventType::AlertTriggered])
        .await
        .expect("subscribe");
    let err = bus
        .subscribe("typed", &[EventType::AlertResolved])
        .await
        .expect_err("other types refused");
    assert!(
        err.to_string()
            .contains("already exists for other event types"),
        "{err}"
    );
}

async fn wait_for_dead_letters(bus: &dyn Bus, group: &str, n: usize) -> Vec<crate::DeadLetter> {
    tokio::time::timeout(PATIENCE, async {
        loop {
            let dead = bus.dead_letters(group, 100).await.expect("dead letters");
            if dead.len() >= n {
                return dead;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("dead letters appear in time")
}
