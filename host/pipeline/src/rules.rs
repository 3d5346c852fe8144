//! Rule plugins on the bus: evaluate discovery batches, store results, publish changes.

use crate::mutes::MuteCache;
use crate::payload::{DiscoveredBatch, ResultEvent};
use crate::{BOOKKEEPING, PipelineError, Services, completion};
use lgp_bus::Delivery;
use lgp_events::{Event, EventId, EventType, TenantId};
use lgp_model::{CheckMeta, Finding, Resource, Status};
use lgp_mutelist::Target;
use lgp_runtime::{EvaluationContext, Plugin};
use lgp_store::{NewResult, ScanCounters, ScanUpdate, Transition};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use time::OffsetDateTime;

/// What routing and storing need to know of a rule plugin's checks.
pub(crate) struct RuleRoute {
    /// The plugin's name.
    pub(crate) name: String,
    checks: Vec<CheckMeta>,
    kinds: HashSet<String>,
    services: HashMap<String, String>,
    /// The mute rules, shared by every rule route of the router.
    mutes: Arc<MuteCache>,
}

impl RuleRoute {
    pub(crate) fn new(name: &str, checks: &[CheckMeta], mutes: Arc<MuteCache>) -> Self {
        RuleRoute {
            name: name.to_owned(),
            kinds: checks
                .iter()
                .flat_map(|c| c.resource_kinds.iter().cloned())
                .collect(),
            services: checks
                .iter()
                .map(|c| (c.id.clone(), c.service.clone()))
                .collect(),
            checks: checks.to_vec(),
            mutes,
        }
    }

    /// The consumer group of a built-in rule plugin.
    pub(crate) fn group(&self) -> String {
        format!("rule:{}", self.name)
    }

    /// The resources of `resources` some check of the plugin applies to.
    pub(crate) fn applicable(&self, resources: &[Resource]) -> Vec<Resource> {
        resources
            .iter()
            .filter(|r| self.kinds.contains(&r.kind))
            .cloned()
            .collect()
    }
}

/// A built-in rule plugin with its route.
pub(crate) struct BuiltinRule {
    pub(crate) route: RuleRoute,
    pub(crate) plugin: Plugin,
}

impl BuiltinRule {
    pub(crate) fn new(plugin: Plugin, mutes: Arc<MuteCache>) -> Arc<Self> {
        Arc::new(BuiltinRule {
            route: RuleRoute::new(plugin.name(), plugin.checks(), mutes),
            plugin,
        })
    }
}

/// Reads an `inventory.discovered` payload, giving the delivery up (dead-letter) if it cannot.
pub(crate) async fn read_batch(
    s: &Services,
    group: &str,
    delivery: Delivery,
) -> Option<(DiscoveredBatch, Delivery)> {
    let parsed = serde_json::to_string(&delivery.event.data)
        .and_then(|text| serde_json::from_str::<DiscoveredBatch>(&text));
    match parsed {
        Ok(b) => Some((b, delivery)),
        Err(e) => {
            let error = format!("malformed inventory.discovered payload: {e}");
            crate::router::give_up(s, group, "payload", &error, delivery).await;
            None
        }
    }
}

/// Handles one `inventory.discovered` delivery for one built-in rule plugin.
pub(crate) async fn handle(s: &Services, rule: &BuiltinRule, delivery: Delivery) {
    let route = &rule.route;
    let Some((batch, delivery)) = read_batch(s, &route.group(), delivery).await else {
        return;
    };
    let event = delivery.event.clone();
    let applicable = route.applicable(&batch.resources);
    let outcome = if applicable.is_empty() {
        Ok(Vec::new())
    } else {
        let ctx = EvaluationContext {
            scan_id: batch.scan_id.clone(),
            now_unix_seconds: event.timestamp.unix_timestamp(),
        };
        rule.plugin.evaluate(&ctx, &applicable).await
    };
    let last_attempt = s.retry.exhausted(delivery.attempt);
    let (findings, failure) = match outcome {
        Ok(findings) => (findings, None),
        Err(err) if last_attempt => {
            // Out of attempts: report it before anything can complete the scan; then every
            // applicable check on every resource of the batch becomes an `error` result naming
            // the failure, so the scan completes without a guess.
            let error = err.to_string();
            crate::router::report_failure(
                s,
                &route.group(),
                "plugin",
                &error,
                &event,
                delivery.attempt,
            )
            .await;
            (
                error_findings(&route.checks, &applicable, &error),
                Some(error),
            )
        }
        Err(err) => {
            tracing::warn!(plugin = %route.name, attempt = delivery.attempt, "evaluation failed, will retry: {err}");
            let _ = delivery.retry(err.to_string()).await;
            return;
        }
    };
    let failed = failure.is_some();
    let stored = async {
        let at = BatchRef::of(&event, &batch.scan_id, delivery.attempt);
        let counts = store_results(s, route, &at, &applicable, findings).await?;
        claim_evaluation(s, &at, &route.name, counts, failed).await
    }
    .await;
    match (stored, failure) {
        (Ok(()), None) => {
            if let Err(e) = delivery.ack().await {
                tracing::error!("cannot acknowledge: {e}");
            }
        }
        (Ok(()), Some(error)) => {
            if let Err(e) = delivery.reject(error).await {
                tracing::error!("cannot dead-letter: {e}");
            }
        }
        (Err(e), _) => {
            tracing::warn!(plugin = %route.name, "storing results failed, will retry: {e}");
            let _ = delivery.retry(format!("storing results failed: {e}")).await;
        }
    }
}

