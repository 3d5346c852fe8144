//! Storage of everything a tenant has: tenants, accounts, scans with progress, inventory with
//! history for diffs, check results with status history, alerts, the audit trail of events,
//! plugins, reports and plugin key/value state.
//!
//! [`Store`] is the interface; [`SqliteStore`] the embedded default (one file in the data
//! directory, WAL). Every method takes the tenant, and no query reads across tenants. Writes are
//! idempotent: results and alerts have deterministic ids, so storing the same scan's results
//! twice changes nothing and reports no transition the second time. Listings page with opaque
//! cursors.
//!
//! The store does not decide what a result means (that is the scan pipeline's job) and does
//! not encrypt: events arrive sealed.

#[cfg(any(test, feature = "conformance"))]
pub mod conformance;
mod error;
mod page;
mod sqlite;
mod types;

pub use error::StoreError;
pub use page::{Cursor, Listing, MAX_PAGE, Page, PageRequest};
pub use sqlite::SqliteStore;
pub use types::*;

use async_trait::async_trait;
use lgp_events::TenantId;
use lgp_model::Resource;
use time::OffsetDateTime;

/// Deterministic id of the result (or alert) of `check_id` on `resource_arn` for `tenant`.
pub fn result_id(tenant: &TenantId, check_id: &str, resource_arn: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [tenant.as_str(), check_id, resource_arn] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(&h.finalize()[..16])
}

/// SHA-256 (hex) of a resource's JSON: equal resources hash equal, any change changes it.
pub fn resource_hash(resource: &Resource) -> String {
    use sha2::{Digest, Sha256};
    let json = serde_json::to_vec(resource).unwrap_or_default();
    hex::encode(Sha256::digest(json))
}

/// Every entry of the key/value namespace `namespace` whose key starts with `prefix`, as (key,
/// value) in key order, read page by page. An entry removed between the listing and the read is
/// skipped. On failure, says which step failed: `"list"` or `"read"`.
pub async fn kv_entries(
    store: &dyn Store,
    tenant: &TenantId,
    namespace: &str,
    prefix: &str,
) -> Result<Vec<(String, Vec<u8>)>, (&'static str, StoreError)> {
    let mut entries = Vec::new();
    let mut page = PageRequest::first(MAX_PAGE);
    loop {
        let keys = store
            .kv_list(tenant, namespace, prefix, &page)
            .await
            .map_err(|e| ("list", e))?;
        for key in keys.items {
            if let Some(value) = store
                .kv_get(tenant, namespace, &key)
                .await
                .map_err(|e| ("read", e))?
            {
                entries.push((key, value));
            }
        }
        match keys.next {
            Some(cursor) => page.cursor = Some(cursor),
            None => return Ok(entries),
        }
    }
}

/// The storage interface. Every implementation passes the `conformance` suite unchanged.
///
/// The contract every implementation keeps:
/// - **Tenants.** Every record is keyed by its tenant first and every method reads and writes
///   only the given tenant's rows: another tenant's record is `NotFound` (or an empty listing),
///   and writing a key another tenant also uses (a result's check and resource, an alert id, a
///   kv key, an event id) touches only the caller's copy. Only [`Store::list_tenants`] and
///   [`Store::purge_events`] span tenants, by design.
/// - **Scan order.** Scan ids are ULIDs, so id order is start order; the store compares ids,
///   never clocks. A result or inventory write from a scan older than the one that last wrote
///   the row is a late redelivery and is ignored (no change, no transition), so at-least-once
///   delivery can never roll state back.
/// - **Idempotence.** Storing the same scan's writes again changes nothing and reports nothing;
///   only [`Store::update_scan`] is additive by design.
/// - **Paging.** Cursors are opaque, bound to the listing (and tenant) that issued them: one
///   that is malformed or was issued elsewhere is [`StoreError::BadCursor`]. A page holds at
///   most [`PageRequest::effective_limit`] items; `next` is `None` exactly on the last page.
/// - **Errors.** A missing record is [`StoreError::NotFound`] naming its kind and id; a bad
///   argument is [`StoreError::Invalid`].
#[async_trait]
pub trait Store: Send + Sync {
    // --- tenants and accounts ---

