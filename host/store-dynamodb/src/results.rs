//! Check results (`compliance`): the record as JSON, plus the attributes the keys, indexes,
//! filters and guards need. Every write is conditional on the item's `rev` (or its absence), so
//! concurrent writers never lose an update or report a transition twice.

use crate::DynamoStore;
use crate::batch::{Query, get_all};
use crate::codec::{
    Expr, Item, Listing, Reader, backend, boolean, fetch_count, is_condition_failed, n, pair_key,
    s, sdk_error, to_json,
};
use crate::tables::RESULTS;
use futures::{StreamExt, TryStreamExt};
use lgp_events::TenantId;
use lgp_store::{
    NewResult, Page, PageRequest, ResultFilter, ResultRecord, StoreError, Transition, result_id,
};
use std::collections::HashMap;
use time::OffsetDateTime;

/// Times one result's conditional write is retried after losing to a concurrent writer. Each
/// loss means another writer changed the result in between; more than a few in a row means
/// something writes it in a loop.
const CONFLICT_RETRIES: u32 = 8;

/// A stored result with its guards.
#[derive(Debug, Clone)]
struct Stored {
    record: ResultRecord,
    /// The newest scan that wrote it: older scans' writes are late redeliveries.
    applied_scan_id: String,
    /// Bumped by every write; a conditional write expects the one it read.
    rev: u64,
}

fn stored_from(operation: &'static str, item: &Item) -> Result<Stored, StoreError> {
    let r = Reader::new(operation, item);
    Ok(Stored {
        record: r.json("record")?,
        applied_scan_id: r.string("applied_scan_id")?,
        rev: r.num("rev")?,
    })
}

fn item_of(tenant: &TenantId, stored: &Stored) -> Result<Item, StoreError> {
    let r = &stored.record;
    Ok(Item::from([
        ("tenant_id".to_owned(), s(tenant.as_str())),
        ("result_id".to_owned(), s(&r.result_id)),
        ("check_id".to_owned(), s(&r.check_id)),
        ("resource_arn".to_owned(), s(&r.resource_arn)),
        (
            "check_resource".to_owned(),
            s(pair_key(&r.check_id, &r.resource_arn)),
        ),
        (
            "resource_check".to_owned(),
            s(pair_key(&r.resource_arn, &r.check_id)),
        ),
        ("status".to_owned(), s(r.status.as_str())),
        ("severity".to_owned(), s(r.severity.as_str())),
        ("muted".to_owned(), boolean(r.muted)),
        ("resource_removed".to_owned(), boolean(r.resource_removed)),
        ("last_scan_id".to_owned(), s(&r.last_scan_id)),
        ("applied_scan_id".to_owned(), s(&stored.applied_scan_id)),
        ("rev".to_owned(), n(stored.rev)),
        ("record".to_owned(), s(to_json("store result", r)?)),
    ]))
}

/// Writes `stored` (its `rev` already bumped) if the item is still as read: absent when
/// `expected_rev` is `None`, at that rev otherwise. Returns whether it wrote.
async fn write_if_unchanged(
    store: &DynamoStore,
    operation: &'static str,
    tenant: &TenantId,
    stored: &Stored,
    expected_rev: Option<u64>,
) -> Result<bool, StoreError> {
    let mut expr = Expr::default();
    let condition = match expected_rev {
        None => format!("attribute_not_exists({})", expr.name("result_id")),
        Some(rev) => expr.eq("rev", n(rev)),
    };
    let result = store
        .client
        .put_item()
        .table_name(store.table(&RESULTS))
        .set_item(Some(item_of(tenant, stored)?))
        .condition_expression(condition)
        .set_expression_attribute_names(expr.names())
        .set_expression_attribute_values(expr.values())
        .send()
        .await;
    match result {
        Ok(_) => Ok(true),
        Err(err) if is_condition_failed(&err) => Ok(false),
        Err(err) => Err(sdk_error(operation, err)),
    }
}

async fn read(
    store: &DynamoStore,
    operation: &'static str,
    tenant: &TenantId,
    id: &str,
) -> Result<Option<Stored>, StoreError> {
    let out = store
        .client
        .get_item()
        .table_name(store.table(&RESULTS))
        .key("tenant_id", s(tenant.as_str()))
        .key("result_id", s(id))
        .consistent_read(true)
        .send()
        .await
        .map_err(|err| sdk_error(operation, err))?;
    out.item
        .map(|item| stored_from(operation, &item))
        .transpose()
}

