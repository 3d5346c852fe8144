//! Tenants' uploaded rule plugins on the bus: one consumer group evaluates each discovery batch
//! with the plugins of the batch's own tenant — the set its scan took when it started — under
//! that tenant's quota ([`TenantQuota`](crate::TenantQuota)).
//!
//! The consumers never wait on a tenant: each delivery runs in its own task, which waits for its
//! tenant's turn, so a tenant whose plugins are slow or hostile delays its own batches only. A
//! failing uploaded plugin is not retried (a rule is deterministic: it would fail again): its
//! checks on the batch become `error` results naming the failure, a `system.service.error` says
//! so, and the scan goes on. Per batch, the whole set counts as one evaluation of the scan.

use crate::mutes::MuteCache;
use crate::quota::TenantQuotas;
use crate::rules::{self, BatchRef, RuleRoute};
use crate::{BOOKKEEPING, PipelineError, Services};
use lgp_bus::{Delivery, Subscription};
use lgp_events::{Event, TenantId};
use lgp_model::Resource;
use lgp_registry::{ActivePlugin, Registry};
use lgp_runtime::EvaluationContext;
use lgp_store::ScanCounters;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Semaphore;

/// The consumer group.
pub(crate) const GROUP: &str = "tenant-rules";

/// The name under which the set's evaluations of a batch are claimed.
const EVALUATOR: &str = "tenant-plugins";

/// Where a scan's set is kept (in the pipeline's bookkeeping, per tenant).
fn set_key(scan_id: &str) -> String {
    format!("tenant-rules/{scan_id}")
}

/// Takes the tenant's active plugins as the set scan `scan_id` runs; returns whether there are
/// any (then each batch of the scan needs one more evaluation).
pub(crate) async fn take_set(
    s: &Services,
    registry: &Registry,
    tenant: &TenantId,
    scan_id: &str,
) -> Result<bool, PipelineError> {
    let active = registry.active(tenant).await?;
    if active.is_empty() {
        return Ok(false);
    }
    let text = serde_json::to_vec(&active).expect("invariant: plugin descriptions serialize");
    s.store
        .kv_set(tenant, BOOKKEEPING, &set_key(scan_id), &text)
        .await?;
    Ok(true)
}

/// What the group's consumers share.
pub(crate) struct TenantRules {
    pub(crate) registry: Registry,
    pub(crate) quotas: TenantQuotas,
    pub(crate) mutes: Arc<MuteCache>,
    /// Deliveries held at once.
    pub(crate) in_flight: Arc<Semaphore>,
}

/// Consumes the group until the subscription ends, one task per delivery.
pub(crate) async fn run(s: Services, rules: Arc<TenantRules>, mut sub: Subscription) {
    loop {
        let Ok(slot) = rules.in_flight.clone().acquire_owned().await else {
            return;
        };
        let Some(delivery) = sub.next().await else {
            return;
        };
        let (s, rules) = (s.clone(), rules.clone());
        tokio::spawn(async move {
            handle(&s, &rules, delivery).await;
            drop(slot);
        });
    }
}

async fn handle(s: &Services, rules: &TenantRules, delivery: Delivery) {
    let Some((batch, delivery)) = rules::read_batch(s, GROUP, delivery).await else {
        return;
    };
    let event = delivery.event.clone();
    let at = BatchRef::of(&event, &batch.scan_id, delivery.attempt);
    let outcome = async {
        let Some(set) = scan_set(s, at.tenant, at.scan_id).await? else {
            return Ok(());
        };
        let evaluated = {
            let _turn = rules.quotas.turn(at.tenant).await;
            evaluate_set(s, rules, &event, &batch.scan_id, &batch.resources, &set).await
        };
        let mut counts = ScanCounters::default();
        let mut failed = false;
        for e in evaluated {
            failed |= e.failed;
            counts += &rules::store_results(s, &e.route, &at, &e.resources, e.findings).await?;
        }
        rules::claim_evaluation(s, &at, EVALUATOR, counts, failed).await
    }
    .await;
    match outcome {
        Ok(()) => {
            if let Err(e) = delivery.ack().await {
                tracing::error!("cannot acknowledge: {e}");
            }
        }
        Err(e) => {
            tracing::warn!(tenant = %at.tenant, "storing tenant plugins' results failed, will retry: {e}");
            let _ = delivery.retry(format!("storing results failed: {e}")).await;
        }
    }
}

/// The set scan `scan_id` runs, or `None` if it runs none.
async fn scan_set(
    s: &Services,
    tenant: &TenantId,
    scan_id: &str,
) -> Result<Option<Vec<ActivePlugin>>, PipelineError> {
    let Some(text) = s
        .store
        .kv_get(tenant, BOOKKEEPING, &set_key(scan_id))
        .await?
    else {
        return Ok(None);
    };
    match serde_json::from_slice(&text) {
        Ok(set) => Ok(Some(set)),
        Err(e) => Err(PipelineError::Store(lgp_store::StoreError::Backend {
            operation: "tenant plugin set",
            message: format!("the set of scan {scan_id} is unreadable: {e}"),
        })),
    }
}

/// One plugin's outcome on the batch, ready to store.
struct Evaluated {
    route: RuleRoute,
    resources: Vec<Resource>,
    findings: Vec<lgp_model::Finding>,
    failed: bool,
}

/// Evaluates the batch with each plugin of the set, charging the time to the tenant.
async fn evaluate_set(
    s: &Services,
    rules: &TenantRules,
    event: &Event,
    scan_id: &str,
    resources: &[Resource],
    set: &[ActivePlugin],
) -> Vec<Evaluated> {
    let tenant = &event.tenant_id;
    let ctx = EvaluationContext {
        scan_id: scan_id.to_owned(),
        now_unix_seconds: event.timestamp.unix_timestamp(),
    };
    let mut out = Vec::with_capacity(set.len());
    for member in set {
        let route = RuleRoute::new(&member.name, &member.checks, rules.mutes.clone());
        let applicable = route.applicable(resources);
        if applicable.is_empty() {
            continue;
        }
        let started = Instant::now();
        let outcome = match rules.registry.load(tenant, member).await {
            Ok(plugin) => plugin
                .evaluate(&ctx, &applicable)
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        rules.quotas.charge(tenant, started.elapsed()).await;
        let (findings, failed) = match outcome {
            Ok(findings) => (findings, false),
            Err(error) => {
                let component = format!("tenant-plugin:{}@{}", member.name, member.version);
                crate::router::report_failure(s, &component, "plugin", &error, event, 1).await;
                (
                    rules::error_findings(&member.checks, &applicable, &error),
                    true,
                )
            }
        };
        out.push(Evaluated {
            route,
            resources: applicable,
            findings,
            failed,
        });
    }
    out
}
