//! Scans and their progress.

use super::codec::{
    Listing, Op, fetch_limit, json_at, nanos, opt_time_at, scan_status_at, scan_status_str,
    time_at, to_i64, u64_at,
};
use crate::{Page, PageRequest, Scan, ScanCounters, ScanStatus, ScanUpdate, StoreError};
use lgp_events::TenantId;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

/// The columns [`scan_row`] reads, the error counts folded into one JSON object.
const COLUMNS: &str = "scan_id, account_id, source, status, started_at, finished_at, collected,
    resources, batches_published, batches_evaluated, results, passed, failed, errored, manual,
    evaluations_expected, evaluations_done,
    (SELECT json_group_object(category, count) FROM scan_errors e
     WHERE e.tenant_id = s.tenant_id AND e.scan_id = s.scan_id),
    muted";

fn scan_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Scan> {
    Ok(Scan {
        scan_id: row.get(0)?,
        account_id: row.get(1)?,
        source: row.get(2)?,
        status: scan_status_at(row, 3)?,
        started_at: time_at(row, 4)?,
        finished_at: opt_time_at(row, 5)?,
        collected: row.get(6)?,
        counters: ScanCounters {
            resources: u64_at(row, 7)?,
            batches_published: u64_at(row, 8)?,
            batches_evaluated: u64_at(row, 9)?,
            results: u64_at(row, 10)?,
            passed: u64_at(row, 11)?,
            failed: u64_at(row, 12)?,
            errored: u64_at(row, 13)?,
            manual: u64_at(row, 14)?,
            evaluations_expected: u64_at(row, 15)?,
            evaluations_done: u64_at(row, 16)?,
            muted: u64_at(row, 18)?,
        },
        errors: json_at(row, 17)?,
    })
}

/// The counters as bound parameters, in [`COLUMNS`] order.
fn counters(c: &ScanCounters) -> Result<[i64; 11], StoreError> {
    Ok([
        to_i64("resources", c.resources)?,
        to_i64("batches_published", c.batches_published)?,
        to_i64("batches_evaluated", c.batches_evaluated)?,
        to_i64("results", c.results)?,
        to_i64("passed", c.passed)?,
        to_i64("failed", c.failed)?,
        to_i64("errored", c.errored)?,
        to_i64("manual", c.manual)?,
        to_i64("evaluations_expected", c.evaluations_expected)?,
        to_i64("evaluations_done", c.evaluations_done)?,
        to_i64("muted", c.muted)?,
    ])
}

fn add_errors(
    tx: &rusqlite::Transaction<'_>,
    operation: &'static str,
    tenant: &TenantId,
    scan_id: &str,
    errors: &std::collections::BTreeMap<String, u64>,
) -> Result<(), StoreError> {
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO scan_errors (tenant_id, scan_id, category, count) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (tenant_id, scan_id, category) DO UPDATE SET count = count + excluded.count",
        )
        .op(operation)?;
    for (category, n) in errors {
        stmt.execute(params![
            tenant.as_str(),
            scan_id,
            category,
            to_i64("errors", *n)?
        ])
        .op(operation)?;
    }
    Ok(())
}

pub(crate) fn create_scan(
    conn: &mut Connection,
    tenant: &TenantId,
    scan: &Scan,
) -> Result<(), StoreError> {
    const OP: &str = "create_scan";
    let c = counters(&scan.counters)?;
    let finished = scan
        .finished_at
        .map(|t| nanos("finished_at", t))
        .transpose()?;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .op(OP)?;
    let inserted = tx
        .prepare_cached(
            "INSERT INTO scans (tenant_id, scan_id, account_id, source, status, started_at,
                 finished_at, collected, resources, batches_published, batches_evaluated,
                 results, passed, failed, errored, manual, evaluations_expected,
                 evaluations_done, muted)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19)
             ON CONFLICT (tenant_id, scan_id) DO NOTHING",
        )
        .op(OP)?
        .execute(params![
            tenant.as_str(),
            scan.scan_id,
            scan.account_id,
            scan.source,
            scan_status_str(scan.status),
            nanos("started_at", scan.started_at)?,
            finished,
            scan.collected,
            c[0],
            c[1],
            c[2],
            c[3],
            c[4],
            c[5],
            c[6],
            c[7],
            c[8],
            c[9],
            c[10]
        ])
        .op(OP)?;
    // Only a new scan takes the given error counts: a redelivered create must not add them twice.
    if inserted == 1 {
        add_errors(&tx, OP, tenant, &scan.scan_id, &scan.errors)?;
    }
    tx.commit().op(OP)
}