/// The `error` results standing in for a plugin that failed for good: every check of `checks`
/// on every resource of `resources` it applies to, naming the failure.
pub(crate) fn error_findings(
    checks: &[CheckMeta],
    resources: &[Resource],
    error: &str,
) -> Vec<Finding> {
    let evidence = serde_json::value::to_raw_value(&serde_json::json!({ "error": error }))
        .unwrap_or_else(|_| {
            serde_json::value::RawValue::from_string("{}".into()).expect("invariant: {} is JSON")
        });
    let mut out = Vec::new();
    for r in resources {
        for c in checks {
            if c.resource_kinds.iter().any(|k| k == &r.kind) {
                out.push(Finding {
                    check_id: c.id.clone(),
                    resource_arn: r.arn.clone(),
                    status: Status::Error,
                    severity: c.severity,
                    message: format!("{} could not be evaluated: {error}", r.name),
                    evidence: evidence.clone(),
                });
            }
        }
    }
    out
}

/// The discovery batch a rule plugin's outcome belongs to.
pub(crate) struct BatchRef<'a> {
    pub(crate) tenant: &'a TenantId,
    pub(crate) scan_id: &'a str,
    /// The `inventory.discovered` event's id: with the evaluator, the key of the progress claim.
    pub(crate) batch_event: String,
    /// The batch's time: stored as the results' time, and the anchor of derived event ids.
    pub(crate) anchor: OffsetDateTime,
    pub(crate) attempt: u32,
}

impl<'a> BatchRef<'a> {
    pub(crate) fn of(event: &'a Event, scan_id: &'a str, attempt: u32) -> Self {
        BatchRef {
            tenant: &event.tenant_id,
            scan_id,
            batch_event: event.event_id.to_string(),
            anchor: event.timestamp,
            attempt,
        }
    }
}

/// Stores one rule plugin's findings on the resources of a batch (muted as the tenant's
/// mutelist says) and publishes the status changes; returns the counts to add to the scan.
pub(crate) async fn store_results(
    s: &Services,
    route: &RuleRoute,
    at: &BatchRef<'_>,
    resources: &[Resource],
    findings: Vec<Finding>,
) -> Result<ScanCounters, PipelineError> {
    let (tenant, scan_id, anchor) = (at.tenant, at.scan_id, at.anchor);
    let by_arn: HashMap<&str, &Resource> = resources.iter().map(|r| (r.arn.as_str(), r)).collect();
    // Mutes active at the batch's time, not the clock's: a redelivery decides as the first
    // delivery did, and an expired mute stops applying from the first batch after its expiry.
    let mutes = route
        .mutes
        .active(&*s.store, tenant, scan_id, anchor)
        .await?;
    let mut counts = ScanCounters::default();
    let results: Vec<NewResult> = findings
        .into_iter()
        .filter_map(|f| {
            let r = by_arn.get(f.resource_arn.as_str())?;
            let muted = !mutes.is_empty()
                && mutes
                    .rule_for(&Target {
                        check_id: &f.check_id,
                        resource_arn: &f.resource_arn,
                        account_id: &r.account,
                        region: &r.region,
                        tags: &r.tags,
                    })
                    .is_some();
            match f.status {
                _ if muted => counts.muted += 1,
                Status::Pass => counts.passed += 1,
                Status::Fail => counts.failed += 1,
                Status::Error => counts.errored += 1,
                Status::Manual => counts.manual += 1,
            }
            Some(NewResult {
                muted,
                service: route.services.get(&f.check_id).cloned().unwrap_or_default(),
                account_id: r.account.clone(),
                region: r.region.clone(),
                evidence: serde_json::from_str(f.evidence.get()).unwrap_or_default(),
                check_id: f.check_id,
                resource_arn: f.resource_arn,
                status: f.status,
                severity: f.severity,
                message: f.message,
            })
        })
        .collect();
    counts.results = results.len() as u64;
    // The batch's time, not the clock: a redelivered batch then writes exactly what the first
    // delivery wrote, and the store stays unchanged.
    let mut transitions = s
        .store
        .apply_results(tenant, scan_id, anchor, &results)
        .await?;
    if at.attempt > 1 {
        // A redelivery may follow a crash between storing and publishing: recover the changes
        // this scan already made from the results' history, so no event is lost (their ids
        // are deterministic, so a duplicate is recognisable).
        transitions.extend(replayed_transitions(s, tenant, scan_id, &results, &transitions).await?);
    }
    publish_transitions(s, tenant, scan_id, anchor, &transitions).await?;

    Ok(counts)
}

