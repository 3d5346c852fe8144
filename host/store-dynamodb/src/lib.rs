//! [`DynamoStore`]: LG-Protect's [`Store`] on Amazon DynamoDB, for several stateless replicas
//! sharing one store.
//!
//! Eleven tables named `<prefix>-<table>` ([`tables::TABLES`]; the prefix is `LGP_TABLE_PREFIX`,
//! default `lg-protect`), every one keyed by `tenant_id` first, with the secondary indexes the
//! listings need. [`DynamoStore::create_tables`] (`lgp store init`) creates them idempotently;
//! `deploy/dynamodb-tables.json` is the same definitions as a CloudFormation template.
//!
//! It keeps the [`Store`] contract the SQLite store keeps, and passes the same conformance
//! suite:
//! - **Transitions** are computed here, from a strongly consistent read, and written with
//!   conditional writes (a result's `rev` must still be the one read; a new result must still be
//!   absent). Of two replicas storing the same results at once, one write wins and the other
//!   re-reads and finds nothing changed, so every transition is reported once.
//! - **Stale redeliveries** are guarded in the condition too: a result or inventory row last
//!   written by a newer scan is never overwritten by an older one.
//! - **Bulk writes** (inventory versions, events, chunk deletions) go through BatchWriteItem in
//!   batches of 25 with unprocessed items retried; throttled calls are retried with backoff by
//!   the SDK's retry policy.
//! - **Values larger than an item** (plugin components, reports, large events) are split into
//!   chunks in the `blobs` table, written before the item that points at them.
//! - **Cursors** are opaque and bound to the listing and tenant that issued them.
//!
//! What it does not do: it does not create tables on its own (run `lgp store init` or deploy the
//! template), and it does not use DynamoDB transactions (dynalite has none; the conditional
//! writes make each item's change atomic, which is all the contract needs). Listings that read a
//! secondary index see writes once the index has them (DynamoDB's indexes are eventually
//! consistent, usually within a second).

mod alerts;
mod batch;
mod blobs;
mod codec;
mod events;
mod inventory;
mod results;
mod scans;
pub mod tables;
mod tenants;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::retry::RetryConfig;
use lgp_events::TenantId;
use lgp_model::Resource;
use lgp_store::{
    Account, AlertRecord, EventFilter, InventoryFilter, NewResult, Page, PageRequest, PluginRecord,
    ResourceVersion, ResultFilter, ResultRecord, Scan, ScanUpdate, Store, StoreError, StoredEvent,
    Tenant, Transition,
};
use serde::Deserialize;
use tables::{Names, TableDef};
use time::OffsetDateTime;

/// The table prefix when none is configured: the seed's table names (`lg-protect-scans`…).
pub const DEFAULT_TABLE_PREFIX: &str = "lg-protect";

/// How a [`DynamoStore`] connects and names its tables.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DynamoConfig {
    /// Tables are named `<table_prefix>-<table>` (`LGP_TABLE_PREFIX`).
    pub table_prefix: String,
    /// The DynamoDB endpoint, e.g. an emulator (`LGP_DYNAMODB_ENDPOINT`); the SDK's default
    /// (the region's endpoint, or `AWS_ENDPOINT_URL_DYNAMODB`) when unset.
    pub endpoint: Option<String>,
    /// Days after which DynamoDB's time to live deletes an event; `None` keeps events until
    /// [`Store::purge_events`].
    pub event_ttl_days: Option<u32>,
    /// Attempts per call, the first included, before a throttled or failing call is an error.
    pub max_attempts: u32,
    /// Requests in flight at once within one store call.
    pub concurrency: usize,
}

/// Attempts per call by default. The SDK's standard retry backs off exponentially (with
/// jitter, up to 20 s); eight attempts ride out a throttled partition without hanging a scan
/// for minutes.
const DEFAULT_MAX_ATTEMPTS: u32 = 8;

/// Requests in flight per store call by default: enough to hide a round trip's latency behind
/// others, few enough not to trip on-demand tables' throttling on a fresh partition.
const DEFAULT_CONCURRENCY: usize = 16;

