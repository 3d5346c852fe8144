//! Starting a scan: collection, inventory storage and diff, and the hand-off to the rules.

use crate::payload::DiscoveredBatch;
use crate::{PipelineError, Services, completion, diff_inventory, rules};
use lgp_events::{Event, EventId, EventType, TenantId};
use lgp_model::Resource;
use lgp_store::{Scan, ScanCounters, ScanStatus, ScanUpdate};
use time::OffsetDateTime;

/// Resources per `inventory.discovered` batch: enough to amortise a plugin invocation (about
/// 20 µs) and reach the batch sizes where Wasm runs closest to native, small enough that a
/// batch's event stays around a megabyte.
pub const DEFAULT_BATCH: usize = 500;

/// Discovery batches a scan may have published ahead of its slowest rule plugin. Collection is
/// faster than evaluation; without a bound a large scan would queue its whole inventory in
/// memory (100,000 resources peaked above 1 GiB). Eight batches keep every consumer busy.
pub const DEFAULT_WINDOW: u64 = 8;

/// How often a scan ahead of its window checks the evaluation progress.
const WINDOW_POLL: std::time::Duration = std::time::Duration::from_millis(5);

/// What to scan.
#[derive(Debug, Clone)]
pub struct ScanRequest {
    /// Whose scan.
    pub tenant: TenantId,
    /// The account.
    pub account_id: String,
    /// What produced the resources: `live`, `snapshot`, `demo`.
    pub source: String,
    /// The collected resources.
    pub resources: Vec<Resource>,
}

/// A scan being collected: its record as created, and the batches published so far.
#[derive(Debug)]
pub(crate) struct OpenScan {
    pub(crate) scan: Scan,
    pub(crate) batches: u64,
    /// Evaluations each batch needs: one per built-in rule plugin, plus one for the tenant's
    /// uploaded plugins if its scan runs any.
    pub(crate) evaluators: u64,
}

/// Runs scans on the pipeline's services.
#[derive(Debug, Clone)]
pub struct Scanner {
    pub(crate) services: Services,
    rule_plugins: u64,
    tenant_plugins: Option<lgp_registry::Registry>,
    pub(crate) batch: usize,
}

impl Scanner {
    /// A scanner for a router running `rule_plugins` rule plugins (each evaluates each batch).
    pub fn new(services: Services, rule_plugins: usize) -> Self {
        Scanner {
            services,
            rule_plugins: rule_plugins as u64,
            tenant_plugins: None,
            batch: DEFAULT_BATCH,
        }
    }

    /// Also runs each tenant's uploaded rule plugins: every scan takes the tenant's active set
    /// when it starts. The router must run them too ([`RouterConfig::tenant_plugins`](crate::RouterConfig)).
    pub fn with_tenant_plugins(mut self, registry: lgp_registry::Registry) -> Self {
        self.tenant_plugins = Some(registry);
        self
    }

    /// Uses batches of `size` resources.
    pub fn with_batch_size(mut self, size: usize) -> Self {
        self.batch = size.max(1);
        self
    }

    /// Starts a scan of resources already collected and returns its id once they are
    /// published; evaluation continues on the router. Watch the scan in the store or wait for
    /// `compliance.scan.completed`.
    pub async fn run(&self, req: ScanRequest) -> Result<String, PipelineError> {
        let mut scan = self
            .begin(&req.tenant, &req.account_id, &req.source)
            .await?;
        for chunk in req.resources.chunks(self.batch) {
            self.publish(&req.tenant, &mut scan, chunk).await?;
        }
        self.finish(&req.tenant, &scan).await?;
        Ok(scan.scan.scan_id)
    }

    /// Creates the scan record and publishes `inventory.scan.started` and
    /// `compliance.scan.started`.
    pub(crate) async fn begin(
        &self,
        tenant: &TenantId,
        account_id: &str,
        source: &str,
    ) -> Result<OpenScan, PipelineError> {
        let s = &self.services;
        let scan_id = ulid::Ulid::new().to_string();
        let scan = Scan {
            scan_id: scan_id.clone(),
            account_id: account_id.to_owned(),
            source: source.to_owned(),
            status: ScanStatus::Running,
            started_at: OffsetDateTime::now_utc(),
            finished_at: None,
            collected: false,
            counters: ScanCounters::default(),
            errors: Default::default(),
        };
        s.store.create_scan(tenant, &scan).await?;
        // Before any batch is published: every batch of the scan sees the same set.
        let mut evaluators = self.rule_plugins;
        if let Some(registry) = &self.tenant_plugins
            && crate::tenant_rules::take_set(s, registry, tenant, &scan_id).await?
        {
            evaluators += 1;
        }
        let meta =
            serde_json::json!({ "scan_id": scan_id, "account_id": account_id, "source": source });
        s.bus
            .publish(vec![
                self.event(
                    tenant,
                    &scan_id,
                    EventType::InventoryScanStarted,
                    meta.clone(),
                ),
                self.event(tenant, &scan_id, EventType::ComplianceScanStarted, meta),
            ])
            .await?;
        Ok(OpenScan {
            scan,
            batches: 0,
            evaluators,
        })
    }

