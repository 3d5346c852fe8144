//! The audit trail: every event, sealed for its tenant, in the store.

use crate::Services;
use lgp_bus::{Delivery, Subscription};
use lgp_events::{Event, EventType, TenantId};
use lgp_store::StoredEvent;
use std::collections::BTreeMap;

/// The audit trail's consumer group.
pub(crate) const GROUP: &str = "host:audit";

/// The event as the trail keeps it. Discovery batches keep their resources' ARNs, not the
/// resources: the inventory (with its history) is stored on its own, and copying every resource
/// into the trail would double the store's size for nothing.
fn trail_form(e: &Event) -> std::borrow::Cow<'_, Event> {
    if e.event_type != EventType::InventoryDiscovered {
        return std::borrow::Cow::Borrowed(e);
    }
    let mut slim = e.clone();
    if let Some(resources) = slim.data.get_mut("resources")
        && let Some(list) = resources.as_array()
    {
        let arns: Vec<serde_json::Value> =
            list.iter().filter_map(|r| r.get("arn").cloned()).collect();
        *resources = serde_json::Value::Null;
        slim.data["resource_arns"] = serde_json::Value::Array(arns);
    }
    std::borrow::Cow::Owned(slim)
}

/// Events stored per write: a burst of violations lands in one transaction instead of one
/// (fsynced) transaction each.
const BATCH: usize = 500;

/// Consumes the audit group until the bus closes.
pub(crate) async fn run(s: Services, mut sub: Subscription) {
    loop {
        let batch = sub.next_batch(BATCH).await;
        if batch.is_empty() {
            return;
        }
        let mut by_tenant: BTreeMap<TenantId, Vec<Delivery>> = BTreeMap::new();
        for d in batch {
            by_tenant
                .entry(d.event.tenant_id.clone())
                .or_default()
                .push(d);
        }
        for (tenant, deliveries) in by_tenant {
            store(&s, &tenant, deliveries).await;
        }
    }
}

fn seal(s: &Services, e: &Event) -> Result<StoredEvent, String> {
    let json = serde_json::to_vec(trail_form(e).as_ref()).map_err(|err| err.to_string())?;
    let sealed = s
        .cipher
        .seal(&e.tenant_id, e.event_id.to_string().as_bytes(), &json)
        .map_err(|err| err.to_string())?;
    Ok(StoredEvent {
        event_id: e.event_id,
        event_type: e.event_type,
        correlation_id: e.correlation_id.clone(),
        at: e.timestamp,
        sealed,
    })
}

/// Seals and stores one tenant's deliveries in one write; on failure each is retried (or given
/// up on) like any consumer's.
async fn store(s: &Services, tenant: &TenantId, deliveries: Vec<Delivery>) {
    let sealed: Result<Vec<StoredEvent>, String> =
        deliveries.iter().map(|d| seal(s, &d.event)).collect();
    let stored = match sealed {
        Ok(records) => s
            .store
            .append_events(tenant, &records)
            .await
            .map_err(|err| err.to_string()),
        Err(err) => Err(err),
    };
    for d in deliveries {
        match &stored {
            Ok(()) => {
                let _ = d.ack().await;
            }
            Err(err) if s.retry.exhausted(d.attempt) => {
                crate::router::give_up(s, GROUP, "store", &format!("audit trail: {err}"), d).await;
            }
            Err(err) => {
                let _ = d.retry(format!("audit trail: {err}")).await;
            }
        }
    }
}
