//! Firing `compliance.scan.completed` exactly once.

use crate::{BOOKKEEPING, PipelineError, Services};
use lgp_events::{Event, EventId, EventType, TenantId};
use lgp_store::{Scan, ScanStatus, ScanUpdate};
use time::OffsetDateTime;

/// Completes `scan` if collection is over and every expected evaluation is stored. Both the
/// collector (after its last batch) and each evaluator (after storing) call this with the scan
/// as their own atomic update returned it; a conditional write makes exactly one of them fire.
pub(crate) async fn complete_if_done(
    s: &Services,
    tenant: &TenantId,
    scan: &Scan,
) -> Result<bool, PipelineError> {
    let c = &scan.counters;
    if !scan.collected
        || scan.status != ScanStatus::Running
        || c.evaluations_done < c.evaluations_expected
    {
        return Ok(false);
    }
    let claim = format!("completed/{}", scan.scan_id);
    if !s
        .store
        .kv_put_if_absent(tenant, BOOKKEEPING, &claim, b"1")
        .await?
    {
        return Ok(false);
    }
    let now = OffsetDateTime::now_utc();
    let done = s
        .store
        .update_scan(
            tenant,
            &scan.scan_id,
            &ScanUpdate {
                status: Some(ScanStatus::Completed),
                finished_at: Some(now),
                ..ScanUpdate::default()
            },
        )
        .await?;
    let data = serde_json::json!({
        "scan_id": done.scan_id,
        "account_id": done.account_id,
        "counters": done.counters,
        "errors": done.errors,
    });
    let mut event = Event::new(
        EventType::ComplianceScanCompleted,
        tenant.clone(),
        "pipeline",
        Some(done.scan_id.clone()),
        data,
    );
    event.event_id = EventId::derived(
        done.started_at,
        format!("{}/completed", done.scan_id).as_bytes(),
    );
    s.bus.publish(vec![event]).await?;
    tracing::info!(%tenant, scan = %done.scan_id, results = done.counters.results, "scan completed");
    Ok(true)
}
