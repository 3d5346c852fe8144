use crate::{EventId, EventType, TenantId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Version of the envelope and of the payload schemas; bumped on incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// An event as it travels on the bus and is kept in the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Unique, sortable id.
    pub event_id: EventId,
    /// What happened.
    pub event_type: EventType,
    /// Whose event it is.
    pub tenant_id: TenantId,
    /// The plugin or host component that published it.
    pub source: String,
    /// When it was published (RFC 3339, UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub timestamp: OffsetDateTime,
    /// The scan it belongs to, when it belongs to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    /// Envelope and payload schema version.
    pub schema_version: u32,
    /// The payload.
    pub data: serde_json::Value,
}

impl Event {
    /// A new event stamped now, with a fresh id and the current schema version.
    pub fn new(
        event_type: EventType,
        tenant_id: TenantId,
        source: impl Into<String>,
        correlation_id: Option<String>,
        data: serde_json::Value,
    ) -> Self {
        Event {
            event_id: EventId::new(),
            event_type,
            tenant_id,
            source: source.into(),
            timestamp: OffsetDateTime::now_utc(),
            correlation_id,
            schema_version: SCHEMA_VERSION,
            data,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_event_type_round_trips_through_json() {
        let tenant = TenantId::new("acme").expect("tenant");
        for t in EventType::ALL {
            let e = Event::new(
                *t,
                tenant.clone(),
                "test",
                Some("scan-1".into()),
                json!({"n": 1}),
            );
            let text = serde_json::to_string(&e).expect("serialize");
            assert!(text.contains(&format!("\"event_type\":\"{t}\"")), "{text}");
            let back: Event = serde_json::from_str(&text).expect("deserialize");
            assert_eq!(back, e);
        }
    }

    #[test]
    fn refuses_unknown_types_and_fields() {
        let ok = r#"{"event_id":"01ARZ3NDEKTSV4RRFFQ69G5FAV","event_type":"alert.triggered","tenant_id":"acme","source":"s","timestamp":"2026-01-01T00:00:00Z","schema_version":1,"data":{}}"#;
        assert!(serde_json::from_str::<Event>(ok).is_ok());
        let bad_type = ok.replace("alert.triggered", "alert.nope");
        assert!(serde_json::from_str::<Event>(&bad_type).is_err());
        let extra = ok.replace("\"data\":{}", "\"data\":{},\"x\":1");
        assert!(serde_json::from_str::<Event>(&extra).is_err());
    }
}
