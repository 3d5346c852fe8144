//! Builders for test data and helpers shared by the suite.

use crate::{
    AlertRecord, EventFilter, InventoryFilter, NewResult, Page, PageRequest, PluginRecord,
    ResultFilter, Scan, ScanCounters, ScanStatus, Store, StoreError, StoredEvent,
};
use lgp_events::{EventId, EventType, TenantId};
use lgp_model::{Resource, Severity, Status};
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use time::OffsetDateTime;

pub(super) fn tenant(id: &str) -> TenantId {
    TenantId::new(id).expect("fixture tenant id")
}

/// A fixed instant plus `secs`.
pub(super) fn at(secs: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000 + secs).expect("fixture time")
}

/// A ULID-shaped scan id; ids sort by `n`.
pub(super) fn scan_id(n: u32) -> String {
    format!("01JAAAAAAAAAAAAAAA{n:08}")
}

pub(super) fn scan(n: u32, account: &str, status: ScanStatus) -> Scan {
    Scan {
        scan_id: scan_id(n),
        account_id: account.to_owned(),
        source: "live".to_owned(),
        status,
        started_at: at(i64::from(n) * 100),
        finished_at: None,
        collected: false,
        counters: ScanCounters::default(),
        errors: BTreeMap::new(),
    }
}

pub(super) fn arn(n: u32) -> String {
    format!("arn:aws:s3:::bucket-{n:04}")
}

pub(super) fn resource(arn: &str, kind: &str, region: &str, tags: &[(&str, &str)]) -> Resource {
    resource_with(arn, kind, region, tags, r#"{"versioning":true}"#)
}

pub(super) fn resource_with(
    arn: &str,
    kind: &str,
    region: &str,
    tags: &[(&str, &str)],
    properties: &str,
) -> Resource {
    Resource {
        arn: arn.to_owned(),
        kind: kind.to_owned(),
        account: "123456789012".to_owned(),
        region: region.to_owned(),
        name: arn.rsplit(':').next().unwrap_or(arn).to_owned(),
        tags: tags
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        properties: RawValue::from_string(properties.to_owned()).expect("fixture properties"),
    }
}

pub(super) fn new_result(check: &str, arn: &str, status: Status) -> NewResult {
    NewResult {
        check_id: check.to_owned(),
        service: "s3".to_owned(),
        resource_arn: arn.to_owned(),
        account_id: "123456789012".to_owned(),
        region: "us-east-1".to_owned(),
        status,
        severity: Severity::High,
        message: format!("{check} is {status} on {arn}"),
        evidence: serde_json::json!({ "status": status.as_str() }),
        muted: false,
    }
}

pub(super) fn event(event_type: EventType, correlation: Option<&str>, secs: i64) -> StoredEvent {
    StoredEvent {
        event_id: EventId::new(),
        event_type,
        correlation_id: correlation.map(str::to_owned),
        at: at(secs),
        sealed: format!("sealed-{secs}").into_bytes(),
    }
}

pub(super) fn alert(id: &str, state: &str, updated_secs: i64) -> AlertRecord {
    AlertRecord {
        alert_id: id.to_owned(),
        check_id: "s3_bucket_public".to_owned(),
        resource_arn: arn(1),
        state: state.to_owned(),
        severity: Severity::Critical,
        opened_at: at(0),
        updated_at: at(updated_secs),
        acknowledged_by: None,
        details: serde_json::json!({ "id": id }),
    }
}

pub(super) fn plugin(name: &str, version: &str, component: &[u8]) -> PluginRecord {
    use sha2::{Digest, Sha256};
    PluginRecord {
        name: name.to_owned(),
        version: version.to_owned(),
        kind: "rule".to_owned(),
        content_hash: hex::encode(Sha256::digest(component)),
        size: component.len() as u64,
        enabled: true,
        uploaded_at: at(5),
    }
}

/// Reads a whole listing `limit` items at a time, checking every page's size.
pub(super) async fn walk<T>(
    limit: u32,
    mut list: impl AsyncFnMut(PageRequest) -> Result<Page<T>, StoreError>,
) -> Vec<T> {
    let mut all = Vec::new();
    let mut cursor = None;
    for _ in 0..100_000 {
        let page = list(PageRequest { limit, cursor })
            .await
            .expect("list a page");
        assert!(
            page.items.len() <= limit.clamp(1, crate::MAX_PAGE) as usize,
            "a page holds {} items, more than the limit {limit}",
            page.items.len()
        );
        all.extend(page.items);
        match page.next {
            None => return all,
            Some(next) => cursor = Some(next),
        }
    }
    panic!("paging did not end after 100000 pages");
}

/// Everything a tenant's reads show, as text, to compare states before and after writes.
pub(super) async fn snapshot(store: &dyn Store, tenant: &TenantId, scans: &[String]) -> String {
    let mut out = String::new();
    out += &format!("tenant {:?}\n", store.get_tenant(tenant).await.ok());
    out += &format!(
        "accounts {:?}\n",
        store.list_accounts(tenant).await.expect("accounts")
    );
    out += &format!(
        "scans {:?}\n",
        walk(3, async |p| store.list_scans(tenant, &p).await).await
    );
    for scan in scans {
        out += &format!(
            "scan {scan} inventory {:?}\n",
            store
                .scan_inventory(tenant, scan)
                .await
                .expect("scan inventory")
        );
    }
    let inventory = InventoryFilter::default();
    out += &format!(
        "inventory {:?}\n",
        walk(3, async |p| store
            .list_inventory(tenant, &inventory, &p)
            .await)
        .await
    );
    let results = ResultFilter::default();
    out += &format!(
        "results {:?}\n",
        walk(3, async |p| store.list_results(tenant, &results, &p).await).await
    );
    out += &format!(
        "alerts {:?}\n",
        walk(3, async |p| store.list_alerts(tenant, None, &p).await).await
    );
    let events = EventFilter::default();
    out += &format!(
        "events {:?}\n",
        walk(3, async |p| store.list_events(tenant, &events, &p).await).await
    );
    out += &format!(
        "plugins {:?}\n",
        store.list_plugins(tenant).await.expect("plugins")
    );
    out += &format!(
        "kv {:?}\n",
        walk(3, async |p| store.kv_list(tenant, "state", "", &p).await).await
    );
    out
}

/// Asserts `result` is a `NotFound` for `what`.
pub(super) fn assert_not_found<T: std::fmt::Debug>(result: Result<T, StoreError>, what: &str) {
    match result {
        Err(StoreError::NotFound { what: w, .. }) if w == what => {}
        other => panic!("expected {what} not found, got {other:?}"),
    }
}
