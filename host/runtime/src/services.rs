//! What a handler invocation may reach besides `log` and `emit`: key/value state private to the
//! plugin and the tenant, read-only queries of the tenant's results, scans and inventory,
//! notifications to the tenant's configured webhook endpoints, and storage of rendered reports.
//!
//! The caller builds a [`HandlerServices`] for each delivery, bound on the host side to the
//! event's tenant and the plugin's name (the pipeline does it over its store), and hands it to
//! [`Plugin::handle`](crate::Plugin::handle). The runtime therefore holds no store, and nothing a
//! guest passes can name another tenant or another plugin's state. The runtime grants each
//! service only to a plugin whose manifest asks for it ([`STATE_CAPABILITY`],
//! [`QUERY_CAPABILITY`], [`NOTIFY_CAPABILITY`], [`REPORTS_CAPABILITY`]); the others answer
//! `denied`.

use async_trait::async_trait;
use lgp_model::{CheckMeta, Finding, Resource};
use std::sync::Arc;

/// The records of the `query` interface that the service hands over as the guest receives them:
/// a scan's results with their previous outcome, and a scan's summary.
pub mod query_types {
    pub use lgp_world::handler::lg_protect::plugin::query::{
        ErrorCount, PriorOutcome, ScanResult, ScanSummary,
    };
}

/// The capability a handler's manifest lists to be granted [`PluginState`].
pub const STATE_CAPABILITY: &str = "state";

/// The capability a handler's manifest lists to be granted [`TenantQuery`].
pub const QUERY_CAPABILITY: &str = "query";

/// The capability a handler's manifest lists to be granted [`Notifier`].
pub const NOTIFY_CAPABILITY: &str = "notify";

/// The capability a handler's manifest lists to be granted [`ReportStore`].
pub const REPORTS_CAPABILITY: &str = "reports";

/// The formats a report may be stored in.
pub const REPORT_FORMATS: [&str; 4] = ["json", "csv", "html", "ocsf"];

/// Largest payload of one notification, in bytes. An alert event is a few hundred bytes; 64 KiB
/// leaves room for rich payloads while keeping one webhook body well under what receivers such as
/// Slack accept (their limits start around 100 KB).
pub const MAX_NOTIFICATION_BYTES: usize = 64 << 10;

/// Most items one page of a query or of a key listing holds, whatever the guest asks: the
/// store's own page bound (`lgp_store::MAX_PAGE`), so a page is one store round trip.
pub const MAX_QUERY_PAGE_ITEMS: u32 = 1_000;

/// Most bytes one query page copies into the guest (further capped by the invocation's output
/// limit). A page lands in the guest's linear memory, 128 MiB by default, where a Python guest
/// holds it several times over while decoding; 4 MiB is thousands of findings, plenty to amortize
/// a host call. A longer page is cut and its cursor continues after the last item returned; a
/// page always holds at least one item, so paging always progresses.
pub const MAX_QUERY_PAGE_BYTES: usize = 4 << 20;

/// Longest state key, in bytes: DynamoDB's limit on a sort key, so every backend can hold it.
pub const MAX_STATE_KEY_BYTES: usize = 1_024;

/// Largest state value, in bytes. DynamoDB items stop at 400 KB including the key; 256 KiB keeps
/// every value storable there with room for the key and attributes.
pub const MAX_STATE_VALUE_BYTES: usize = 256 << 10;

/// Why a state or query call failed. The runtime turns it into the guest's `host-error` in one
/// place; the message reaches the guest, so it must not carry secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    /// The guest's argument cannot be served (a cursor not issued for this listing, an unknown
    /// scan). Retrying the same call fails the same way.
    #[error("invalid argument: {0}")]
    Invalid(String),
    /// The backing service failed; the same call may succeed later.
    #[error("unavailable: {0}")]
    Unavailable(String),
}

/// One page of a listing, with the opaque cursor of the next page (`None` on the last page).
#[derive(Debug, Clone, PartialEq)]
pub struct QueryPage<T> {
    /// The items, in the listing's order.
    pub items: Vec<T>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<String>,
}

/// Which results of a scan to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingQuery {
    /// The scan whose results to read.
    pub scan_id: String,
    /// Only results of this check, when set.
    pub check_id: Option<String>,
    /// A cursor the same listing returned, `None` for the first page.
    pub cursor: Option<String>,
    /// Most items wanted (1 to [`MAX_QUERY_PAGE_ITEMS`]); fewer may come back.
    pub limit: u32,
}

/// Which stored results to read: those a scan was the last to see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultQuery {
    /// The scan.
    pub scan_id: String,
    /// A cursor the same listing returned, `None` for the first page.
    pub cursor: Option<String>,
    /// Most items wanted (1 to [`MAX_QUERY_PAGE_ITEMS`]); fewer may come back.
    pub limit: u32,
}

