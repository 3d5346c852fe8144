//! The audit trail.

use super::fixtures::{at, event, tenant, walk};
use crate::{EventFilter, Store, StoredEvent};
use lgp_events::EventType;

async fn list(store: &dyn Store, tenant: &str, filter: EventFilter) -> Vec<StoredEvent> {
    let t = super::fixtures::tenant(tenant);
    walk(2, async |p| store.list_events(&t, &filter, &p).await).await
}

pub(super) async fn events_round_trip(store: &dyn Store) {
    let t = tenant("acme");
    let events = vec![
        event(EventType::InventoryScanStarted, Some("s1"), 1),
        event(EventType::ComplianceViolation, Some("s1"), 2),
        event(EventType::ComplianceViolation, Some("s2"), 3),
        event(EventType::AlertTriggered, None, 4),
        event(EventType::ComplianceResolved, Some("s2"), 5),
    ];
    // Appended out of order and twice: stored once each, listed by id.
    store.append_events(&t, &events[2..]).await.expect("append");
    store.append_events(&t, &events[..3]).await.expect("append");
    store
        .append_events(&t, &events)
        .await
        .expect("append again");
    assert_eq!(
        list(store, "acme", EventFilter::default()).await,
        events,
        "oldest first, once each"
    );

    let of_type = list(
        store,
        "acme",
        EventFilter {
            event_type: Some(EventType::ComplianceViolation),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(of_type, events[1..3]);
    let of_scan = list(
        store,
        "acme",
        EventFilter {
            correlation_id: Some("s2".to_owned()),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(of_scan, [events[2].clone(), events[4].clone()]);
    let since = list(
        store,
        "acme",
        EventFilter {
            since: Some(at(4)),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(since, events[3..], "since is inclusive");
}

pub(super) async fn purge_spans_tenants(store: &dyn Store) {
    let (a, b) = (tenant("acme"), tenant("bravo"));
    let old_a = event(EventType::InventoryScanStarted, None, 1);
    let new_a = event(EventType::InventoryScanCompleted, None, 10);
    let old_b = event(EventType::InventoryScanStarted, None, 2);
    let new_b = event(EventType::InventoryScanCompleted, None, 20);
    store
        .append_events(&a, &[old_a, new_a.clone()])
        .await
        .expect("append");
    store
        .append_events(&b, &[old_b, new_b.clone()])
        .await
        .expect("append");
    assert_eq!(
        store.purge_events(at(10)).await.expect("purge"),
        2,
        "older than, across tenants"
    );
    assert_eq!(list(store, "acme", EventFilter::default()).await, [new_a]);
    assert_eq!(list(store, "bravo", EventFilter::default()).await, [new_b]);
    assert_eq!(store.purge_events(at(10)).await.expect("purge again"), 0);
}