impl Default for DynamoConfig {
    fn default() -> Self {
        DynamoConfig {
            table_prefix: DEFAULT_TABLE_PREFIX.to_owned(),
            endpoint: None,
            event_ttl_days: None,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

/// The [`Store`] on DynamoDB. Cheap to clone: clones share the client.
#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    names: Names,
    config: DynamoConfig,
}

impl std::fmt::Debug for DynamoStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DynamoStore")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl DynamoStore {
    /// A store on the default AWS configuration (credentials, region) with `config`'s endpoint
    /// and retry policy. Makes no call: a missing table shows on first use.
    pub async fn connect(config: DynamoConfig) -> Self {
        let shared = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        let mut builder = aws_sdk_dynamodb::config::Builder::from(&shared)
            .retry_config(RetryConfig::standard().with_max_attempts(config.max_attempts.max(1)));
        if let Some(endpoint) = &config.endpoint {
            builder = builder.endpoint_url(endpoint);
        }
        Self::with_client(Client::from_conf(builder.build()), config)
    }

    /// A store on a client the caller configured (its endpoint and retry policy are used as
    /// they are; `config.endpoint` and `config.max_attempts` are ignored).
    pub fn with_client(client: Client, config: DynamoConfig) -> Self {
        DynamoStore {
            client,
            names: Names::new(&config.table_prefix),
            config,
        }
    }

    /// Creates the tables that do not exist yet, waits until they are ACTIVE, and enables the
    /// events' time to live. Idempotent.
    pub async fn create_tables(&self) -> Result<(), StoreError> {
        tables::create_tables(&self.client, &self.names).await
    }

    /// The prefix of this store's table names.
    pub fn table_prefix(&self) -> &str {
        &self.config.table_prefix
    }

    /// The full name of `table`.
    fn table(&self, table: &TableDef) -> String {
        self.names.of(table)
    }

    /// Requests in flight per call.
    fn concurrency(&self) -> usize {
        self.config.concurrency.max(1)
    }
}

#[async_trait]
impl Store for DynamoStore {
    async fn put_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        tenants::put_tenant(self, tenant).await
    }

    async fn get_tenant(&self, tenant: &TenantId) -> Result<Tenant, StoreError> {
        tenants::get_tenant(self, tenant).await
    }

    async fn list_tenants(&self, page: &PageRequest) -> Result<Page<Tenant>, StoreError> {
        tenants::list_tenants(self, page).await
    }

    async fn put_account(&self, tenant: &TenantId, account: &Account) -> Result<(), StoreError> {
        tenants::put_account(self, tenant, account).await
    }

    async fn list_accounts(&self, tenant: &TenantId) -> Result<Vec<Account>, StoreError> {
        tenants::list_accounts(self, tenant).await
    }

    async fn create_scan(&self, tenant: &TenantId, scan: &Scan) -> Result<(), StoreError> {
        scans::create_scan(self, tenant, scan).await
    }

    async fn update_scan(
        &self,
        tenant: &TenantId,
        scan_id: &str,
        update: &ScanUpdate,
    ) -> Result<Scan, StoreError> {
        scans::update_scan(self, tenant, scan_id, update).await
    }

    async fn get_scan(&self, tenant: &TenantId, scan_id: &str) -> Result<Scan, StoreError> {
        scans::get_scan(self, tenant, scan_id).await
    }