/// Which resources of a scan to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryQuery {
    /// The scan whose inventory to read.
    pub scan_id: String,
    /// Only resources of this kind, when set.
    pub kind: Option<String>,
    /// A cursor the same listing returned, `None` for the first page.
    pub cursor: Option<String>,
    /// Most items wanted (1 to [`MAX_QUERY_PAGE_ITEMS`]); fewer may come back.
    pub limit: u32,
}

/// Key/value state of one plugin for one tenant, already bound to both.
#[async_trait]
pub trait PluginState: Send + Sync {
    /// Reads a value; `None` when the key is absent.
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, ServiceError>;
    /// Writes a value, replacing any previous one.
    async fn set(&self, key: &str, value: &[u8]) -> Result<(), ServiceError>;
    /// Deletes a key; an absent key is fine.
    async fn delete(&self, key: &str) -> Result<(), ServiceError>;
    /// One page of at most `limit` keys starting with `prefix`, in order.
    async fn list_keys(
        &self,
        prefix: &str,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<QueryPage<String>, ServiceError>;
}

/// Read-only queries of one tenant's results and inventory, already bound to the tenant: a scan
/// of another tenant is unknown here.
#[async_trait]
pub trait TenantQuery: Send + Sync {
    /// One page of the results of a scan, ordered by check then resource.
    async fn findings(&self, q: &FindingQuery) -> Result<QueryPage<Finding>, ServiceError>;
    /// One page of the resources a scan recorded, ordered by ARN.
    async fn inventory(&self, q: &InventoryQuery) -> Result<QueryPage<Resource>, ServiceError>;
    /// The id of the newest completed scan of the same account started before `scan_id`.
    async fn previous_scan(&self, scan_id: &str) -> Result<Option<String>, ServiceError>;
    /// One page of the results a scan was the last to see, ordered by check then resource, each
    /// with its outcome at the account's previous completed scan.
    async fn results(
        &self,
        q: &ResultQuery,
    ) -> Result<QueryPage<query_types::ScanResult>, ServiceError>;
    /// A scan's summary.
    async fn scan(&self, scan_id: &str) -> Result<query_types::ScanSummary, ServiceError>;
    /// The checks that run for the tenant, ordered by id.
    async fn checks(&self) -> Result<Arc<[CheckMeta]>, ServiceError>;
}

/// A report a handler rendered, stored once its invocation succeeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedReport {
    /// The scan it reports on.
    pub scan_id: String,
    /// One of [`REPORT_FORMATS`].
    pub format: String,
    /// The whole report.
    pub body: Vec<u8>,
}

/// Storage of one tenant's rendered reports, already bound to the tenant.
#[async_trait]
pub trait ReportStore: Send + Sync {
    /// Fails with [`ServiceError::Invalid`] unless `scan_id` is one of the tenant's scans.
    async fn check_scan(&self, scan_id: &str) -> Result<(), ServiceError>;
    /// Stores the reports of an invocation that succeeded, each replacing the stored report of
    /// its scan and format.
    async fn store(&self, reports: Vec<RenderedReport>) -> Result<(), ServiceError>;
}

/// One notification a handler asked for: an event type of the catalogue and its payload.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// The event type, e.g. `alert.triggered`.
    pub event_type: String,
    /// The payload, a JSON object.
    pub data: serde_json::Value,
}

/// Notifications to the webhook endpoints one tenant configured, already bound to the tenant and
/// the delivery: the guest never names an endpoint.
#[async_trait]
pub trait Notifier: Send + Sync {
    /// How many of the tenant's endpoints take notifications of `event_type`; fails with
    /// [`ServiceError::Invalid`] for a type the catalogue does not know.
    async fn endpoints(&self, event_type: &str) -> Result<u32, ServiceError>;
    /// Sends the notifications of an invocation that succeeded, in the order they were asked
    /// for. Returns at once: delivery, retries and their record happen in the background.
    fn dispatch(&self, notifications: Vec<Notification>);
}

/// The services one handler invocation is offered. Each is granted only if the plugin's manifest
/// asks for it; an absent one answers `denied`. `HandlerServices::default()` offers nothing.
#[derive(Clone, Default)]
pub struct HandlerServices {
    /// The plugin's state for the invocation's tenant.
    pub state: Option<Arc<dyn PluginState>>,
    /// Queries of the invocation's tenant.
    pub query: Option<Arc<dyn TenantQuery>>,
    /// Notifications to the invocation's tenant's webhook endpoints.
    pub notify: Option<Arc<dyn Notifier>>,
    /// Storage of the invocation's tenant's reports.
    pub reports: Option<Arc<dyn ReportStore>>,
}

impl std::fmt::Debug for HandlerServices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HandlerServices")
            .field("state", &self.state.is_some())
            .field("query", &self.query.is_some())
            .field("notify", &self.notify.is_some())
            .field("reports", &self.reports.is_some())
            .finish()
    }
}
