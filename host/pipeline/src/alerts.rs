//! The alerts table: the host's mirror of the alert plugin's events (`alert.triggered`,
//! `alert.resolved`, `alert.escalated`), where people list and acknowledge alerts. The plugin
//! owns the lifecycle; this consumer only records its outcome, and an acknowledgement is the
//! table's own (the plugin does not see it).

use crate::Services;
use lgp_bus::{Delivery, Subscription};
use lgp_events::{Event, EventType, TenantId};
use lgp_model::Severity;
use lgp_store::{AlertRecord, Store, StoreError};
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The alerts table's consumer group.
pub(crate) const GROUP: &str = "host:alerts";

/// The events it consumes.
pub(crate) const TYPES: [EventType; 3] = [
    EventType::AlertTriggered,
    EventType::AlertResolved,
    EventType::AlertEscalated,
];

/// State of an alert that needs attention.
pub const ALERT_OPEN: &str = "open";
/// State of an open alert someone took on (`lgp alerts ack`).
pub const ALERT_ACKNOWLEDGED: &str = "acknowledged";
/// State of a resolved alert.
pub const ALERT_RESOLVED: &str = "resolved";

/// The fields of an alert event the table keeps in columns (the whole payload goes to
/// `details`).
#[derive(Debug, Deserialize)]
struct AlertEvent {
    alert_id: String,
    check_id: String,
    resource_arn: String,
    severity: Severity,
    #[serde(with = "time::serde::rfc3339")]
    opened_at: OffsetDateTime,
    #[serde(default)]
    why: Option<String>,
}

/// Consumes the group until the bus closes. One consumer, so a given alert's events are
/// stored in the order they were published.
pub(crate) async fn run(s: Services, mut sub: Subscription) {
    while let Some(d) = sub.next().await {
        handle(&s, d).await;
    }
}

async fn handle(s: &Services, d: Delivery) {
    let e = &d.event;
    let record = match merge_event(&*s.store, e).await {
        Ok(record) => record,
        Err(MergeError::Payload(err)) => {
            let error = format!("alert event {} is unreadable: {err}", e.event_id);
            crate::router::give_up(s, GROUP, "payload", &error, d).await;
            return;
        }
        Err(MergeError::Store(err)) => return retry(s, d, err).await,
    };
    if let Some(record) = record
        && let Err(err) = s.store.put_alert(&e.tenant_id, &record).await
    {
        return retry(s, d, err).await;
    }
    let _ = d.ack().await;
}

async fn retry(s: &Services, d: Delivery, err: StoreError) {
    let error = format!("alerts table: {err}");
    if s.retry.exhausted(d.attempt) {
        crate::router::give_up(s, GROUP, "store", &error, d).await;
    } else {
        let _ = d.retry(error).await;
    }
}

enum MergeError {
    Payload(serde_json::Error),
    Store(StoreError),
}

/// The record `e` makes of the stored alert, or `None` when the stored one already reflects a
/// later event (a redelivery that arrives late changes nothing).
async fn merge_event(store: &dyn Store, e: &Event) -> Result<Option<AlertRecord>, MergeError> {
    let payload = AlertEvent::deserialize(&e.data).map_err(MergeError::Payload)?;
    let current = match store.get_alert(&e.tenant_id, &payload.alert_id).await {
        Ok(record) => Some(record),
        Err(StoreError::NotFound { .. }) => None,
        Err(err) => return Err(MergeError::Store(err)),
    };
    Ok(merge(current, e, payload))
}

/// `details.last_event_at`: when the last event applied was published. Ordering by it, not by
/// `updated_at`, so an acknowledgement never hides an event published before it.
const LAST_EVENT_AT: &str = "last_event_at";

fn merge(current: Option<AlertRecord>, e: &Event, p: AlertEvent) -> Option<AlertRecord> {
    let last = current
        .as_ref()
        .and_then(|c| c.details.get(LAST_EVENT_AT)?.as_str().map(str::to_owned))
        .and_then(|at| OffsetDateTime::parse(&at, &Rfc3339).ok());
    if last.is_some_and(|last| last > e.timestamp) {
        return None;
    }
    let acknowledged = current
        .as_ref()
        .is_some_and(|c| c.state == ALERT_ACKNOWLEDGED);
    let state = match e.event_type {
        EventType::AlertResolved => ALERT_RESOLVED,
        // Someone is on it: an escalation of the same opening keeps it acknowledged; a
        // reoccurrence after a resolution is a new opening that needs someone again.
        EventType::AlertEscalated if acknowledged && p.why.as_deref() != Some("reoccurred") => {
            ALERT_ACKNOWLEDGED
        }
        _ => ALERT_OPEN,
    };
    let mut details = e.data.clone();
    if let Some(map) = details.as_object_mut() {
        map.insert("last_event".into(), e.event_type.to_string().into());
        map.insert("last_event_id".into(), e.event_id.to_string().into());
        if let Ok(at) = e.timestamp.format(&Rfc3339) {
            map.insert(LAST_EVENT_AT.into(), at.into());
        }
        if let Some(at) = current
            .as_ref()
            .and_then(|c| c.details.get("acknowledged_at"))
        {
            map.insert("acknowledged_at".into(), at.clone());
        }
    }
    Some(AlertRecord {
        alert_id: p.alert_id,
        check_id: p.check_id,
        resource_arn: p.resource_arn,
        state: state.to_owned(),
        severity: p.severity,
        opened_at: p.opened_at,
        updated_at: e.timestamp,
        acknowledged_by: current.and_then(|c| c.acknowledged_by),
        details,
    })
}