    async fn list_scans(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Page<Scan>, StoreError> {
        scans::list_scans(self, tenant, page).await
    }

    async fn previous_completed_scan(
        &self,
        tenant: &TenantId,
        account_id: &str,
        scan_id: &str,
    ) -> Result<Option<Scan>, StoreError> {
        scans::previous_completed_scan(self, tenant, account_id, scan_id).await
    }

    async fn put_resources(
        &self,
        tenant: &TenantId,
        scan_id: &str,
        resources: &[Resource],
    ) -> Result<(), StoreError> {
        inventory::put_resources(self, tenant, scan_id, resources).await
    }

    async fn scan_inventory(
        &self,
        tenant: &TenantId,
        scan_id: &str,
    ) -> Result<Vec<ResourceVersion>, StoreError> {
        inventory::scan_inventory(self, tenant, scan_id).await
    }

    async fn remove_resources(&self, tenant: &TenantId, arns: &[String]) -> Result<(), StoreError> {
        inventory::remove_resources(self, tenant, arns).await
    }

    async fn list_inventory(
        &self,
        tenant: &TenantId,
        filter: &InventoryFilter,
        page: &PageRequest,
    ) -> Result<Page<Resource>, StoreError> {
        inventory::list_inventory(self, tenant, filter, page).await
    }

    async fn apply_results(
        &self,
        tenant: &TenantId,
        scan_id: &str,
        at: OffsetDateTime,
        results: &[NewResult],
    ) -> Result<Vec<Transition>, StoreError> {
        results::apply_results(self, tenant, scan_id, at, results).await
    }

    async fn retire_results(
        &self,
        tenant: &TenantId,
        scan_id: &str,
        _at: OffsetDateTime,
        arns: &[String],
    ) -> Result<Vec<Transition>, StoreError> {
        results::retire_results(self, tenant, scan_id, arns).await
    }

    async fn get_result(
        &self,
        tenant: &TenantId,
        result_id: &str,
    ) -> Result<ResultRecord, StoreError> {
        results::get_result(self, tenant, result_id).await
    }

    async fn list_results(
        &self,
        tenant: &TenantId,
        filter: &ResultFilter,
        page: &PageRequest,
    ) -> Result<Page<ResultRecord>, StoreError> {
        results::list_results(self, tenant, filter, page).await
    }

    async fn put_alert(&self, tenant: &TenantId, alert: &AlertRecord) -> Result<(), StoreError> {
        alerts::put_alert(self, tenant, alert).await
    }

    async fn get_alert(
        &self,
        tenant: &TenantId,
        alert_id: &str,
    ) -> Result<AlertRecord, StoreError> {
        alerts::get_alert(self, tenant, alert_id).await
    }

    async fn list_alerts(
        &self,
        tenant: &TenantId,
        state: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<AlertRecord>, StoreError> {
        alerts::list_alerts(self, tenant, state, page).await
    }

    async fn append_events(
        &self,
        tenant: &TenantId,
        events: &[StoredEvent],
    ) -> Result<(), StoreError> {
        events::append_events(self, tenant, events).await
    }

    async fn list_events(
        &self,
        tenant: &TenantId,
        filter: &EventFilter,
        page: &PageRequest,
    ) -> Result<Page<StoredEvent>, StoreError> {
        events::list_events(self, tenant, filter, page).await
    }

    async fn purge_events(&self, before: OffsetDateTime) -> Result<u64, StoreError> {
        events::purge_events(self, before).await
    }

    async fn put_plugin(
        &self,
        tenant: &TenantId,
        plugin: &PluginRecord,
        component: &[u8],
    ) -> Result<(), StoreError> {
        blobs::put_plugin(self, tenant, plugin, component).await
    }

    async fn list_plugins(&self, tenant: &TenantId) -> Result<Vec<PluginRecord>, StoreError> {
        blobs::list_plugins(self, tenant).await
    }

    async fn get_plugin_component(
        &self,
        tenant: &TenantId,
        name: &str,
        version: &str,
    ) -> Result<Vec<u8>, StoreError> {
        blobs::get_plugin_component(self, tenant, name, version).await
    }

    async fn set_plugin_enabled(
        &self,
        tenant: &TenantId,
        name: &str,
        version: &str,
        enabled: bool,
    ) -> Result<(), StoreError> {
        blobs::set_plugin_enabled(self, tenant, name, version, enabled).await
    }

    async fn delete_plugin(
        &self,
        tenant: &TenantId,
        name: &str,
        version: &str,
    ) -> Result<(), StoreError> {
        blobs::delete_plugin(self, tenant, name, version).await
    }

    async fn put_report(
        &self,
        tenant: &TenantId,
        scan_id: &str,
        format: &str,
        body: &[u8],
    ) -> Result<(), StoreError> {
        blobs::put_report(self, tenant, scan_id, format, body).await
    }

    async fn get_report(
        &self,
        tenant: &TenantId,
        scan_id: &str,
        format: &str,
    ) -> Result<Vec<u8>, StoreError> {
        blobs::get_report(self, tenant, scan_id, format).await
    }

    async fn kv_get(
        &self,
        tenant: &TenantId,
        plugin: &str,
        key: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        blobs::kv_get(self, tenant, plugin, key).await
    }

    async fn kv_set(
        &self,
        tenant: &TenantId,
        plugin: &str,
        key: &str,
        value: &[u8],
    ) -> Result<(), StoreError> {
        blobs::kv_put(self, tenant, plugin, key, value, false)
            .await
            .map(drop)
    }

    async fn kv_delete(
        &self,
        tenant: &TenantId,
        plugin: &str,
        key: &str,
    ) -> Result<(), StoreError> {
        blobs::kv_delete(self, tenant, plugin, key).await
    }

    async fn kv_put_if_absent(
        &self,
        tenant: &TenantId,
        plugin: &str,
        key: &str,
        value: &[u8],
    ) -> Result<bool, StoreError> {
        blobs::kv_put(self, tenant, plugin, key, value, true).await
    }

    async fn kv_list(
        &self,
        tenant: &TenantId,
        plugin: &str,
        prefix: &str,
        page: &PageRequest,
    ) -> Result<Page<String>, StoreError> {
        blobs::kv_list(self, tenant, plugin, prefix, page).await
    }
}
