//! Scans: one item each, counters as number attributes so updates add atomically (`ADD`), error
//! counts as a map.

use crate::DynamoStore;
use crate::batch::Query;
use crate::codec::{
    Expr, Item, Listing, Reader, fetch_count, is_condition_failed, n, nanos, s, sdk_error,
    tenant_key,
};
use crate::tables::SCANS;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use lgp_events::TenantId;
use lgp_store::{Page, PageRequest, Scan, ScanCounters, ScanStatus, ScanUpdate, StoreError};

/// The stored name of a [`ScanStatus`].
fn status_str(status: ScanStatus) -> &'static str {
    match status {
        ScanStatus::Pending => "pending",
        ScanStatus::Running => "running",
        ScanStatus::Completed => "completed",
        ScanStatus::Failed => "failed",
        ScanStatus::Cancelled => "cancelled",
    }
}

const STATUSES: [ScanStatus; 5] = [
    ScanStatus::Pending,
    ScanStatus::Running,
    ScanStatus::Completed,
    ScanStatus::Failed,
    ScanStatus::Cancelled,
];

/// The counters' attribute names with their values.
fn counters(c: &ScanCounters) -> [(&'static str, u64); 11] {
    [
        ("resources", c.resources),
        ("batches_published", c.batches_published),
        ("batches_evaluated", c.batches_evaluated),
        ("results", c.results),
        ("passed", c.passed),
        ("failed", c.failed),
        ("errored", c.errored),
        ("manual", c.manual),
        ("evaluations_expected", c.evaluations_expected),
        ("evaluations_done", c.evaluations_done),
        ("muted", c.muted),
    ]
}

fn scan_from(operation: &'static str, item: &Item) -> Result<Scan, StoreError> {
    let r = Reader::new(operation, item);
    let status_text = r.str("status")?;
    let status = STATUSES
        .into_iter()
        .find(|st| status_str(*st) == status_text)
        .ok_or_else(|| crate::codec::backend(operation, format!("scan status {status_text:?}")))?;
    Ok(Scan {
        scan_id: r.string("scan_id")?,
        account_id: r.string("account_id")?,
        source: r.string("source")?,
        status,
        started_at: r.time("started_at")?,
        finished_at: r.opt_time("finished_at")?,
        collected: r.boolean("collected")?,
        counters: ScanCounters {
            resources: r.num("resources")?,
            batches_published: r.num("batches_published")?,
            batches_evaluated: r.num("batches_evaluated")?,
            results: r.num("results")?,
            passed: r.num("passed")?,
            failed: r.num("failed")?,
            errored: r.num("errored")?,
            manual: r.num("manual")?,
            evaluations_expected: r.num("evaluations_expected")?,
            evaluations_done: r.num("evaluations_done")?,
            muted: r.num("muted")?,
        },
        errors: r.counts("errors")?,
    })
}

fn not_found(scan_id: &str) -> StoreError {
    StoreError::NotFound {
        what: "scan",
        id: scan_id.to_owned(),
    }
}

pub(crate) async fn create_scan(
    store: &DynamoStore,
    tenant: &TenantId,
    scan: &Scan,
) -> Result<(), StoreError> {
    const OP: &str = "create_scan";
    let account_key = tenant_key(tenant.as_str(), &scan.account_id);
    let mut item = Item::from([
        ("tenant_id".to_owned(), s(tenant.as_str())),
        ("scan_id".to_owned(), s(&scan.scan_id)),
        ("account_id".to_owned(), s(&scan.account_id)),
        ("account_key".to_owned(), s(&account_key)),
        ("source".to_owned(), s(&scan.source)),
        ("status".to_owned(), s(status_str(scan.status))),
        ("started_at".to_owned(), n(nanos(scan.started_at))),
        ("collected".to_owned(), AttributeValue::Bool(scan.collected)),
        (
            "errors".to_owned(),
            AttributeValue::M(scan.errors.iter().map(|(k, v)| (k.clone(), n(v))).collect()),
        ),
    ]);
    item.extend(counters(&scan.counters).map(|(name, v)| (name.to_owned(), n(v))));
    if let Some(finished) = scan.finished_at {
        item.insert("finished_at".to_owned(), n(nanos(finished)));
    }
    if scan.status == ScanStatus::Completed {
        item.insert("completed_account".to_owned(), s(account_key));
    }
    // Idempotent on the id: a redelivered create keeps the first copy, counters included.
    let result = store
        .client
        .put_item()
        .table_name(store.table(&SCANS))
        .set_item(Some(item))
        .condition_expression("attribute_not_exists(scan_id)")
        .send()
        .await;
    match result {
        Ok(_) => Ok(()),
        Err(err) if is_condition_failed(&err) => Ok(()),
        Err(err) => Err(sdk_error(OP, err)),
    }
}

pub(crate) async fn update_scan(
    store: &DynamoStore,
    tenant: &TenantId,
    scan_id: &str,
    update: &ScanUpdate,
) -> Result<Scan, StoreError> {
    const OP: &str = "update_scan";
    let mut expr = Expr::default();
    let mut set = Vec::new();
    let mut remove = Vec::new();
    if let Some(status) = update.status {
        set.push(expr.eq("status", s(status_str(status))));
        // The completed-scans index holds exactly the completed scans.
        if status == ScanStatus::Completed {
            set.push(format!(
                "{} = {}",
                expr.name("completed_account"),
                expr.name("account_key")
            ));
        } else {
            remove.push(expr.name("completed_account"));
        }
    }
    if let Some(finished) = update.finished_at {
        set.push(expr.eq("finished_at", n(nanos(finished))));
    }
    if let Some(collected) = update.collected {
        set.push(expr.eq("collected", AttributeValue::Bool(collected)));
    }
    for (category, count) in &update.add_errors {
        let path = format!("{}.{}", expr.name("errors"), expr.name(category));
        let zero = expr.value(n(0));
        let add = expr.value(n(count));
        set.push(format!("{path} = if_not_exists({path}, {zero}) + {add}"));
    }
    // Counters add, even zeros: the expression is never empty.
    let add: Vec<String> = counters(&update.add)
        .into_iter()
        .map(|(name, v)| format!("{} {}", expr.name(name), expr.value(n(v))))
        .collect();
    let mut expression = format!("ADD {}", add.join(", "));
    if !set.is_empty() {
        expression += &format!(" SET {}", set.join(", "));
    }
    if !remove.is_empty() {
        expression += &format!(" REMOVE {}", remove.join(", "));
    }
    let condition = format!("attribute_exists({})", expr.name("scan_id"));
    let result = store
        .client
        .update_item()
        .table_name(store.table(&SCANS))
        .key("tenant_id", s(tenant.as_str()))
        .key("scan_id", s(scan_id))
        .update_expression(expression)
        .condition_expression(condition)
        .set_expression_attribute_names(expr.names())
        .set_expression_attribute_values(expr.values())
        .return_values(ReturnValue::AllNew)
        .send()
        .await;
    match result {
        Ok(out) => scan_from(OP, &out.attributes.unwrap_or_default()),
        Err(err) if is_condition_failed(&err) => Err(not_found(scan_id)),
        Err(err) => Err(sdk_error(OP, err)),
    }
}

pub(crate) async fn get_scan(
    store: &DynamoStore,
    tenant: &TenantId,
    scan_id: &str,
) -> Result<Scan, StoreError> {
    const OP: &str = "get_scan";
    let out = store
        .client
        .get_item()
        .table_name(store.table(&SCANS))
        .key("tenant_id", s(tenant.as_str()))
        .key("scan_id", s(scan_id))
        .consistent_read(true)
        .send()
        .await
        .map_err(|err| sdk_error(OP, err))?;
    match out.item {
        Some(item) => scan_from(OP, &item),
        None => Err(not_found(scan_id)),
    }
}

pub(crate) async fn list_scans(
    store: &DynamoStore,
    tenant: &TenantId,
    page: &PageRequest,
) -> Result<Page<Scan>, StoreError> {
    const OP: &str = "list_scans";
    let listing = Listing::new("scans", tenant.as_str());
    let mut expr = Expr::default();
    let condition = expr.eq("tenant_id", s(tenant.as_str()));
    let mut query = Query::new(store.table(&SCANS), None, expr, condition);
    query.forward = false;
    if let Some(mut key) = listing.after(page, 1)? {
        query.start = Some(Item::from([
            ("tenant_id".to_owned(), s(tenant.as_str())),
            ("scan_id".to_owned(), s(key.remove(0))),
        ]));
    }
    let items = query
        .run(&store.client, OP, Some(fetch_count(page)))
        .await?;
    let scans = items
        .iter()
        .map(|item| scan_from(OP, item))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(listing.page(page, scans, |s| vec![s.scan_id.clone()]))
}

pub(crate) async fn previous_completed_scan(
    store: &DynamoStore,
    tenant: &TenantId,
    account_id: &str,
    scan_id: &str,
) -> Result<Option<Scan>, StoreError> {
    const OP: &str = "previous_completed_scan";
    let mut expr = Expr::default();
    let condition = format!(
        "{} AND {} < {}",
        expr.eq(
            "completed_account",
            s(tenant_key(tenant.as_str(), account_id))
        ),
        expr.name("scan_id"),
        expr.value(s(scan_id))
    );
    let mut query = Query::new(
        store.table(&SCANS),
        Some("completed-by-account"),
        expr,
        condition,
    );
    query.forward = false;
    let items = query.run(&store.client, OP, Some(1)).await?;
    items.first().map(|item| scan_from(OP, item)).transpose()
}
