//! The mutelist in the store: one key per rule in the tenant's host-owned key/value namespace,
//! so every store backend keeps it without a table of its own.

use crate::{MuteRule, Mutelist, MutelistError};
use lgp_events::TenantId;
use lgp_store::Store;
use time::OffsetDateTime;

/// The key/value namespace of the mutelist. Plugin names cannot contain `:`, so no plugin's
/// state can collide with it.
pub const NAMESPACE: &str = "host:mutelist";
const PREFIX: &str = "rule/";

fn store_err(operation: &'static str) -> impl FnOnce(lgp_store::StoreError) -> MutelistError {
    move |source| MutelistError::Store { operation, source }
}

/// Stores a validated rule.
pub async fn add(
    store: &dyn Store,
    tenant: &TenantId,
    rule: &MuteRule,
) -> Result<(), MutelistError> {
    let value = serde_json::to_vec(rule).map_err(|source| MutelistError::Corrupt {
        key: rule.id.clone(),
        source,
    })?;
    store
        .kv_set(tenant, NAMESPACE, &format!("{PREFIX}{}", rule.id), &value)
        .await
        .map_err(store_err("write"))
}

/// Every rule of the tenant, expired ones included, oldest first.
pub async fn list(store: &dyn Store, tenant: &TenantId) -> Result<Vec<MuteRule>, MutelistError> {
    lgp_store::kv_entries(store, tenant, NAMESPACE, PREFIX)
        .await
        .map_err(|(operation, source)| MutelistError::Store { operation, source })?
        .into_iter()
        .map(|(key, bytes)| {
            serde_json::from_slice(&bytes).map_err(|source| MutelistError::Corrupt { key, source })
        })
        .collect()
}

/// The rules active at `now`, ready to match.
pub async fn active(
    store: &dyn Store,
    tenant: &TenantId,
    now: OffsetDateTime,
) -> Result<Mutelist, MutelistError> {
    Ok(Mutelist::active(list(store, tenant).await?, now))
}

/// Removes the rule `id` and returns it.
pub async fn remove(
    store: &dyn Store,
    tenant: &TenantId,
    id: &str,
) -> Result<MuteRule, MutelistError> {
    let key = format!("{PREFIX}{id}");
    let bytes = store
        .kv_get(tenant, NAMESPACE, &key)
        .await
        .map_err(store_err("read"))?
        .ok_or_else(|| MutelistError::NotFound(id.to_owned()))?;
    let rule = serde_json::from_slice(&bytes).map_err(|source| MutelistError::Corrupt {
        key: key.clone(),
        source,
    })?;
    store
        .kv_delete(tenant, NAMESPACE, &key)
        .await
        .map_err(store_err("delete"))?;
    Ok(rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MuteRuleSpec;
    use lgp_store::SqliteStore;
    use time::macros::datetime;

    #[tokio::test]
    async fn rules_are_kept_per_tenant_and_removed_by_id() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SqliteStore::open(dir.path().join("lgp.db")).expect("store");
        let (a, b) = (
            TenantId::new("acme").expect("tenant"),
            TenantId::new("globex").expect("tenant"),
        );
        let now = datetime!(2026-11-30 12:00 UTC);
        let rule = MuteRuleSpec {
            checks: vec!["s3_*".into()],
            reason: "r".into(),
            owner: "o".into(),
            expires_at: Some(datetime!(2026-12-01 00:00 UTC)),
            ..MuteRuleSpec::default()
        }
        .validate(now)
        .expect("valid");
        add(&store, &a, &rule).await.expect("add");
        assert_eq!(list(&store, &a).await.expect("list"), vec![rule.clone()]);
        assert!(list(&store, &b).await.expect("list").is_empty());
        assert!(!active(&store, &a, now).await.expect("active").is_empty());
        assert!(
            active(&store, &a, datetime!(2026-12-02 00:00 UTC))
                .await
                .expect("active")
                .is_empty()
        );
        let err = remove(&store, &b, &rule.id)
            .await
            .expect_err("other tenant");
        assert!(matches!(err, MutelistError::NotFound(_)), "{err}");
        assert_eq!(remove(&store, &a, &rule.id).await.expect("remove"), rule);
        assert!(list(&store, &a).await.expect("list").is_empty());
    }
}