/// What storing `steps` (the inputs for one result id, in input order) over `existing` does:
/// the state to write, if anything changed, and the transitions with their input positions.
/// The same rules as the SQLite store, applied in memory.
fn plan(
    id: &str,
    scan_id: &str,
    at: OffsetDateTime,
    existing: Option<&Stored>,
    steps: &[(usize, &NewResult)],
) -> (Option<Stored>, Vec<(usize, Transition)>) {
    let mut state = existing.cloned();
    let mut changed = false;
    let mut transitions = Vec::new();
    for (index, new) in steps {
        match &mut state {
            None => {
                let record = ResultRecord::first(id, scan_id, at, new);
                transitions.push((
                    *index,
                    Transition {
                        record: record.clone(),
                        previous: None,
                        previous_muted: false,
                    },
                ));
                state = Some(Stored {
                    record,
                    applied_scan_id: scan_id.to_owned(),
                    rev: 0,
                });
                changed = true;
            }
            // A late redelivery from an older scan: what it says is already superseded.
            Some(stored) if scan_id < stored.applied_scan_id.as_str() => {}
            Some(stored) => {
                let r = &stored.record;
                // An identical redelivery writes nothing at all.
                let same = !new.changes(r)
                    && stored.applied_scan_id == scan_id
                    && r.last_scan_id == scan_id
                    && r.last_seen == at
                    && r.severity == new.severity
                    && r.message == new.message
                    && r.evidence == new.evidence;
                if let Some(transition) = stored.record.apply(scan_id, at, new) {
                    transitions.push((*index, transition));
                }
                if !same {
                    stored.applied_scan_id = scan_id.to_owned();
                    changed = true;
                }
            }
        }
    }
    (state.filter(|_| changed), transitions)
}

/// Stores one result id's inputs: plan, conditional write, and on a lost race re-read and plan
/// again.
async fn apply_one(
    store: &DynamoStore,
    tenant: &TenantId,
    scan_id: &str,
    at: OffsetDateTime,
    id: &str,
    mut existing: Option<Stored>,
    steps: &[(usize, &NewResult)],
) -> Result<Vec<(usize, Transition)>, StoreError> {
    const OP: &str = "apply_results";
    for _ in 0..=CONFLICT_RETRIES {
        let (write, transitions) = plan(id, scan_id, at, existing.as_ref(), steps);
        let Some(mut next) = write else {
            return Ok(transitions);
        };
        let expected = existing.as_ref().map(|e| e.rev);
        next.rev = expected.map_or(1, |rev| rev + 1);
        if write_if_unchanged(store, OP, tenant, &next, expected).await? {
            return Ok(transitions);
        }
        existing = read(store, OP, tenant, id).await?;
    }
    Err(backend(
        OP,
        format!("result {id} kept changing under {CONFLICT_RETRIES} retries"),
    ))
}

pub(crate) async fn apply_results(
    store: &DynamoStore,
    tenant: &TenantId,
    scan_id: &str,
    at: OffsetDateTime,
    results: &[NewResult],
) -> Result<Vec<Transition>, StoreError> {
    const OP: &str = "apply_results";
    // Inputs grouped by result id, each group in input order.
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<(usize, &NewResult)>> = HashMap::new();
    for (index, new) in results.iter().enumerate() {
        let id = result_id(tenant, &new.check_id, &new.resource_arn);
        groups
            .entry(id.clone())
            .or_insert_with(|| {
                order.push(id);
                Vec::new()
            })
            .push((index, new));
    }
    let keys = order
        .iter()
        .map(|id| {
            Item::from([
                ("tenant_id".to_owned(), s(tenant.as_str())),
                ("result_id".to_owned(), s(id)),
            ])
        })
        .collect();
    let mut existing: HashMap<String, Stored> = HashMap::new();
    for item in get_all(
        &store.client,
        OP,
        &store.table(&RESULTS),
        keys,
        store.concurrency(),
    )
    .await?
    {
        let stored = stored_from(OP, &item)?;
        existing.insert(stored.record.result_id.clone(), stored);
    }
    let groups = &groups;
    let mut transitions: Vec<(usize, Transition)> = futures::stream::iter(order)
        .map(|id| {
            let current = existing.remove(&id);
            async move {
                let steps = groups.get(&id).map(Vec::as_slice).unwrap_or_default();
                apply_one(store, tenant, scan_id, at, &id, current, steps).await
            }
        })
        .buffer_unordered(store.concurrency())
        .try_concat()
        .await?;
    transitions.sort_by_key(|(index, _)| *index);
    Ok(transitions.into_iter().map(|(_, t)| t).collect())
}

/// Retires one stored result (if it is live and not written by a newer scan); on a lost race
/// re-reads it and decides again.
async fn retire_one(
    store: &DynamoStore,
    tenant: &TenantId,
    scan_id: &str,
    mut current: Option<Stored>,
) -> Result<Option<Transition>, StoreError> {
    const OP: &str = "retire_results";
    for _ in 0..=CONFLICT_RETRIES {
        let Some(stored) = current else {
            return Ok(None);
        };
        if stored.record.resource_removed || scan_id < stored.applied_scan_id.as_str() {
            return Ok(None);
        }
        let mut next = stored.clone();
        next.record.resource_removed = true;
        next.applied_scan_id = scan_id.to_owned();
        next.rev = stored.rev + 1;
        if write_if_unchanged(store, OP, tenant, &next, Some(stored.rev)).await? {
            return Ok(Some(Transition {
                previous: Some(stored.record.status),
                previous_muted: stored.record.muted,
                record: next.record,
            }));
        }
        current = read(store, OP, tenant, &stored.record.result_id).await?;
    }
    Err(backend(
        OP,
        format!("a result kept changing under {CONFLICT_RETRIES} retries"),
    ))
}

