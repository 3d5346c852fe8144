//! The `query` capability of handler plugins over the store: one tenant's results (with their
//! outcome at the previous scan), scan summaries and inventory, and the checks that run for it.

use crate::grants::{page_request, to_service_error};
use lgp_events::TenantId;
use lgp_model::{CheckMeta, Finding, Resource};
use lgp_runtime::query_types::{ErrorCount, PriorOutcome, ScanResult, ScanSummary};
use lgp_runtime::{
    FindingQuery, InventoryQuery, MAX_QUERY_PAGE_ITEMS, QueryPage, ResultQuery, ServiceError,
    TenantQuery,
};
use lgp_store::{ResourceVersion, ResultFilter, ResultRecord, Scan, Store};
use std::sync::Arc;
use tokio::sync::Mutex;

/// Read-only queries of one tenant.
pub(crate) struct StoreQuery {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) tenant: TenantId,
    /// The checks of the rule plugins that run for each tenant.
    pub(crate) checks: crate::TenantChecks,
    /// The inventory of the last scan read, kept for the invocation: the store returns a scan's
    /// inventory whole, so paging through it reads it once, not once per page.
    pub(crate) inventory: Mutex<Option<(String, Arc<[ResourceVersion]>)>>,
    /// The previous completed scan of the last scan whose results were read, kept for the
    /// invocation: one lookup, not one per page.
    pub(crate) previous: Mutex<Option<(String, Option<String>)>>,
}

impl StoreQuery {
    /// Fails with "no scan" unless the scan is the tenant's: another tenant's scan is unknown.
    async fn known_scan(&self, scan_id: &str) -> Result<Scan, ServiceError> {
        self.store
            .get_scan(&self.tenant, scan_id)
            .await
            .map_err(to_service_error)
    }

    /// One page of the stored results `scan_id` was the last to see (of `check_id` only, when
    /// set), ordered by check then resource.
    async fn results_of(
        &self,
        scan_id: &str,
        check_id: Option<String>,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<lgp_store::Page<ResultRecord>, ServiceError> {
        let filter = ResultFilter {
            scan_id: Some(scan_id.to_owned()),
            check_id,
            ..ResultFilter::default()
        };
        self.store
            .list_results(&self.tenant, &filter, &page_request(cursor, limit))
            .await
            .map_err(to_service_error)
    }

    /// The newest completed scan of the same account before `scan_id`, if any.
    async fn previous_of(&self, scan_id: &str) -> Result<Option<String>, ServiceError> {
        let mut cached = self.previous.lock().await;
        if let Some((id, previous)) = cached.as_ref()
            && id == scan_id
        {
            return Ok(previous.clone());
        }
        let scan = self.known_scan(scan_id).await?;
        let previous = self
            .store
            .previous_completed_scan(&self.tenant, &scan.account_id, scan_id)
            .await
            .map_err(to_service_error)?
            .map(|s| s.scan_id);
        *cached = Some((scan_id.to_owned(), previous.clone()));
        Ok(previous)
    }

    async fn scan_inventory(&self, scan_id: &str) -> Result<Arc<[ResourceVersion]>, ServiceError> {
        let mut cached = self.inventory.lock().await;
        if let Some((id, versions)) = cached.as_ref()
            && id == scan_id
        {
            return Ok(versions.clone());
        }
        self.known_scan(scan_id).await?;
        let versions: Arc<[ResourceVersion]> = self
            .store
            .scan_inventory(&self.tenant, scan_id)
            .await
            .map_err(to_service_error)?
            .into();
        *cached = Some((scan_id.to_owned(), versions.clone()));
        Ok(versions)
    }
}

fn to_finding(r: ResultRecord) -> Result<Finding, ServiceError> {
    let evidence = serde_json::value::to_raw_value(&r.evidence).map_err(|e| {
        ServiceError::Unavailable(format!(
            "the evidence of {} on {} cannot be encoded: {e}",
            r.check_id, r.resource_arn
        ))
    })?;
    Ok(Finding {
        check_id: r.check_id,
        resource_arn: r.resource_arn,
        status: r.status,
        severity: r.severity,
        message: r.message,
        evidence,
    })
}

#[async_trait::async_trait]
impl TenantQuery for StoreQuery {
    async fn findings(&self, q: &FindingQuery) -> Result<QueryPage<Finding>, ServiceError> {
        if q.cursor.is_none() {
            self.known_scan(&q.scan_id).await?;
        }
        let page = self
            .results_of(&q.scan_id, q.check_id.clone(), q.cursor.as_deref(), q.limit)
            .await?;
        Ok(QueryPage {
            items: page
                .items
                .into_iter()
                .map(to_finding)
                .collect::<Result<_, _>>()?,
            next: page.next.map(|c| c.0),
        })
    }

