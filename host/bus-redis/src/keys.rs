//! Where the bus keeps things in Redis.
//!
//! Every key carries the hash tag `{events}`, so that on Redis Cluster the whole bus lives in one
//! slot: XREADGROUP over several streams and the dead-letter script touch several keys at once,
//! which a cluster allows only within one slot. The price is that one bus does not spread over
//! shards; several buses (prefixes) do.

use lgp_events::{EventType, TenantId};

/// The pub/sub channel every event is also published on.
pub(crate) const ALL_CHANNEL: &str = "events.all";

/// Key names under one prefix.
#[derive(Debug, Clone)]
pub(crate) struct Keys {
    prefix: String,
}

impl Keys {
    pub(crate) fn new(prefix: &str) -> Self {
        Keys {
            prefix: prefix.to_owned(),
        }
    }

    /// The stream of one event type: `<prefix>:{events}:<event_type>`.
    pub(crate) fn stream(&self, t: EventType) -> String {
        format!("{}:{{events}}:{t}", self.prefix)
    }

    /// Hash: consumer group → its event types (sorted, comma-separated).
    pub(crate) fn groups(&self) -> String {
        format!("{}:{{events}}:@groups", self.prefix)
    }

    /// Hash: consumer group → events dead-lettered since the group was created.
    pub(crate) fn dead_counts(&self) -> String {
        format!("{}:{{events}}:@dead-count", self.prefix)
    }

    /// The dead-letter stream of one group.
    pub(crate) fn dead(&self, group: &str) -> String {
        format!("{}:{{events}}:@dead:{group}", self.prefix)
    }
}

/// The live channel of one tenant's events of one type: `tenant.{tenant_id}.{event_type}`.
pub(crate) fn tenant_channel(tenant: &TenantId, t: EventType) -> String {
    format!("tenant.{tenant}.{t}")
}

/// The pattern matching every live channel of `tenant`. Tenant ids are `a-z 0-9 - _` only, so
/// nothing in them is a glob character.
pub(crate) fn tenant_pattern(tenant: &TenantId) -> String {
    format!("tenant.{tenant}.*")
}

/// The wire form of a group's types, order-insensitive.
pub(crate) fn types_field(types: &[EventType]) -> String {
    let mut names: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_share_one_hash_tag() {
        let k = Keys::new("lgp");
        let tenant = TenantId::new("acme").expect("tenant");
        for key in [
            k.stream(EventType::ComplianceViolation),
            k.groups(),
            k.dead_counts(),
            k.dead("rule:s3"),
        ] {
            assert!(key.starts_with("lgp:{events}:"), "{key}");
        }
        assert_eq!(
            k.stream(EventType::InventoryDiscovered),
            "lgp:{events}:inventory.discovered"
        );
        assert_eq!(
            tenant_channel(&tenant, EventType::AlertTriggered),
            "tenant.acme.alert.triggered"
        );
        assert_eq!(tenant_pattern(&tenant), "tenant.acme.*");
        assert_eq!(
            types_field(&[EventType::AlertTriggered, EventType::AlertEscalated]),
            types_field(&[EventType::AlertEscalated, EventType::AlertTriggered])
        );
    }
}