/// Counts one evaluator's evaluation of a batch in the scan's progress, once however often the
/// batch is redelivered, and completes the scan if it was the last one.
pub(crate) async fn claim_evaluation(
    s: &Services,
    at: &BatchRef<'_>,
    evaluator: &str,
    mut counts: ScanCounters,
    failed: bool,
) -> Result<(), PipelineError> {
    let (tenant, scan_id) = (at.tenant, at.scan_id);
    let claim = format!("eval/{scan_id}/{}/{evaluator}", at.batch_event);
    if s.store
        .kv_put_if_absent(tenant, BOOKKEEPING, &claim, b"1")
        .await?
    {
        counts.evaluations_done = 1;
        let mut add_errors = std::collections::BTreeMap::new();
        if failed {
            add_errors.insert("plugin".to_owned(), 1);
        }
        let scan = s
            .store
            .update_scan(
                tenant,
                scan_id,
                &ScanUpdate {
                    add: counts,
                    add_errors,
                    ..ScanUpdate::default()
                },
            )
            .await?;
        completion::complete_if_done(s, tenant, &scan).await?;
    }
    Ok(())
}

async fn replayed_transitions(
    s: &Services,
    tenant: &TenantId,
    scan_id: &str,
    results: &[NewResult],
    fresh: &[Transition],
) -> Result<Vec<Transition>, PipelineError> {
    let seen: HashSet<&str> = fresh.iter().map(|t| t.record.result_id.as_str()).collect();
    let mut out = Vec::new();
    for r in results {
        let id = lgp_store::result_id(tenant, &r.check_id, &r.resource_arn);
        if seen.contains(id.as_str()) {
            continue;
        }
        let record = s.store.get_result(tenant, &id).await?;
        let n = record.history.len();
        if n > 0 && record.history[n - 1].scan_id == scan_id {
            let before = n.checked_sub(2).map(|i| &record.history[i]);
            let (previous, previous_muted) =
                (before.map(|h| h.status), before.is_some_and(|h| h.muted));
            out.push(Transition {
                record,
                previous,
                previous_muted,
            });
        }
    }
    Ok(out)
}

/// Publishes `compliance.violation` for new failures and `compliance.resolved` for resolutions
/// (a muted failure raises no violation; muting a counted failure resolves it),
/// with event ids derived from scan, result and `anchor` (the time of the input that caused the
/// change) so a republished change carries the same id.
pub(crate) async fn publish_transitions(
    s: &Services,
    tenant: &TenantId,
    scan_id: &str,
    anchor: OffsetDateTime,
    transitions: &[Transition],
) -> Result<(), PipelineError> {
    let mut events = Vec::new();
    for t in transitions {
        let (event_type, reason) = if t.is_new_failure() {
            (EventType::ComplianceViolation, None)
        } else if t.is_resolution() {
            let reason = if t.record.resource_removed {
                "resource_removed"
            } else if t.record.muted {
                "muted"
            } else {
                "passed"
            };
            (EventType::ComplianceResolved, Some(reason.to_owned()))
        } else {
            continue;
        };
        let mut payload = ResultEvent::from_record(scan_id, &t.record, t.previous);
        payload.reason = reason;
        let data = serde_json::to_value(&payload)
            .map_err(|source| PipelineError::Payload { event_type, source })?;
        let mut e = Event::new(
            event_type,
            tenant.clone(),
            "pipeline",
            Some(scan_id.to_owned()),
            data,
        );
        let key = format!("{scan_id}/{event_type}/{}", t.record.result_id);
        e.event_id = EventId::derived(anchor, key.as_bytes());
        events.push(e);
    }
    if !events.is_empty() {
        s.bus.publish(events).await?;
    }
    Ok(())
}