    async fn inventory(&self, q: &InventoryQuery) -> Result<QueryPage<Resource>, ServiceError> {
        let versions = self.scan_inventory(&q.scan_id).await?;
        // Versions are ordered by ARN, so the cursor is the last ARN returned.
        let start = match &q.cursor {
            Some(after) => versions.partition_point(|v| v.resource.arn.as_str() <= after.as_str()),
            None => 0,
        };
        let limit = q.limit.clamp(1, MAX_QUERY_PAGE_ITEMS) as usize;
        let mut matching = versions[start..]
            .iter()
            .map(|v| &v.resource)
            .filter(|r| q.kind.as_deref().is_none_or(|k| r.kind == k));
        let items: Vec<Resource> = matching.by_ref().take(limit).cloned().collect();
        let next = match (items.last(), matching.next()) {
            (Some(last), Some(_)) => Some(last.arn.clone()),
            _ => None,
        };
        Ok(QueryPage { items, next })
    }

    async fn previous_scan(&self, scan_id: &str) -> Result<Option<String>, ServiceError> {
        self.previous_of(scan_id).await
    }

    async fn results(&self, q: &ResultQuery) -> Result<QueryPage<ScanResult>, ServiceError> {
        // Also proves the scan is the tenant's, on every page.
        let previous = self.previous_of(&q.scan_id).await?;
        let page = self
            .results_of(&q.scan_id, None, q.cursor.as_deref(), q.limit)
            .await?;
        Ok(QueryPage {
            items: page
                .items
                .into_iter()
                .map(|r| to_scan_result(r, previous.as_deref()))
                .collect(),
            next: page.next.map(|c| c.0),
        })
    }

    async fn scan(&self, scan_id: &str) -> Result<ScanSummary, ServiceError> {
        Ok(to_scan_summary(self.known_scan(scan_id).await?))
    }

    async fn checks(&self) -> Result<Arc<[CheckMeta]>, ServiceError> {
        self.checks.of(&self.tenant).await.map_err(to_service_error)
    }
}

/// A result's outcome as of scan `at`: the last change its history records at or before that
/// scan (scan ids are ULIDs, so they sort by start). `None` if it did not exist then.
fn outcome_at(r: &ResultRecord, at: &str) -> Option<PriorOutcome> {
    r.history
        .iter()
        .rev()
        .find(|step| step.scan_id.as_str() <= at)
        .map(|step| PriorOutcome {
            status: step.status.into(),
            muted: step.muted,
        })
}

fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn to_scan_result(r: ResultRecord, previous: Option<&str>) -> ScanResult {
    let prior = previous.and_then(|p| outcome_at(&r, p));
    ScanResult {
        previous: prior,
        first_seen: rfc3339(r.first_seen),
        evidence: r.evidence.to_string(),
        check_id: r.check_id,
        resource_arn: r.resource_arn,
        account: r.account_id,
        region: r.region,
        service: r.service,
        status: r.status.into(),
        severity: r.severity.into(),
        message: r.message,
        muted: r.muted,
        resource_removed: r.resource_removed,
    }
}

fn to_scan_summary(s: Scan) -> ScanSummary {
    let status = serde_json::to_value(s.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    ScanSummary {
        scan_id: s.scan_id,
        account: s.account_id,
        source: s.source,
        status,
        started_at: rfc3339(s.started_at),
        finished_at: s.finished_at.map(rfc3339),
        resources: s.counters.resources,
        results: s.counters.results,
        passed: s.counters.passed,
        failed: s.counters.failed,
        errored: s.counters.errored,
        manual: s.counters.manual,
        muted: s.counters.muted,
        errors: s
            .errors
            .into_iter()
            .map(|(category, count)| ErrorCount { category, count })
            .collect(),
    }
}
