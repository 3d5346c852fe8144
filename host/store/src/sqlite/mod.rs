//! [`SqliteStore`]: the embedded store, one SQLite file in WAL mode.
//!
//! One connection behind a mutex, used from `spawn_blocking` so no query blocks the async
//! runtime. A single connection serializes the store's own queries, which is what SQLite does
//! with writers anyway; scans write in large batches (one transaction per call), so readers
//! wait at most one batch.

mod alerts;
mod blobs;
mod codec;
mod events;
mod inventory;
mod results;
mod scans;
mod schema;
mod tenants;
#[cfg(test)]
mod tests;

use crate::{
    Account, AlertRecord, EventFilter, InventoryFilter, NewResult, Page, PageRequest, PluginRecord,
    ResourceVersion, ResultFilter, ResultRecord, Scan, ScanUpdate, Store, StoreError, StoredEvent,
    Tenant, Transition,
};
use async_trait::async_trait;
use codec::Op;
use lgp_events::TenantId;
use lgp_model::Resource;
use rusqlite::Connection;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use time::OffsetDateTime;

/// How long a statement waits for another process's lock on the file before failing: long
/// enough to ride out a checkpoint or another process's batch, short enough to surface a stuck
/// writer as an error rather than a hang.
/// Page cache per connection, in KiB (negative `cache_size` means KiB to SQLite).
const PAGE_CACHE_KIB: i64 = 64 * 1024;

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Prepared statements kept per connection: every statement the store issues, including the
/// filter variants of the listings, fits.
const STATEMENT_CACHE: usize = 128;

