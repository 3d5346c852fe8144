//! Webhooks and their delivery records in the store: one key per webhook (`webhook/<id>`) and
//! per delivery (`delivery/<id>`) in the tenant's host-owned namespace [`NAMESPACE`], so every
//! store backend keeps them without a table of their own.

use crate::{DeliveryRecord, NAMESPACE, NotifyError, Webhook};
use lgp_events::TenantId;
use lgp_store::Store;
use serde::de::DeserializeOwned;

const WEBHOOK: &str = "webhook/";
const DELIVERY: &str = "delivery/";

fn store_err(operation: &'static str) -> impl FnOnce(lgp_store::StoreError) -> NotifyError {
    move |source| NotifyError::Store { operation, source }
}

fn parse<T: DeserializeOwned>(key: String, bytes: &[u8]) -> Result<T, NotifyError> {
    serde_json::from_slice(bytes).map_err(|source| NotifyError::Corrupt { key, source })
}

async fn put<T: serde::Serialize>(
    store: &dyn Store,
    tenant: &TenantId,
    key: String,
    value: &T,
) -> Result<(), NotifyError> {
    let bytes = serde_json::to_vec(value).map_err(|source| NotifyError::Corrupt {
        key: key.clone(),
        source,
    })?;
    store
        .kv_set(tenant, NAMESPACE, &key, &bytes)
        .await
        .map_err(store_err("write"))
}

async fn all<T: DeserializeOwned>(
    store: &dyn Store,
    tenant: &TenantId,
    prefix: &str,
) -> Result<Vec<T>, NotifyError> {
    lgp_store::kv_entries(store, tenant, NAMESPACE, prefix)
        .await
        .map_err(|(operation, source)| NotifyError::Store { operation, source })?
        .into_iter()
        .map(|(key, bytes)| parse(key, &bytes))
        .collect()
}

/// Stores a validated webhook.
pub async fn add(
    store: &dyn Store,
    tenant: &TenantId,
    webhook: &Webhook,
) -> Result<(), NotifyError> {
    put(store, tenant, format!("{WEBHOOK}{}", webhook.id), webhook).await
}

/// Every webhook of the tenant, oldest first.
pub async fn list(store: &dyn Store, tenant: &TenantId) -> Result<Vec<Webhook>, NotifyError> {
    all(store, tenant, WEBHOOK).await
}

/// Removes the webhook `id` and returns it. Its delivery records stay.
pub async fn remove(
    store: &dyn Store,
    tenant: &TenantId,
    id: &str,
) -> Result<Webhook, NotifyError> {
    let key = format!("{WEBHOOK}{id}");
    let bytes = store
        .kv_get(tenant, NAMESPACE, &key)
        .await
        .map_err(store_err("read"))?
        .ok_or_else(|| NotifyError::NotFound(id.to_owned()))?;
    let webhook = parse(key.clone(), &bytes)?;
    store
        .kv_delete(tenant, NAMESPACE, &key)
        .await
        .map_err(store_err("delete"))?;
    Ok(webhook)
}

/// Writes a delivery's record, replacing the previous state of the same delivery.
pub async fn record_delivery(
    store: &dyn Store,
    tenant: &TenantId,
    record: &DeliveryRecord,
) -> Result<(), NotifyError> {
    put(store, tenant, format!("{DELIVERY}{}", record.id), record).await
}

/// The record of delivery `id`, if there is one.
pub async fn delivery(
    store: &dyn Store,
    tenant: &TenantId,
    id: &str,
) -> Result<Option<DeliveryRecord>, NotifyError> {
    let key = format!("{DELIVERY}{id}");
    match store
        .kv_get(tenant, NAMESPACE, &key)
        .await
        .map_err(store_err("read"))?
    {
        Some(bytes) => Ok(Some(parse(key, &bytes)?)),
        None => Ok(None),
    }
}

/// Every delivery record of the tenant, oldest first (delivery ids are ULIDs).
pub async fn deliveries(
    store: &dyn Store,
    tenant: &TenantId,
) -> Result<Vec<DeliveryRecord>, NotifyError> {
    all(store, tenant, DELIVERY).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WebhookSpec;
    use lgp_store::SqliteStore;
    use time::macros::datetime;

    #[tokio::test]
    async fn webhooks_are_kept_per_tenant_and_removed_by_id() {
        let store = SqliteStore::open_in_memory().expect("store");
        let (a, b) = (
            TenantId::new("acme").expect("tenant"),
            TenantId::new("globex").expect("tenant"),
        );
        let hook = WebhookSpec {
            url: "https://hooks.example.com/x".into(),
            secret: "0123456789abcdef".into(),
            ..WebhookSpec::default()
        }
        .validate(datetime!(2026-11-30 12:00 UTC))
        .expect("valid");
        add(&store, &a, &hook).await.expect("add");
        assert_eq!(list(&store, &a).await.expect("list"), vec![hook.clone()]);
        assert!(list(&store, &b).await.expect("list").is_empty());
        assert!(matches!(
            remove(&store, &b, &hook.id).await,
            Err(NotifyError::NotFound(_))
        ));
        assert_eq!(remove(&store, &a, &hook.id).await.expect("remove"), hook);
        assert!(list(&store, &a).await.expect("list").is_empty());
    }
}
