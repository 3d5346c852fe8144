//! Handler plugins on the bus: deliver their subscribed events, with the `state`, `query` and
//! `notify` (and `reports`) capabilities bound to the event's tenant and the plugin, and publish
//! what they emit.

use crate::Services;
use crate::TenantChecks;
use lgp_bus::Delivery;
use lgp_events::{Event, EventId, EventType};
use lgp_notify::Dispatcher;
use lgp_runtime::{IncomingEvent, InvokeErrorKind, Plugin};

/// Handles one delivery for one handler plugin; its notifications go out through `dispatcher`.
pub(crate) async fn handle(
    s: &Services,
    dispatcher: &Dispatcher,
    checks: &TenantChecks,
    plugin: &Plugin,
    group: &str,
    delivery: Delivery,
) {
    let e = &delivery.event;
    let incoming = IncomingEvent {
        id: e.event_id.to_string(),
        event_type: e.event_type.to_string(),
        source: e.source.clone(),
        timestamp: e
            .timestamp
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        correlation_id: e.correlation_id.clone(),
        data: e.data.to_string(),
    };
    let services = crate::grants::handler_services(
        &s.store,
        dispatcher,
        checks,
        &e.tenant_id,
        plugin.name(),
        e,
    );
    match plugin.handle(&incoming, &services).await {
        Ok(emitted) => {
            let mut events = Vec::with_capacity(emitted.len());
            for (i, out) in emitted.into_iter().enumerate() {
                let parsed = out
                    .event_type
                    .parse::<EventType>()
                    .map_err(|err| err.to_string())
                    .and_then(|t| {
                        serde_json::from_str::<serde_json::Value>(&out.data)
                            .map(|data| (t, data))
                            .map_err(|err| format!("data of {} is not JSON: {err}", out.event_type))
                    });
                match parsed {
                    Ok((t, data)) => {
                        let mut event = Event::new(
                            t,
                            e.tenant_id.clone(),
                            plugin.name(),
                            out.correlation_id.or_else(|| e.correlation_id.clone()),
                            data,
                        );
                        // Derived from the input and the plugin: a redelivered input makes
                        // the same ids again, so consumers can drop the duplicates.
                        let key = format!("{}/{}/{i}", e.event_id, plugin.name());
                        event.event_id = EventId::derived(e.timestamp, key.as_bytes());
                        events.push(event);
                    }
                    Err(err) => {
                        let error =
                            format!("plugin {:?} emitted an invalid event: {err}", plugin.name());
                        crate::router::give_up(s, group, "plugin", &error, delivery).await;
                        return;
                    }
                }
            }
            if !events.is_empty()
                && let Err(err) = s.bus.publish(events).await
            {
                let _ = delivery
                    .retry(format!("publishing emitted events failed: {err}"))
                    .await;
                return;
            }
            let _ = delivery.ack().await;
        }
        Err(err) => {
            let permanent = matches!(err.kind, InvokeErrorKind::Reject(_));
            if permanent || s.retry.exhausted(delivery.attempt) {
                crate::router::give_up(s, group, "plugin", &err.to_string(), delivery).await;
            } else {
                tracing::warn!(plugin = %plugin.name(), attempt = delivery.attempt, "handler failed, will retry: {err}");
                let _ = delivery.retry(err.to_string()).await;
            }
        }
    }
}
