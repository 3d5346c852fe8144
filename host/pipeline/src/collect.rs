//! Live (or replayed) collection: every collector plugin, once per region, concurrently, through
//! a gate holding its allow-list; resources published as each invocation ends; AWS errors
//! counted into the scan's summary and reported as `system.service.error`.

use crate::scan::OpenScan;
use crate::{PipelineError, Scanner};
use futures::StreamExt;
use lgp_aws_api::{AwsApi, CallStats, ErrorCount, PluginGate, StatsSummary};
use lgp_events::{EventType, TenantId};
use lgp_runtime::{Plugin, ScanScope};
use lgp_store::ScanUpdate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Collector invocations in flight at once (each makes its own AWS calls, which the AWS client
/// bounds again). Two per core keeps the cores busy while invocations wait on AWS.
pub const DEFAULT_COLLECT_CONCURRENCY: usize = 4;

/// What a collecting scan reads and with what.
#[derive(Clone)]
pub struct Collection {
    /// The collector plugins.
    pub collectors: Vec<Plugin>,
    /// The account's AWS access: live, replayed or recording. Collectors reach it only through
    /// a [`PluginGate`] each.
    pub aws: Arc<dyn AwsApi>,
    /// The regions to collect (each collector is invoked once per region; global resources in
    /// the first region's invocation). Empty: global resources only.
    pub regions: Vec<String>,
    /// Collector invocations in flight at once.
    pub concurrency: usize,
}

/// A scan that collects its own inventory.
#[derive(Clone)]
pub struct CollectingScan {
    /// Whose scan.
    pub tenant: TenantId,
    /// The account.
    pub account_id: String,
    /// `live` or `snapshot`, `demo`.
    pub source: String,
    /// How to collect.
    pub collection: Collection,
}

/// `system.service.error` for AWS errors of a scan's collection: one event per service, region,
/// category and code, with how many calls failed that way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionErrorEvent {
    /// Always `aws`.
    pub component: String,
    /// `access_denied`, `service_not_enabled`, `parameter_validation`,
    /// `service_unavailable`, `resource_not_found` or `other`.
    pub category: String,
    /// The AWS error code (or the host's reason).
    pub code: String,
    /// The first such error's message.
    pub error: String,
    /// The scanned account.
    pub account_id: String,
    /// The service.
    pub service: String,
    /// The region, or `global`.
    pub region: String,
    /// The first operation that failed this way.
    pub operation: String,
    /// How many calls failed this way.
    pub count: u64,
}

/// What a collecting scan started with.
#[derive(Debug, Clone)]
pub struct CollectedScan {
    /// The scan id.
    pub scan_id: String,
    /// Its AWS calls and their errors.
    pub calls: StatsSummary,
    /// Collector invocations that failed as a whole (a plugin bug, a limit), as
    /// `plugin/<name>/<region>` → the error.
    pub collector_failures: BTreeMap<String, String>,
}

/// A scan whose collection runs in the background ([`Scanner::start_collection`]).
#[derive(Debug)]
pub struct StartedCollection {
    /// The scan id.
    pub scan_id: String,
    /// The collection; its result is what [`Scanner::run_collection`] returns.
    pub collection: tokio::task::JoinHandle<Result<CollectedScan, PipelineError>>,
}

impl Scanner {
    /// Starts a scan that runs the collectors, publishing resources as they arrive, and returns
    /// once collection is published (evaluation continues on the router). AWS errors never
    /// stop it: they are counted in the scan's `errors` as `<category>/<service>/<region>` and
    /// published as `system.service.error`; a failed collector invocation is counted as
    /// `plugin/<name>/<region>`.
    pub async fn run_collection(
        &self,
        req: CollectingScan,
    ) -> Result<CollectedScan, PipelineError> {
        let open = self
            .begin(&req.tenant, &req.account_id, &req.source)
            .await?;
        self.collect(req, open).await
    }

    /// Starts a scan like [`Scanner::run_collection`], but returns as soon as the scan is
    /// recorded (and `inventory.scan.started` published): collection goes on in a task, whose
    /// handle is returned with the scan id. An API answers with the id at once and lets clients
    /// follow the scan in the store and on the bus.
    pub async fn start_collection(
        &self,
        req: CollectingScan,
    ) -> Result<StartedCollection, PipelineError> {
        let open = self
            .begin(&req.tenant, &req.account_id, &req.source)
            .await?;
        let scan_id = open.scan.scan_id.clone();
        let scanner = self.clone();
        let collection = tokio::spawn(async move { scanner.collect(req, open).await });
        Ok(StartedCollection {
            scan_id,
            collection,
        })
    }