pub(crate) async fn retire_results(
    store: &DynamoStore,
    tenant: &TenantId,
    scan_id: &str,
    arns: &[String],
) -> Result<Vec<Transition>, StoreError> {
    const OP: &str = "retire_results";
    let per_arn: Vec<Vec<Transition>> = futures::stream::iter(arns.to_vec())
        .map(|arn| async move {
            let mut expr = Expr::default();
            let condition = format!(
                "{} AND begins_with({}, {})",
                expr.eq("tenant_id", s(tenant.as_str())),
                expr.name("resource_check"),
                expr.value(s(pair_key(&arn, "")))
            );
            let items = Query::new(store.table(&RESULTS), Some("by-resource"), expr, condition)
                .run(&store.client, OP, None)
                .await?;
            let mut retired = Vec::new();
            for item in &items {
                // The index may lag: the conditional write checks against the table itself.
                let stored = stored_from(OP, item)?;
                retired.extend(retire_one(store, tenant, scan_id, Some(stored)).await?);
            }
            Ok::<_, StoreError>(retired)
        })
        .buffered(store.concurrency())
        .try_collect()
        .await?;
    Ok(per_arn.into_iter().flatten().collect())
}

pub(crate) async fn get_result(
    store: &DynamoStore,
    tenant: &TenantId,
    id: &str,
) -> Result<ResultRecord, StoreError> {
    read(store, "get_result", tenant, id)
        .await?
        .map(|stored| stored.record)
        .ok_or_else(|| StoreError::NotFound {
            what: "result",
            id: id.to_owned(),
        })
}

pub(crate) async fn list_results(
    store: &DynamoStore,
    tenant: &TenantId,
    filter: &ResultFilter,
    page: &PageRequest,
) -> Result<Page<ResultRecord>, StoreError> {
    const OP: &str = "list_results";
    let listing = Listing::new("results", tenant.as_str());
    let after = match listing.after(page, 2)? {
        None => None,
        Some(key) => {
            let [check, arn]: [String; 2] = key.try_into().map_err(|_| StoreError::BadCursor)?;
            Some((check, arn))
        }
    };
    let mut expr = Expr::default();
    let mut filters = Vec::new();
    let tenant_is = expr.eq("tenant_id", s(tenant.as_str()));
    // One resource: its results, by check. Otherwise every result (or one check's), by check
    // then resource.
    let (index, sort_attr, condition) = match (&filter.resource_arn, &filter.check_id) {
        (Some(arn), check) => {
            if let Some(check) = check {
                filters.push(expr.eq("check_id", s(check)));
            }
            let prefix = expr.value(s(pair_key(arn, "")));
            let sort = expr.name("resource_check");
            (
                "by-resource",
                "resource_check",
                format!("{tenant_is} AND begins_with({sort}, {prefix})"),
            )
        }
        (None, Some(check)) => {
            let prefix = expr.value(s(pair_key(check, "")));
            let sort = expr.name("check_resource");
            (
                "by-check",
                "check_resource",
                format!("{tenant_is} AND begins_with({sort}, {prefix})"),
            )
        }
        (None, None) => ("by-check", "check_resource", tenant_is),
    };
    if let Some(status) = filter.status {
        filters.push(expr.eq("status", s(status.as_str())));
    }
    if let Some(severity) = filter.severity {
        filters.push(expr.eq("severity", s(severity.as_str())));
    }
    if let Some(muted) = filter.muted {
        filters.push(expr.eq("muted", boolean(muted)));
    }
    if let Some(scan) = &filter.scan_id {
        filters.push(expr.eq("last_scan_id", s(scan)));
    }
    let mut query = Query::new(store.table(&RESULTS), Some(index), expr, condition);
    query.filters = filters;
    if let Some((check, arn)) = after {
        let sort = if sort_attr == "resource_check" {
            pair_key(&arn, &check)
        } else {
            pair_key(&check, &arn)
        };
        query.start = Some(Item::from([
            ("tenant_id".to_owned(), s(tenant.as_str())),
            ("result_id".to_owned(), s(result_id(tenant, &check, &arn))),
            (sort_attr.to_owned(), s(sort)),
        ]));
    }
    let items = query
        .run(&store.client, OP, Some(fetch_count(page)))
        .await?;
    let records = items
        .iter()
        .map(|item| stored_from(OP, item).map(|stored| stored.record))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(listing.page(page, records, |r| {
        vec![r.check_id.clone(), r.resource_arn.clone()]
    }))
}
