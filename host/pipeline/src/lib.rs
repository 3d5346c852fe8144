//! The scan pipeline: one scan flowing through Wasm plugins on the bus.
//!
//! - [`Scanner::run`] starts a scan: `inventory.scan.started`, resources stored and published
//!   as `inventory.discovered` batches, the inventory diffed against the account's previous
//!   completed scan (`inventory.changed`; results of vanished resources resolved), then
//!   `inventory.scan.completed`.
//! - [`Router`] consumes the bus for every plugin: each rule plugin evaluates the batches of
//!   kinds its checks apply to; results are stored and only status changes become
//!   `compliance.violation` / `compliance.resolved`; handler plugins get the events they
//!   subscribe to, with their key/value state (namespaced by plugin, per tenant), read-only
//!   queries of the event's tenant's results and inventory, and notifications to the tenant's
//!   webhooks (delivered in the background by `lgp-notify`; [`Router::drain`] waits for them),
//!   and their emitted events are published. A failing invocation is retried, then dead-lettered with a
//!   `system.service.error`; a rule batch that finally fails records `error` results (never a
//!   guess) so the scan still completes. Every event is also kept, sealed for its tenant, in the
//!   store's audit trail, and the alert plugin's `alert.*` events are mirrored into the store's
//!   alerts table ([`acknowledge_alert`] records who took an alert on).
//! - `compliance.scan.completed` fires exactly once per scan, after every evaluation is stored,
//!   whichever of the collector or the last evaluator gets there first.
//!
//! Everything is idempotent under redelivery: results have deterministic ids, derived events
//! have deterministic event ids, progress counts are claimed once per batch and plugin.
//!
//! - [`Scanner::run_collection`] collects first: every collector plugin once per region,
//!   concurrently, each behind a `PluginGate` (its allow-list) in front of the account's AWS
//!   access (live, replayed from a snapshot, or recording); AWS errors are counted in the scan's
//!   summary per category, service and region and published as `system.service.error`.
//!
//! - Tenants' uploaded rule plugins (`lgp-registry`) run in their own group on their own
//!   tenant's batches, with the set each scan took at its start, under per-tenant quotas on
//!   concurrent batches and plugin time ([`TenantQuota`]).
//!
//! It does not render reports: the report plugin does, through the `query` and `reports`
//! capabilities handlers are offered here.

mod alerts;
mod audit;
mod checks;
mod collect;
mod completion;
mod diff;
mod error;
mod grants;
mod handlers;
mod mutes;
mod payload;
mod query;
mod quota;
mod reports;
mod router;
mod rules;
mod scan;
mod services;
mod tenant_rules;

pub use alerts::{ALERT_ACKNOWLEDGED, ALERT_OPEN, ALERT_RESOLVED, acknowledge_alert};
pub use checks::{TenantChecks, checks_of};
pub use collect::{
    CollectedScan, CollectingScan, Collection, CollectionErrorEvent, DEFAULT_COLLECT_CONCURRENCY,
    StartedCollection, scan_scopes,
};
pub use diff::{InventoryDiff, ModifiedResource, diff_inventory};
pub use error::PipelineError;
pub use payload::{DiscoveredBatch, ResultEvent, ServiceError};
pub use quota::TenantQuota;
pub use router::{Router, RouterConfig};
pub use scan::{ScanRequest, Scanner};
pub use services::Services;

/// The plugin name under which the pipeline keeps its own bookkeeping in the key/value store.
pub(crate) const BOOKKEEPING: &str = "lgp-pipeline";