    async fn collect(
        &self,
        req: CollectingScan,
        mut open: OpenScan,
    ) -> Result<CollectedScan, PipelineError> {
        let tenant = &req.tenant;
        let c = &req.collection;
        let stats = Arc::new(CallStats::new());
        let scopes = scan_scopes(&open.scan.scan_id, &req.account_id, &c.regions);
        // Owned jobs (a plugin is a cheap handle): the collection may run in a spawned task.
        let jobs: Vec<(Plugin, ScanScope)> = c
            .collectors
            .iter()
            .flat_map(|plugin| scopes.iter().map(|scope| (plugin.clone(), scope.clone())))
            .collect();
        let mut running = futures::stream::iter(jobs)
            .map(|(plugin, scope)| {
                let gate = PluginGate::new(
                    c.aws.clone(),
                    plugin.name(),
                    &plugin.info().capabilities,
                    stats.clone(),
                );
                async move {
                    let outcome = plugin.collect(&scope, Arc::new(gate)).await;
                    (plugin.name().to_owned(), region_label(&scope), outcome)
                }
            })
            .buffer_unordered(c.concurrency.max(1));
        let mut failures = BTreeMap::new();
        while let Some((plugin, region, outcome)) = running.next().await {
            match outcome {
                Ok(resources) => {
                    for chunk in resources.chunks(self.batch) {
                        self.publish(tenant, &mut open, chunk).await?;
                    }
                }
                Err(e) => {
                    tracing::error!(plugin, region, "collector failed: {e}");
                    failures.insert(format!("plugin/{plugin}/{region}"), e.to_string());
                }
            }
        }
        drop(running);
        let calls = stats.summary();
        self.record_errors(tenant, &open, &calls, &failures).await?;
        self.finish(tenant, &open).await?;
        Ok(CollectedScan {
            scan_id: open.scan.scan_id,
            calls,
            collector_failures: failures,
        })
    }

    async fn record_errors(
        &self,
        tenant: &TenantId,
        open: &OpenScan,
        calls: &StatsSummary,
        failures: &BTreeMap<String, String>,
    ) -> Result<(), PipelineError> {
        let mut add_errors = calls.counts_by_scope();
        for key in failures.keys() {
            *add_errors.entry(key.clone()).or_insert(0) += 1;
        }
        if add_errors.is_empty() {
            return Ok(());
        }
        let s = &self.services;
        let scan_id = &open.scan.scan_id;
        s.store
            .update_scan(
                tenant,
                scan_id,
                &ScanUpdate {
                    add_errors,
                    ..ScanUpdate::default()
                },
            )
            .await?;
        let mut events = Vec::with_capacity(calls.errors.len() + failures.len());
        for e in &calls.errors {
            let data = collection_error(&open.scan.account_id, e);
            events.push(self.event(tenant, scan_id, EventType::SystemServiceError, data));
        }
        for (key, error) in failures {
            let data = serde_json::json!({
                "component": key.rsplit_once('/').map_or(key.as_str(), |(p, _)| p),
                "category": "plugin",
                "error": error,
                "account_id": open.scan.account_id,
            });
            events.push(self.event(tenant, scan_id, EventType::SystemServiceError, data));
        }
        s.bus.publish(events).await?;
        Ok(())
    }
}

fn collection_error(account_id: &str, e: &ErrorCount) -> serde_json::Value {
    let event = CollectionErrorEvent {
        component: "aws".into(),
        category: e.category.as_str().into(),
        code: e.code.clone(),
        error: e.message.clone(),
        account_id: account_id.to_owned(),
        service: e.service.clone(),
        region: e.region.clone(),
        operation: e.operation.clone(),
        count: e.count,
    };
    serde_json::to_value(event).unwrap_or_default()
}

/// The collector invocations of a scan: one scope per region, the first also collecting global
/// resources; no regions, one global-only scope.
pub fn scan_scopes(scan_id: &str, account: &str, regions: &[String]) -> Vec<ScanScope> {
    if regions.is_empty() {
        return vec![ScanScope {
            scan_id: scan_id.to_owned(),
            account: account.to_owned(),
            regions: Vec::new(),
            include_global: true,
        }];
    }
    regions
        .iter()
        .enumerate()
        .map(|(i, region)| ScanScope {
            scan_id: scan_id.to_owned(),
            account: account.to_owned(),
            regions: vec![region.clone()],
            include_global: i == 0,
        })
        .collect()
}

fn region_label(scope: &ScanScope) -> String {
    scope
        .regions
        .first()
        .cloned()
        .unwrap_or_else(|| lgp_aws_api::GLOBAL_REGION.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_scope_per_region_and_global_once() {
        let s = scan_scopes("s", "1", &["eu-west-1".into(), "us-east-1".into()]);
        assert_eq!(s.len(), 2);
        assert_eq!(s.iter().filter(|s| s.include_global).count(), 1);
        assert_eq!(s[1].regions, vec!["us-east-1".to_owned()]);
        let g = scan_scopes("s", "1", &[]);
        assert!(g[0].include_global && g[0].regions.is_empty());
    }
}