    /// Stores one batch of resources and publishes it as `inventory.discovered`, waiting first
    /// while the rules are more than [`DEFAULT_WINDOW`] batches behind.
    pub(crate) async fn publish(
        &self,
        tenant: &TenantId,
        open: &mut OpenScan,
        chunk: &[Resource],
    ) -> Result<(), PipelineError> {
        let s = &self.services;
        let scan_id = &open.scan.scan_id;
        let n = open.batches;
        self.wait_for_window(tenant, scan_id, n, open.evaluators)
            .await?;
        s.store.put_resources(tenant, scan_id, chunk).await?;
        let payload = DiscoveredBatch {
            scan_id: scan_id.clone(),
            account_id: open.scan.account_id.clone(),
            batch: n,
            resources: chunk.to_vec(),
        };
        let data = serde_json::to_value(&payload).map_err(|source| PipelineError::Payload {
            event_type: EventType::InventoryDiscovered,
            source,
        })?;
        s.bus
            .publish(vec![self.event(
                tenant,
                scan_id,
                EventType::InventoryDiscovered,
                data,
            )])
            .await?;
        let add = ScanCounters {
            resources: chunk.len() as u64,
            batches_published: 1,
            ..ScanCounters::default()
        };
        s.store
            .update_scan(
                tenant,
                scan_id,
                &ScanUpdate {
                    add,
                    ..ScanUpdate::default()
                },
            )
            .await?;
        open.batches += 1;
        Ok(())
    }

    /// Ends collection: diffs the inventory against the previous scan, marks the scan
    /// collected, publishes `inventory.scan.completed`, and completes the scan if every
    /// evaluation is already stored.
    pub(crate) async fn finish(
        &self,
        tenant: &TenantId,
        open: &OpenScan,
    ) -> Result<(), PipelineError> {
        let s = &self.services;
        let scan_id = &open.scan.scan_id;
        self.diff_with_previous(tenant, &open.scan).await?;
        let done = s
            .store
            .update_scan(
                tenant,
                scan_id,
                &ScanUpdate {
                    collected: Some(true),
                    add: ScanCounters {
                        evaluations_expected: open.batches * open.evaluators,
                        ..ScanCounters::default()
                    },
                    ..ScanUpdate::default()
                },
            )
            .await?;
        let data = serde_json::json!({
            "scan_id": scan_id,
            "account_id": open.scan.account_id,
            "resources": done.counters.resources,
            "batches": open.batches,
            "errors": done.errors,
        });
        s.bus
            .publish(vec![self.event(
                tenant,
                scan_id,
                EventType::InventoryScanCompleted,
                data,
            )])
            .await?;
        completion::complete_if_done(s, tenant, &done).await?;
        Ok(())
    }

    /// Waits until at most [`DEFAULT_WINDOW`] batches before batch `n` are still being evaluated
    /// by the scan's `evaluators`.
    async fn wait_for_window(
        &self,
        tenant: &TenantId,
        scan_id: &str,
        n: u64,
        evaluators: u64,
    ) -> Result<(), PipelineError> {
        if evaluators == 0 || n < DEFAULT_WINDOW {
            return Ok(());
        }
        let needed = (n - DEFAULT_WINDOW) * evaluators;
        loop {
            let scan = self.services.store.get_scan(tenant, scan_id).await?;
            if scan.counters.evaluations_done >= needed {
                return Ok(());
            }
            tokio::time::sleep(WINDOW_POLL).await;
        }
    }

    /// Publishes `inventory.changed` against the account's previous completed scan, drops
    /// vanished resources from the current inventory and resolves their failing results.
    async fn diff_with_previous(
        &self,
        tenant: &TenantId,
        scan: &Scan,
    ) -> Result<(), PipelineError> {
        let s = &self.services;
        let Some(previous) = s
            .store
            .previous_completed_scan(tenant, &scan.account_id, &scan.scan_id)
            .await?
        else {
            return Ok(());
        };
        let before = s.store.scan_inventory(tenant, &previous.scan_id).await?;
        let after = s.store.scan_inventory(tenant, &scan.scan_id).await?;
        let diff = diff_inventory(&before, &after);
        if diff.is_empty() {
            return Ok(());
        }
        if !diff.removed.is_empty() {
            s.store.remove_resources(tenant, &diff.removed).await?;
            let retired = s
                .store
                .retire_results(
                    tenant,
                    &scan.scan_id,
                    OffsetDateTime::now_utc(),
                    &diff.removed,
                )
                .await?;
            rules::publish_transitions(s, tenant, &scan.scan_id, scan.started_at, &retired).await?;
        }
        let mut data = serde_json::to_value(&diff).map_err(|source| PipelineError::Payload {
            event_type: EventType::InventoryChanged,
            source,
        })?;
        data["scan_id"] = scan.scan_id.clone().into();
        data["previous_scan_id"] = previous.scan_id.clone().into();
        data["account_id"] = scan.account_id.clone().into();
        s.bus
            .publish(vec![self.event(
                tenant,
                &scan.scan_id,
                EventType::InventoryChanged,
                data,
            )])
            .await?;
        Ok(())
    }

    pub(crate) fn event(
        &self,
        tenant: &TenantId,
        scan_id: &str,
        t: EventType,
        data: serde_json::Value,
    ) -> Event {
        let mut e = Event::new(
            t,
            tenant.clone(),
            "pipeline",
            Some(scan_id.to_owned()),
            data,
        );
        // Fresh ids: these events are made once per scan by the scanner itself.
        e.event_id = EventId::new();
        e
    }
}