/// The embedded [`Store`]: one SQLite file (WAL, foreign keys on), schema created or migrated
/// on open.
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// Blocking: call it at startup, or from `spawn_blocking`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let conn = Connection::open(path.as_ref()).map_err(|err| StoreError::Backend {
            operation: "open",
            message: format!("cannot open {}: {err}", path.as_ref().display()),
        })?;
        Self::setup(conn)
    }

    /// A private in-memory database, for tests.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::setup(Connection::open_in_memory().op("open")?)
    }

    fn setup(mut conn: Connection) -> Result<Self, StoreError> {
        const OP: &str = "open";
        conn.busy_timeout(BUSY_TIMEOUT).op(OP)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        // WAL: readers never block the writer; an in-memory database stays `memory`.
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))
            .op(OP)?;
        // FULL: a committed batch survives power loss too (one fsync per transaction, which
        // the batching makes cheap).
        conn.pragma_update(None, "synchronous", "FULL").op(OP)?;
        conn.pragma_update(None, "foreign_keys", true).op(OP)?;
        // A scan writes and re-reads tens of MB of results and inventory; SQLite's default 2 MB
        // page cache sends most of those reads through the kernel. (A memory map was tried: its
        // mapped pages doubled the process's peak memory and bought no measurable speed.)
        conn.pragma_update(None, "cache_size", -PAGE_CACHE_KIB)
            .op(OP)?;
        conn.pragma_update(None, "temp_store", "MEMORY").op(OP)?;
        schema::migrate(&mut conn)?;
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` on the connection in a blocking thread.
    async fn run<T, F>(&self, operation: &'static str, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            // A panic mid-call rolled its transaction back when it unwound (transactions
            // roll back on drop), so the connection is consistent despite the poison.
            let mut conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut conn)
        })
        .await
        .map_err(|err| StoreError::Backend {
            operation,
            message: format!("blocking task failed: {err}"),
        })?
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn put_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        let tenant = tenant.clone();
        self.run("put_tenant", move |c| tenants::put_tenant(c, &tenant))
            .await
    }

    async fn get_tenant(&self, tenant: &TenantId) -> Result<Tenant, StoreError> {
        let tenant = tenant.clone();
        self.run("get_tenant", move |c| tenants::get_tenant(c, &tenant))
            .await
    }

    async fn list_tenants(&self, page: &PageRequest) -> Result<Page<Tenant>, StoreError> {
        let page = page.clone();
        self.run("list_tenants", move |c| tenants::list_tenants(c, &page))
            .await
    }

    async fn put_account(&self, tenant: &TenantId, account: &Account) -> Result<(), StoreError> {
        let (tenant, account) = (tenant.clone(), account.clone());
        self.run("put_account", move |c| {
            tenants::put_account(c, &tenant, &account)
        })
        .await
    }

    async fn list_accounts(&self, tenant: &TenantId) -> Result<Vec<Account>, StoreError> {
        let tenant = tenant.clone();
        self.run("list_accounts", move |c| tenants::list_accounts(c, &tenant))
            .await
    }

    async fn create_scan(&self, tenant: &TenantId, scan: &Scan) -> Result<(), StoreError> {
        let (tenant, scan) = (tenant.clone(), scan.clone());
        self.run("create_scan", move |c| {
            scans::create_scan(c, &tenant, &scan)
        })
        .await
    }

    async fn update_scan(
        &self,
        tenant: &TenantId,
        scan_id: &str,
        update: &ScanUpdate,
    ) -> Result<Scan, StoreError> {
        let (tenant, scan_id, update) = (tenant.clone(), scan_id.to_owned(), update.clone());
        self.run("update_scan", move |c| {
            scans::update_scan(c, &tenant, &scan_id, &update)
        })
        .await
    }

    async fn get_scan(&self, tenant: &TenantId, scan_id: &str) -> Result<Scan, StoreError> {
        let (tenant, scan_id) = (tenant.clone(), scan_id.to_owned());
        self.run("get_scan", move |c| scans::get_scan(c, &tenant, &scan_id))
            .await
    }

    async fn list_scans(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Page<Scan>, StoreError> {
        let (tenant, page) = (tenant.clone(), page.clone());
        self.run("list_scans", move |c| scans::list_scans(c, &tenant, &page))
            .await
    }

    async fn previous_completed_scan(
        &self,
        tenant: &TenantId,
        account_id: &str,
        scan_id: &str,
    ) -> Result<Option<Scan>, StoreError> {
        let (tenant, account_id, scan_id) =
            (tenant.clone(), account_id.to_owned(), scan_id.to_owned());
        self.run("previous_completed_scan", move |c| {
            scans::previous_completed_scan(c, &tenant, &account_id, &scan_id)
        })
        .await
    }

    async fn put_resources(
        &self,
        tenant: &TenantId,
        scan_id: &str,
        resources: &[Resource],
    ) -> Result<(), StoreError> {
        let (tenant, scan_id, resources) = (tenant.clone(), scan_id.to_owned(), resources.to_vec());
        self.run("put_resources", move |c| {
            inventory::put_resources(c, &tenant, &scan_id, &resources)
        })
        .await
    }

    async fn scan_inventory(
        &self,
        tenant: &TenantId,
        scan_id: &str,
    ) -> Result<Vec<ResourceVersion>, StoreError> {
        let (tenant, scan_id) = (tenant.clone(), scan_id.to_owned());
        self.run("scan_inventory", move |c| {
            inventory::scan_inventory(c, &tenant, &scan_id)
        })
        .await
    }

    async fn remove_resources(&self, tenant: &TenantId, arns: &[String]) -> Result<(), StoreError> {
        let (tenant, arns) = (tenant.clone(), arns.to_vec());
        self.run("remove_resources", move |c| {
            inventory::remove_resources(c, &tenant, &arns)
        })
        .await
    }

    async fn list_inventory(
        &self,
        tenant: &TenantId,
        filter: &InventoryFilter,
        page: &PageRequest,
    ) -> Result<Page<Resource>, StoreError> {
        let (tenant, filter, page) = (tenant.clone(), filter.clone(), page.clone());
        self.run("list_inventory", move |c| {
            inventory::list_inventory(c, &tenant, &filter, &page)
        })
        .await
    }

    async fn apply_results(
        &self,
        tenant: &TenantId,
        scan_id: &str,
        at: OffsetDateTime,
        results: &[NewResult],
    ) -> Result<Vec<Transition>, StoreError> {
        let (tenant, scan_id, results) = (tenant.clone(), scan_id.to_owned(), results.to_vec());
        self.run("apply_results", move |c| {
            results::apply_results(c, &tenant, &scan_id, at, &results)
        })
        .await
    }

    async fn retire_results(
        &self,
        tenant: &TenantId,
        scan_id: &str,
        _at: OffsetDateTime,
        arns: &[String],
    ) -> Result<Vec<Transition>, StoreError> {
        let (tenant, scan_id, arns) = (tenant.clone(), scan_id.to_owned(), arns.to_vec());
        self.run("retire_results", move |c| {
            results::retire_results(c, &tenant, &scan_id, &arns)
        })
        .await
    }

    async fn get_result(
        &self,
        tenant: &TenantId,
        result_id: &str,
    ) -> Result<ResultRecord, StoreError> {
        let (tenant, result_id) = (tenant.clone(), result_id.to_owned());
        self.run("get_result", move |c| {
            results::get_result(c, &tenant, &result_id)
        })
        .await
    }

    async fn list_results(
        &self,
        tenant: &TenantId,
        filter: &ResultFilter,
        page: &PageRequest,
    ) -> Result<Page<ResultRecord>, StoreError> {
        let (tenant, filter, page) = (tenant.clone(), filter.clone(), page.clone());
        self.run("list_results", move |c| {
            results::list_results(c, &tenant, &filter, &page)
        })
        .await
    }

    async fn put_alert(&self, tenant: &TenantId, alert: &AlertRecord) -> Result<(), StoreError> {
        let (tenant, alert) = (tenant.clone(), alert.clone());
        self.run("put_alert", move |c| alerts::put_alert(c, &tenant, &alert))
            .await
    }

    async fn get_alert(
        &self,
        tenant: &TenantId,
        alert_id: &str,
    ) -> Result<AlertRecord, StoreError> {
        let (tenant, alert_id) = (tenant.clone(), alert_id.to_owned());
        self.run("get_alert", move |c| {
            alerts::get_alert(c, &tenant, &alert_id)
        })
        .await
    }

    async fn list_alerts(
        &self,
        tenant: &TenantId,
        state: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<AlertRecord>, StoreError> {
        let (tenant, state, page) = (tenant.clone(), state.map(str::to_owned), page.clone());
        self.run("list_alerts", move |c| {
            alerts::list_alerts(c, &tenant, state.as_deref(), &page)
        })
        .await
    }

    async fn append_events(
        &self,
        tenant: &TenantId,
        events: &[StoredEvent],
    ) -> Result<(), StoreError> {
        let (tenant, events) = (tenant.clone(), events.to_vec());
        self.run("append_events", move |c| {
            events::append_events(c, &tenant, &events)
        })
        .await
    }

    async fn list_events(
        &self,
        tenant: &TenantId,
        filter: &EventFilter,
        page: &PageRequest,
    ) -> Result<Page<StoredEvent>, StoreError> {
        let (tenant, filter, page) = (tenant.clone(), filter.clone(), page.clone());
        self.run("list_events", move |c| {
            events::list_events(c, &tenant, &filter, &page)
        })
        .await
    }

    async fn purge_events(&self, before: OffsetDateTime) -> Result<u64, StoreError> {
        self.run("purge_events", move |c| events::purge_events(c, before))
            .await
    }

    async fn put_plugin(
        &self,
        tenant: &TenantId,
        plugin: &PluginRecord,
        component: &[u8],
    ) -> Result<(), StoreError> {
        let (tenant, plugin, component) = (tenant.clone(), plugin.clone(), component.to_vec());
        self.run("put_plugin", move |c| {
            blobs::put_plugin(c, &tenant, &plugin, &component)
        })
        .await
    }

    async fn list_plugins(&self, tenant: &TenantId) -> Result<Vec<PluginRecord>, StoreError> {
        let tenant = tenant.clone();
        self.run("list_plugins", move |c| blobs::list_plugins(c, &tenant))
            .await
    }

    async fn get_plugin_component(
        &self,
        tenant: &TenantId,
        name: &str,
        version: &str,
    ) -> Result<Vec<u8>, StoreError> {
        let (tenant, name, version) = (tenant.clone(), name.to_owned(), version.to_owned());
        self.run("get_plugin_component", move |c| {
            blobs::get_plugin_component(c, &tenant, &name, &version)
        })
        .await
    }

    async fn set_plugin_enabled(
        &self,
        tenant: &TenantId,
        name: &str,
        version: &str,
        enabled: bool,
    ) -> Result<(), StoreError> {
        let (tenant, name, version) = (tenant.clone(), name.to_owned(), version.to_owned());
        self.run("set_plugin_enabled", move |c| {
            blobs::set_plugin_enabled(c, &tenant, &name, &version, enabled)
        })
        .await
    }

    async fn delete_plugin(
        &self,
        tenant: &TenantId,
        name: &str,
        version: &str,
    ) -> Result<(), StoreError> {
        let (tenant, name, version) = (tenant.clone(), name.to_owned(), version.to_owned());
        self.run("delete_plugin", move |c| {
            blobs::delete_plugin(c, &tenant, &name, &version)
        })
        .await
    }

    async fn put_report(
        &self,
        tenant: &TenantId,
        scan_id: &str,
        format: &str,
        body: &[u8],
    ) -> Result<(), StoreError> {
        let (tenant, scan_id, format, body) = (
            tenant.clone(),
            scan_id.to_owned(),
            format.to_owned(),
            body.to_vec(),
        );
        self.run("put_report", move |c| {
            blobs::put_report(c, &tenant, &scan_id, &format, &body)
        })
        .await
    }

    async fn get_report(
        &self,
        tenant: &TenantId,
        scan_id: &str,
        format: &str,
    ) -> Result<Vec<u8>, StoreError> {
        let (tenant, scan_id, format) = (tenant.clone(), scan_id.to_owned(), format.to_owned());
        self.run("get_report", move |c| {
            blobs::get_report(c, &tenant, &scan_id, &format)
        })
        .await
    }

    async fn kv_get(
        &self,
        tenant: &TenantId,
        plugin: &str,
        key: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let (tenant, plugin, key) = (tenant.clone(), plugin.to_owned(), key.to_owned());
        self.run("kv_get", move |c| blobs::kv_get(c, &tenant, &plugin, &key))
            .await
    }

    async fn kv_set(
        &self,
        tenant: &TenantId,
        plugin: &str,
        key: &str,
        value: &[u8],
    ) -> Result<(), StoreError> {
        let (tenant, plugin, key, value) = (
            tenant.clone(),
            plugin.to_owned(),
            key.to_owned(),
            value.to_vec(),
        );
        self.run("kv_set", move |c| {
            blobs::kv_set(c, &tenant, &plugin, &key, &value)
        })
        .await
    }

    async fn kv_delete(
        &self,
        tenant: &TenantId,
        plugin: &str,
        key: &str,
    ) -> Result<(), StoreError> {
        let (tenant, plugin, key) = (tenant.clone(), plugin.to_owned(), key.to_owned());
        self.run("kv_delete", move |c| {
            blobs::kv_delete(c, &tenant, &plugin, &key)
        })
        .await
    }

    async fn kv_put_if_absent(
        &self,
        tenant: &TenantId,
        plugin: &str,
        key: &str,
        value: &[u8],
    ) -> Result<bool, StoreError> {
        let (tenant, plugin, key, value) = (
            tenant.clone(),
            plugin.to_owned(),
            key.to_owned(),
            value.to_vec(),
        );
        self.run("kv_put_if_absent", move |c| {
            blobs::kv_put_if_absent(c, &tenant, &plugin, &key, &value)
        })
        .await
    }

    async fn kv_list(
        &self,
        tenant: &TenantId,
        plugin: &str,
        prefix: &str,
        page: &PageRequest,
    ) -> Result<Page<String>, StoreError> {
        let (tenant, plugin, prefix, page) = (
            tenant.clone(),
            plugin.to_owned(),
            prefix.to_owned(),
            page.clone(),
        );
        self.run("kv_list", move |c| {
            blobs::kv_list(c, &tenant, &plugin, &prefix, &page)
        })
        .await
    }
}