    /// Creates or replaces a tenant.
    async fn put_tenant(&self, tenant: &Tenant) -> Result<(), StoreError>;
    /// Reads a tenant.
    async fn get_tenant(&self, tenant: &TenantId) -> Result<Tenant, StoreError>;
    /// Lists tenants (platform administration only).
    async fn list_tenants(&self, page: &PageRequest) -> Result<Page<Tenant>, StoreError>;
    /// Creates or replaces an account of a tenant.
    async fn put_account(&self, tenant: &TenantId, account: &Account) -> Result<(), StoreError>;
    /// Lists a tenant's accounts.
    async fn list_accounts(&self, tenant: &TenantId) -> Result<Vec<Account>, StoreError>;

    // --- scans ---

    /// Creates a scan (idempotent on its id: creating it again keeps the first copy as it is
    /// now, counters included).
    async fn create_scan(&self, tenant: &TenantId, scan: &Scan) -> Result<(), StoreError>;
    /// Applies an update and returns the scan after it: counters and error counts are added
    /// (atomically), status, end time and the collected flag replace when set. `NotFound` for
    /// an unknown scan.
    async fn update_scan(
        &self,
        tenant: &TenantId,
        scan_id: &str,
        update: &ScanUpdate,
    ) -> Result<Scan, StoreError>;
    /// Reads a scan.
    async fn get_scan(&self, tenant: &TenantId, scan_id: &str) -> Result<Scan, StoreError>;
    /// Lists scans, newest first (by scan id).
    async fn list_scans(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Page<Scan>, StoreError>;
    /// The newest completed scan of `account_id` started before `scan_id` (a smaller id), if
    /// any.
    async fn previous_completed_scan(
        &self,
        tenant: &TenantId,
        account_id: &str,
        scan_id: &str,
    ) -> Result<Option<Scan>, StoreError>;

    // --- inventory ---

    /// Records resources as seen by `scan_id`: a version per resource and scan (idempotent, its
    /// `content_hash` is [`resource_hash`]), and the current inventory updated to it, unless a
    /// newer scan already recorded the resource or it was removed after this scan saw it. One
    /// transaction per call.
    async fn put_resources(
        &self,
        tenant: &TenantId,
        scan_id: &str,
        resources: &[Resource],
    ) -> Result<(), StoreError>;
    /// Every resource version recorded by a scan, ordered by ARN.
    async fn scan_inventory(
        &self,
        tenant: &TenantId,
        scan_id: &str,
    ) -> Result<Vec<ResourceVersion>, StoreError>;
    /// Removes resources from the current inventory (they disappeared); their versions stay.
    /// Unknown ARNs are fine. A later scan that sees a resource again brings it back.
    async fn remove_resources(&self, tenant: &TenantId, arns: &[String]) -> Result<(), StoreError>;
    /// Lists the current inventory, ordered by ARN; filters combine (and).
    async fn list_inventory(
        &self,
        tenant: &TenantId,
        filter: &InventoryFilter,
        page: &PageRequest,
    ) -> Result<Page<Resource>, StoreError>;

    // --- results ---

    /// Stores a scan's results (one per check × resource) in one transaction and returns what
    /// changed, in input order:
    /// - a new result is stored with `first_seen = last_seen = at` and one history entry, and
    ///   reported with `previous: None`;
    /// - a status change, or a change of `muted`, appends to the history and is reported with
    ///   the old status and mute;
    /// - a result whose resource had been retired comes back (`resource_removed` cleared, a
    ///   history entry appended) and is reported with `previous: None`: its earlier failure was
    ///   resolved when it disappeared, so failing again is a new failure;
    /// - the same status updates `last_seen`, the scan, severity, message and evidence only,
    ///   and reports nothing.
    ///
    /// Storing the same results again therefore reports nothing, and results from a scan older
    /// than the one that last wrote a result are ignored.
    async fn apply_results(
        &self,
        tenant: &TenantId,
        scan_id: &str,
        at: OffsetDateTime,
        results: &[NewResult],
    ) -> Result<Vec<Transition>, StoreError>;
    /// Marks every result of the given resources as `resource_removed` (their resource is
    /// gone), keeping status and history, and reports each newly retired result with `previous`
    /// its (unchanged) status: [`Transition::is_resolution`] picks the ones that were failing.
    /// Results already retired, or written by a newer scan, are left alone and not reported.
    async fn retire_results(
        &self,
        tenant: &TenantId,
        scan_id: &str,
        at: OffsetDateTime,
        arns: &[String],
    ) -> Result<Vec<Transition>, StoreError>;
    /// Reads one result by its id ([`result_id`]).
    async fn get_result(
        &self,
        tenant: &TenantId,
        result_id: &str,
    ) -> Result<ResultRecord, StoreError>;
    /// Lists results, ordered by check then resource; filters combine (and).
    async fn list_results(
        &self,
        tenant: &TenantId,
        filter: &ResultFilter,
        page: &PageRequest,
    ) -> Result<Page<ResultRecord>, StoreError>;

    // --- alerts ---

    /// Creates or replaces an alert.
    async fn put_alert(&self, tenant: &TenantId, alert: &AlertRecord) -> Result<(), StoreError>;
    /// Reads an alert.
    async fn get_alert(&self, tenant: &TenantId, alert_id: &str)
    -> Result<AlertRecord, StoreError>;
    /// Lists alerts, newest change (`updated_at`) first, ties by id, optionally in one state.
    async fn list_alerts(
        &self,
        tenant: &TenantId,
        state: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<AlertRecord>, StoreError>;

    // --- audit trail ---

    /// Appends events (idempotent on event id: a known id keeps its first copy).
    async fn append_events(
        &self,
        tenant: &TenantId,
        events: &[StoredEvent],
    ) -> Result<(), StoreError>;
    /// Lists events, oldest first (by event id); `since` is inclusive.
    async fn list_events(
        &self,
        tenant: &TenantId,
        filter: &EventFilter,
        page: &PageRequest,
    ) -> Result<Page<StoredEvent>, StoreError>;
    /// Deletes every tenant's events older than `before` (retention); returns how many.
    async fn purge_events(&self, before: OffsetDateTime) -> Result<u64, StoreError>;

    // --- plugins, reports, state ---

    /// Stores (or replaces) a plugin version with its component. `Invalid` if the record's
    /// size is not the component's.
    async fn put_plugin(
        &self,
        tenant: &TenantId,
        plugin: &PluginRecord,
        component: &[u8],
    ) -> Result<(), StoreError>;
    /// Lists a tenant's plugins, by name then version.
    async fn list_plugins(&self, tenant: &TenantId) -> Result<Vec<PluginRecord>, StoreError>;
    /// Reads a plugin's component.
    async fn get_plugin_component(
        &self,
        tenant: &TenantId,
        name: &str,
        version: &str,
    ) -> Result<Vec<u8>, StoreError>;
    /// Enables or disables a plugin version (`NotFound` if absent).
    async fn set_plugin_enabled(
        &self,
        tenant: &TenantId,
        name: &str,
        version: &str,
        enabled: bool,
    ) -> Result<(), StoreError>;
    /// Deletes a plugin version (`NotFound` if absent).
    async fn delete_plugin(
        &self,
        tenant: &TenantId,
        name: &str,
        version: &str,
    ) -> Result<(), StoreError>;
    /// Stores (or replaces) a rendered report, keyed by scan and format.
    async fn put_report(
        &self,
        tenant: &TenantId,
        scan_id: &str,
        format: &str,
        body: &[u8],
    ) -> Result<(), StoreError>;
    /// Reads a rendered report.
    async fn get_report(
        &self,
        tenant: &TenantId,
        scan_id: &str,
        format: &str,
    ) -> Result<Vec<u8>, StoreError>;
    /// Reads a plugin's state value.
    async fn kv_get(
        &self,
        tenant: &TenantId,
        plugin: &str,
        key: &str,
    ) -> Result<Option<Vec<u8>>, StoreError>;
    /// Writes a plugin's state value.
    async fn kv_set(
        &self,
        tenant: &TenantId,
        plugin: &str,
        key: &str,
        value: &[u8],
    ) -> Result<(), StoreError>;
    /// Deletes a plugin's state value (absent keys are fine).
    async fn kv_delete(&self, tenant: &TenantId, plugin: &str, key: &str)
    -> Result<(), StoreError>;
    /// Writes a plugin's state value only if the key is absent; returns whether it wrote. Atomic:
    /// of concurrent callers with the same key, exactly one gets `true` (a conditional put).
    async fn kv_put_if_absent(
        &self,
        tenant: &TenantId,
        plugin: &str,
        key: &str,
        value: &[u8],
    ) -> Result<bool, StoreError>;
    /// Lists a plugin's keys that start with `prefix` (literally: no wildcards), ordered.
    async fn kv_list(
        &self,
        tenant: &TenantId,
        plugin: &str,
        prefix: &str,
        page: &PageRequest,
    ) -> Result<Page<String>, StoreError>;
}
