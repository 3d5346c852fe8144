//! How `lgp serve` starts the scans the API asks for (`POST /v1/scans`): the tenant's registered
//! account, reached with the platform's AWS credentials through the account's role and external
//! id when it has one; or, when the server runs with `--demo`, the bundled demo account under the
//! id [`DEMO_ACCOUNT`]. The scan is recorded before the request is answered; collection goes on in
//! the background and a scan whose collection fails is marked failed.

use crate::account::{self, Account, LiveAccess};
use crate::platform::Platform;
use async_trait::async_trait;
use lgp_events::TenantId;
use lgp_gateway::{LaunchError, ScanLauncher, ScanStart};
use lgp_model::PluginKind;
use lgp_pipeline::{CollectingScan, Collection, DEFAULT_COLLECT_CONCURRENCY, Scanner};
use lgp_runtime::Plugin;
use lgp_store::{ScanStatus, ScanUpdate, Store};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::task::AbortHandle;

/// The account id that names the bundled demo account on a server started with `--demo`.
pub const DEMO_ACCOUNT: &str = "demo";

/// How the server reaches tenants' accounts.
#[derive(Debug, Clone, Default)]
pub struct AccountAccess {
    /// AWS endpoint URL, e.g. an emulator.
    pub endpoint_url: Option<String>,
    /// AWS calls in flight at once, per scan.
    pub aws_concurrency: usize,
    /// Whether every tenant may scan the bundled demo account as [`DEMO_ACCOUNT`].
    pub demo: bool,
}

/// Starts scans on the platform's pipeline.
pub struct PipelineLauncher {
    scanner: Scanner,
    collectors: Vec<Plugin>,
    store: Arc<dyn Store>,
    access: AccountAccess,
    /// The collections running in this process, by tenant and scan, to stop on cancel.
    running: Arc<Mutex<HashMap<(TenantId, String), AbortHandle>>>,
}

impl PipelineLauncher {
    /// A launcher for `platform`'s collectors and pipeline.
    pub fn new(platform: &Platform, access: AccountAccess) -> Self {
        PipelineLauncher {
            scanner: platform.scanner(),
            collectors: platform
                .plugins
                .iter()
                .filter(|p| p.kind() == PluginKind::Collector)
                .cloned()
                .collect(),
            store: platform.services.store.clone(),
            access,
            running: Arc::default(),
        }
    }

    /// The account `request` names, ready to scan.
    async fn account(
        &self,
        tenant: &TenantId,
        request: &ScanStart,
    ) -> Result<Account, LaunchError> {
        if self.access.demo && request.account_id == DEMO_ACCOUNT {
            let mut demo = account::demo().map_err(|e| LaunchError::Failed(e.into()))?;
            if let Some(missing) = request.regions.iter().find(|r| !demo.regions.contains(r)) {
                return Err(LaunchError::Rejected(format!(
                    "the demo account has no region {missing} (it has: {})",
                    demo.regions.join(", ")
                )));
            }
            if !request.regions.is_empty() {
                demo.regions = request.regions.clone();
            }
            return Ok(demo);
        }
        let registered = self
            .store
            .list_accounts(tenant)
            .await
            .map_err(|e| LaunchError::Failed(e.into()))?
            .into_iter()
            .find(|a| a.account_id == request.account_id)
            .ok_or_else(|| LaunchError::UnknownAccount(request.account_id.clone()))?;
        let live = account::live_account(LiveAccess {
            endpoint_url: self.access.endpoint_url.clone(),
            assume_role: registered.role_arn.map(|arn| (arn, registered.external_id)),
            concurrency: self.access.aws_concurrency,
            regions: request.regions.clone(),
        })
        .await
        .map_err(|e| LaunchError::Rejected(format!("{e:#}")))?;
        if live.account_id != request.account_id {
            return Err(LaunchError::Rejected(format!(
                "the account's credentials reach account {}, not {}",
                live.account_id, request.account_id
            )));
        }
        Ok(live)
    }
}

#[async_trait]
impl ScanLauncher for PipelineLauncher {
    async fn start(&self, tenant: &TenantId, request: ScanStart) -> Result<String, LaunchError> {
        let account = self.account(tenant, &request).await?;
        let started = self
            .scanner
            .start_collection(CollectingScan {
                tenant: tenant.clone(),
                account_id: account.account_id.clone(),
                source: account.source.into(),
                collection: Collection {
                    collectors: self.collectors.clone(),
                    aws: account.aws,
                    regions: account.regions,
                    concurrency: DEFAULT_COLLECT_CONCURRENCY,
                },
            })
            .await
            .map_err(|e| LaunchError::Failed(e.into()))?;
        let (store, tenant, scan_id) = (self.store.clone(), tenant.clone(), started.scan_id);
        let key = (tenant.clone(), scan_id.clone());
        lock(&self.running).insert(key.clone(), started.collection.abort_handle());
        let running = self.running.clone();
        let id = scan_id.clone();
        tokio::spawn(async move {
            let outcome = started.collection.await;
            lock(&running).remove(&key);
            let error = match outcome {
                Ok(Ok(_)) => return,
                // Cancelled through the API: the scan is already marked so.
                Err(e) if e.is_cancelled() => return,
                Ok(Err(e)) => e.to_string(),
                Err(e) => format!("the collection task ended abnormally: {e}"),
            };
            tracing::error!(%tenant, scan = %id, "the scan's collection failed: {error}");
            let failed = ScanUpdate {
                status: Some(ScanStatus::Failed),
                finished_at: Some(time::OffsetDateTime::now_utc()),
                add_errors: [("pipeline".to_owned(), 1)].into(),
                ..ScanUpdate::default()
            };
            if let Err(e) = store.update_scan(&tenant, &id, &failed).await {
                tracing::error!(%tenant, scan = %id, "cannot mark the scan failed: {e}");
            }
        });
        Ok(scan_id)
    }

    async fn cancel(&self, tenant: &TenantId, scan_id: &str) {
        if let Some(collection) = lock(&self.running).remove(&(tenant.clone(), scan_id.to_owned()))
        {
            collection.abort();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