pub(crate) fn update_scan(
    conn: &mut Connection,
    tenant: &TenantId,
    scan_id: &str,
    update: &ScanUpdate,
) -> Result<Scan, StoreError> {
    const OP: &str = "update_scan";
    let c = counters(&update.add)?;
    let finished = update
        .finished_at
        .map(|t| nanos("finished_at", t))
        .transpose()?;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .op(OP)?;
    let changed = tx
        .prepare_cached(
            "UPDATE scans SET
                 status = coalesce(?3, status),
                 finished_at = coalesce(?4, finished_at),
                 collected = coalesce(?5, collected),
                 resources = resources + ?6,
                 batches_published = batches_published + ?7,
                 batches_evaluated = batches_evaluated + ?8,
                 results = results + ?9,
                 passed = passed + ?10,
                 failed = failed + ?11,
                 errored = errored + ?12,
                 manual = manual + ?13,
                 evaluations_expected = evaluations_expected + ?14,
                 evaluations_done = evaluations_done + ?15,
                 muted = muted + ?16
             WHERE tenant_id = ?1 AND scan_id = ?2",
        )
        .op(OP)?
        .execute(params![
            tenant.as_str(),
            scan_id,
            update.status.map(scan_status_str),
            finished,
            update.collected,
            c[0],
            c[1],
            c[2],
            c[3],
            c[4],
            c[5],
            c[6],
            c[7],
            c[8],
            c[9],
            c[10]
        ])
        .op(OP)?;
    if changed == 0 {
        return Err(StoreError::NotFound {
            what: "scan",
            id: scan_id.to_owned(),
        });
    }
    add_errors(&tx, OP, tenant, scan_id, &update.add_errors)?;
    let scan = read_scan(&tx, OP, tenant, scan_id)?;
    tx.commit().op(OP)?;
    Ok(scan)
}

fn read_scan(
    conn: &Connection,
    operation: &'static str,
    tenant: &TenantId,
    scan_id: &str,
) -> Result<Scan, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM scans s WHERE tenant_id = ?1 AND scan_id = ?2"
    ))
    .op(operation)?
    .query_row(params![tenant.as_str(), scan_id], scan_row)
    .optional()
    .op(operation)?
    .ok_or_else(|| StoreError::NotFound {
        what: "scan",
        id: scan_id.to_owned(),
    })
}

pub(crate) fn get_scan(
    conn: &Connection,
    tenant: &TenantId,
    scan_id: &str,
) -> Result<Scan, StoreError> {
    read_scan(conn, "get_scan", tenant, scan_id)
}

pub(crate) fn list_scans(
    conn: &Connection,
    tenant: &TenantId,
    page: &PageRequest,
) -> Result<Page<Scan>, StoreError> {
    const OP: &str = "list_scans";
    let listing = Listing::new("scans", tenant.as_str());
    let before = listing.after(page, 1)?.map(|mut k| k.remove(0));
    let rows = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM scans s
             WHERE tenant_id = ?1 AND (?2 IS NULL OR scan_id < ?2)
             ORDER BY scan_id DESC LIMIT ?3"
        ))
        .op(OP)?
        .query_map(
            params![tenant.as_str(), before, fetch_limit(page)],
            scan_row,
        )
        .op(OP)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .op(OP)?;
    Ok(listing.page(page, rows, |s| vec![s.scan_id.clone()]))
}

pub(crate) fn previous_completed_scan(
    conn: &Connection,
    tenant: &TenantId,
    account_id: &str,
    scan_id: &str,
) -> Result<Option<Scan>, StoreError> {
    const OP: &str = "previous_completed_scan";
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM scans s
         WHERE tenant_id = ?1 AND account_id = ?2 AND status = ?3 AND scan_id < ?4
         ORDER BY scan_id DESC LIMIT 1"
    ))
    .op(OP)?
    .query_row(
        params![
            tenant.as_str(),
            account_id,
            scan_status_str(ScanStatus::Completed),
            scan_id
        ],
        scan_row,
    )
    .optional()
    .op(OP)
}
