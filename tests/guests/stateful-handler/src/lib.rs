//! A handler that keeps state and reads its tenant's results through the SDK, to test the host's
//! `state` and `query` capabilities end to end.
//!
//! - Every event it receives is recorded in state under `seen/<event type>/<event id>`: one key
//!   per event, so concurrent and repeated deliveries of the same event count once.
//! - On `compliance.scan.completed` it reads the scan's findings and inventory page by page (small
//!   pages, so a scan takes several), asks for the previous scan, counts its recorded events per
//!   type (listing its keys page by page) and emits one `report.generated` summarising it all.

use lgp_sdk::handler::{self, DeliveryError, Event, NewEvent, query, state};
use lgp_sdk::{HandlerPlugin, PluginInfo};
use serde_json::json;
use std::collections::BTreeMap;

const COMPLETED: &str = "compliance.scan.completed";

/// Findings per page: small, so that the fixture's results take several pages.
const FINDINGS_PAGE: u32 = 7;

/// Resources per page, for the same reason.
const INVENTORY_PAGE: u32 = 5;

struct Stateful;

impl HandlerPlugin for Stateful {
    fn info() -> PluginInfo {
        PluginInfo::handler(
            "stateful-handler",
            "0.1.0",
            "Counts its events in state and summarises each completed scan from queries.",
        )
        .subscribe("compliance.violation")
        .subscribe("compliance.resolved")
        .subscribe("inventory.scan.completed")
        .subscribe(COMPLETED)
        .capability("state")
        .capability("query")
    }

    fn handle(event: Event) -> Result<(), DeliveryError> {
        state::set(&format!("seen/{}/{}", event.event_type, event.id), b"1")?;
        if event.event_type != COMPLETED {
            return Ok(());
        }
        let scan_id = event
            .correlation_id
            .clone()
            .ok_or_else(|| DeliveryError::Reject("a completed scan without its id".into()))?;
        let summary = json!({
            "scan_id": scan_id,
            "findings": findings(&scan_id)?,
            "inventory": inventory(&scan_id)?,
            "previous_scan": query::previous_scan(&scan_id)?,
            "events": events_seen()?,
        });
        handler::emit(&[NewEvent::new("report.generated", summary)?.correlation_id(scan_id)])?;
        Ok(())
    }
}

/// Counts of the scan's findings: in total, per status and per check, and the pages read.
fn findings(scan_id: &str) -> Result<serde_json::Value, DeliveryError> {
    let (mut total, mut pages) = (0u64, 0u64);
    let mut by_status: BTreeMap<&str, u64> = BTreeMap::new();
    let mut by_check: BTreeMap<String, u64> = BTreeMap::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = query::findings(scan_id, None, cursor.as_deref(), FINDINGS_PAGE)?;
        pages += 1;
        for f in page.items {
            total += 1;
            *by_status.entry(f.status.as_str()).or_default() += 1;
            *by_check.entry(f.check_id).or_default() += 1;
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    Ok(json!({ "total": total, "pages": pages, "by_status": by_status, "by_check": by_check }))
}

/// Counts of the scan's inventory: in total and per kind, the ARNs, and the pages read.
fn inventory(scan_id: &str) -> Result<serde_json::Value, DeliveryError> {
    let mut pages = 0u64;
    let mut arns = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = query::inventory(scan_id, None, cursor.as_deref(), INVENTORY_PAGE)?;
        pages += 1;
        arns.extend(page.items.into_iter().map(|r| r.arn));
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    Ok(json!({ "total": arns.len(), "pages": pages, "arns": arns }))
}

/// How many events of each type this plugin has recorded for the tenant, from its state.
fn events_seen() -> Result<BTreeMap<String, u64>, DeliveryError> {
    let mut counts = BTreeMap::new();
    let mut cursor: Option<String> = None;
    loop {
        let (keys, next) = state::list_keys("seen/", cursor.as_deref())?;
        for key in keys {
            if let Some(event_type) = key.split('/').nth(1) {
                *counts.entry(event_type.to_owned()).or_default() += 1;
            }
        }
        match next {
            Some(next) => cursor = Some(next),
            None => return Ok(counts),
        }
    }
}

lgp_sdk::export_handler!(Stateful);
