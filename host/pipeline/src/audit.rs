//! The audit trail: every event, sealed for its tenant, in the store.

use crate::Services;
use lgp_bus::Delivery;
use lgp_events::{Event, EventType};
use lgp_store::StoredEvent;

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

/// Seals and stores one event; retried on failure like any consumer.
pub(crate) async fn handle(s: &Services, delivery: Delivery) {
    let e = &delivery.event;
    let sealed = serde_json::to_vec(trail_form(e).as_ref())
        .map_err(|err| err.to_string())
        .and_then(|json| {
            s.cipher
                .seal(&e.tenant_id, e.event_id.to_string().as_bytes(), &json)
                .map_err(|err| err.to_string())
        });
    let stored = match sealed {
        Ok(sealed) => {
            let record = StoredEvent {
                event_id: e.event_id,
                event_type: e.event_type,
                correlation_id: e.correlation_id.clone(),
                at: e.timestamp,
                sealed,
            };
            s.store
                .append_events(&e.tenant_id, std::slice::from_ref(&record))
                .await
                .map_err(|err| err.to_string())
        }
        Err(err) => Err(err),
    };
    match stored {
        Ok(()) => {
            let _ = delivery.ack().await;
        }
        Err(err) if s.retry.exhausted(delivery.attempt) => {
            crate::router::give_up(s, GROUP, "store", &format!("audit trail: {err}"), delivery)
                .await;
        }
        Err(err) => {
            let _ = delivery.retry(format!("audit trail: {err}")).await;
        }
    }
}