/// Acknowledges the tenant's alert `alert_id`: state `acknowledged`, `acknowledged_by` = `by`,
/// `details.acknowledged_at` = `at`. A resolved alert needs no one and is refused; an
/// acknowledged one takes the new name and time.
pub async fn acknowledge_alert(
    store: &dyn Store,
    tenant: &TenantId,
    alert_id: &str,
    by: &str,
    at: OffsetDateTime,
) -> Result<AlertRecord, StoreError> {
    let mut record = store.get_alert(tenant, alert_id).await?;
    if record.state == ALERT_RESOLVED {
        return Err(StoreError::Invalid {
            field: "alert",
            reason: format!("alert {alert_id} is resolved; there is nothing to acknowledge"),
        });
    }
    let when = at.format(&Rfc3339).map_err(|err| StoreError::Invalid {
        field: "acknowledged_at",
        reason: err.to_string(),
    })?;
    record.state = ALERT_ACKNOWLEDGED.to_owned();
    record.acknowledged_by = Some(by.to_owned());
    record.updated_at = record.updated_at.max(at);
    if let Some(map) = record.details.as_object_mut() {
        map.insert("acknowledged_at".into(), when.into());
    }
    store.put_alert(tenant, &record).await?;
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lgp_store::SqliteStore;
    use serde_json::json;

    fn tenant() -> TenantId {
        TenantId::new("acme").expect("tenant")
    }

    fn alert_event(t: EventType, at: &str, why: Option<&str>) -> Event {
        let mut data = json!({
            "alert_id": "a1", "origin": "compliance", "check_id": "c", "resource_arn": "arn:x",
            "account_id": "1", "region": "eu-west-1", "severity": "high", "state": "open",
            "scan_id": "s", "opened_at": "2026-11-30T06:00:00Z", "due_at": null,
            "occurrences": 1, "message": "m"
        });
        if let Some(why) = why {
            data["why"] = why.into();
        }
        let mut e = Event::new(t, tenant(), "alerts", Some("s".into()), data);
        e.timestamp = OffsetDateTime::parse(at, &Rfc3339).expect("time");
        e
    }

    async fn apply(store: &SqliteStore, e: &Event) {
        let record = merge_event(store, e)
            .await
            .unwrap_or_else(|_| panic!("merge {}", e.event_type));
        if let Some(r) = record {
            store.put_alert(&tenant(), &r).await.expect("put");
        }
    }

    async fn state(store: &SqliteStore) -> (String, Option<String>) {
        let r = store.get_alert(&tenant(), "a1").await.expect("alert");
        (r.state, r.acknowledged_by)
    }

    #[tokio::test]
    async fn the_table_follows_the_events_and_keeps_acknowledgements() {
        let store = SqliteStore::open_in_memory().expect("store");
        let at = |h: u32| format!("2026-11-30T{h:02}:00:00Z");
        apply(
            &store,
            &alert_event(EventType::AlertTriggered, &at(6), None),
        )
        .await;
        assert_eq!(state(&store).await, (ALERT_OPEN.into(), None));

        let now = OffsetDateTime::parse(&at(7), &Rfc3339).expect("time");
        let r = acknowledge_alert(&store, &tenant(), "a1", "ana", now)
            .await
            .expect("ack");
        assert_eq!(r.details["acknowledged_at"], json!(at(7)));
        let ack = (ALERT_ACKNOWLEDGED.to_owned(), Some("ana".to_owned()));
        assert_eq!(state(&store).await, ack);

        // Published before the acknowledgement, consumed after it: still applied.
        let before = alert_event(EventType::AlertEscalated, "2026-11-30T06:30:00Z", Some("x"));
        apply(&store, &before).await;
        let r = store.get_alert(&tenant(), "a1").await.expect("alert");
        assert_eq!(r.details["why"], "x");
        assert_eq!(state(&store).await, ack);

        let deadline = alert_event(EventType::AlertEscalated, &at(8), Some("deadline"));
        apply(&store, &deadline).await;
        assert_eq!(state(&store).await, ack, "still someone's");
        let r = store.get_alert(&tenant(), "a1").await.expect("alert");
        assert_eq!(r.details["why"], "deadline");
        assert_eq!(r.details["acknowledged_at"], json!(at(7)));

        // A late redelivery of the first event changes nothing.
        apply(
            &store,
            &alert_event(EventType::AlertTriggered, &at(6), None),
        )
        .await;
        assert_eq!(state(&store).await, ack);

        apply(&store, &alert_event(EventType::AlertResolved, &at(9), None)).await;
        let resolved = (ALERT_RESOLVED.to_owned(), Some("ana".to_owned()));
        assert_eq!(state(&store).await, resolved);
        assert!(
            acknowledge_alert(&store, &tenant(), "a1", "bo", now)
                .await
                .is_err()
        );
        let again = alert_event(EventType::AlertEscalated, &at(10), Some("reoccurred"));
        apply(&store, &again).await;
        assert_eq!(state(&store).await, (ALERT_OPEN.into(), Some("ana".into())));
        assert!(
            acknowledge_alert(&store, &tenant(), "missing", "bo", now)
                .await
                .is_err()
        );
    }
}
