//! Check results with their status history, and the transitions storing them causes.

use super::codec::{
    Listing, Op, fetch_limit, json_at, nanos, severity_at, status_at, time_at, to_json,
};
use crate::{
    NewResult, Page, PageRequest, ResultFilter, ResultRecord, StoreError, Transition, result_id,
};
use lgp_events::TenantId;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params, params_from_iter};
use time::OffsetDateTime;

/// The columns [`record_row`] reads.
const COLUMNS: &str = "result_id, check_id, service, resource_arn, account_id, region, status,
    severity, message, evidence, first_seen, last_seen, last_scan_id, muted, resource_removed,
    history";

fn record_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ResultRecord> {
    Ok(ResultRecord {
        result_id: row.get(0)?,
        check_id: row.get(1)?,
        service: row.get(2)?,
        resource_arn: row.get(3)?,
        account_id: row.get(4)?,
        region: row.get(5)?,
        status: status_at(row, 6)?,
        severity: severity_at(row, 7)?,
        message: row.get(8)?,
        evidence: json_at(row, 9)?,
        first_seen: time_at(row, 10)?,
        last_seen: time_at(row, 11)?,
        last_scan_id: row.get(12)?,
        muted: row.get(13)?,
        resource_removed: row.get(14)?,
        history: json_at(row, 15)?,
    })
}

pub(crate) fn apply_results(
    conn: &mut Connection,
    tenant: &TenantId,
    scan_id: &str,
    at: OffsetDateTime,
    results: &[NewResult],
) -> Result<Vec<Transition>, StoreError> {
    const OP: &str = "apply_results";
    let at_nanos = nanos("at", at)?;
    let mut transitions = Vec::new();
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .op(OP)?;
    {
        // Most results of a scan keep their status (or are new): a cheap probe of four columns
        // decides, and only a status or mute change reads and parses the whole row (for its
        // history).
        let mut probe = tx
            .prepare_cached(
                "SELECT status, resource_removed, applied_scan_id, muted FROM results
                 WHERE tenant_id = ?1 AND result_id = ?2",
            )
            .op(OP)?;
        let mut full = tx
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM results WHERE tenant_id = ?1 AND result_id = ?2"
            ))
            .op(OP)?;
        let mut insert = tx
            .prepare_cached(
                "INSERT INTO results (tenant_id, result_id, check_id, service, resource_arn,
                     account_id, region, status, severity, message, evidence, first_seen,
                     last_seen, last_scan_id, applied_scan_id, history, muted)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13, ?13, ?14,
                     ?15)",
            )
            .op(OP)?;
        let mut change = tx
            .prepare_cached(
                "UPDATE results SET service = ?3, account_id = ?4, region = ?5, status = ?6,
                     severity = ?7, message = ?8, evidence = ?9, last_seen = ?10,
                     last_scan_id = ?11, applied_scan_id = ?11, resource_removed = 0,
                     history = ?12, muted = ?13
                 WHERE tenant_id = ?1 AND result_id = ?2",
            )
            .op(OP)?;
        let mut touch = tx
            .prepare_cached(
                "UPDATE results SET severity = ?3, message = ?4, evidence = ?5, last_seen = ?6,
                     last_scan_id = ?7, applied_scan_id = ?7
                 WHERE tenant_id = ?1 AND result_id = ?2",
            )
            .op(OP)?;
        for new in results {
            let id = result_id(tenant, &new.check_id, &new.resource_arn);
            let evidence = to_json(OP, &new.evidence)?;
            let existing = probe
                .query_row(params![tenant.as_str(), id], |row| {
                    Ok((
                        status_at(row, 0)?,
                        row.get::<_, bool>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, bool>(3)?,
                    ))
                })
                .optional()
                .op(OP)?;
            match existing {
                None => {
                    let record = ResultRecord::first(&id, scan_id, at, new);
                    insert
                        .execute(params![
                            tenant.as_str(),
                            id,
                            new.check_id,
                            new.service,
                            new.resource_arn,
                            new.account_id,
                            new.region,
                            new.status.as_str(),
                            new.severity.as_str(),
                            new.message,
                            evidence,
                            at_nanos,
                            scan_id,
                            to_json(OP, &record.history)?,
                            new.muted
                        ])
                        .op(OP)?;
                    transitions.push(Transition {
                        record,
                        previous: None,
                        previous_muted: false,
                    });
                }
                // A late redelivery from an older scan: what it says is already superseded.
                Some((_, _, applied_scan_id, _)) if scan_id < applied_scan_id.as_str() => {}
                Some((status, removed, _, muted))
                    if status != new.status || removed || muted != new.muted =>
                {
                    let mut record = full
                        .query_row(params![tenant.as_str(), id], record_row)
                        .op(OP)?;
                    if let Some(transition) = record.apply(scan_id, at, new) {
                        change
                            .execute(params![
                                tenant.as_str(),
                                id,
                                new.service,
                                new.account_id,
                                new.region,
                                new.status.as_str(),
                                new.severity.as_str(),
                                new.message,
                                evidence,
                                at_nanos,
                                scan_id,
                                to_json(OP, &record.history)?,
                                new.muted
                            ])
                            .op(OP)?;
                        transitions.push(transition);
                    }
                }
                Some(_) => {
                    touch
                        .execute(params![
                            tenant.as_str(),
                            id,
                            new.severity.as_str(),
                            new.message,
                            evidence,
                            at_nanos,
                            scan_id
                        ])
                        .op(OP)?;
                }
            }
        }
    }
    tx.commit().op(OP)?;
    Ok(transitions)
}

pub(crate) fn retire_results(
    conn: &mut Connection,
    tenant: &TenantId,
    scan_id: &str,
    arns: &[String],
) -> Result<Vec<Transition>, StoreError> {
    const OP: &str = "retire_results";
    let mut transitions = Vec::new();
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .op(OP)?;
    {
        let mut retire = tx
            .prepare_cached(&format!(
                "UPDATE results SET resource_removed = 1, applied_scan_id = ?3
                 WHERE tenant_id = ?1 AND resource_arn = ?2 AND resource_removed = 0
                     AND applied_scan_id <= ?3
                 RETURNING {COLUMNS}"
            ))
            .op(OP)?;
        for arn in arns {
            let records = retire
                .query_map(params![tenant.as_str(), arn, scan_id], record_row)
                .op(OP)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .op(OP)?;
            transitions.extend(records.into_iter().map(|record| Transition {
                previous: Some(record.status),
                previous_muted: record.muted,
                record,
            }));
        }
    }
    tx.commit().op(OP)?;
    Ok(transitions)
}

pub(crate) fn get_result(
    conn: &Connection,
    tenant: &TenantId,
    id: &str,
) -> Result<ResultRecord, StoreError> {
    const OP: &str = "get_result";
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM results WHERE tenant_id = ?1 AND result_id = ?2"
    ))
    .op(OP)?
    .query_row(params![tenant.as_str(), id], record_row)
    .optional()
    .op(OP)?
    .ok_or_else(|| StoreError::NotFound {
        what: "result",
        id: id.to_owned(),
    })
}

pub(crate) fn list_results(
    conn: &Connection,
    tenant: &TenantId,
    filter: &ResultFilter,
    page: &PageRequest,
) -> Result<Page<ResultRecord>, StoreError> {
    const OP: &str = "list_results";
    let listing = Listing::new("results", tenant.as_str());
    let mut sql = format!("SELECT {COLUMNS} FROM results WHERE tenant_id = ?");
    let mut args = vec![Value::Text(tenant.to_string())];
    let mut and = |clause: &str, value: Value| {
        sql.push_str(" AND ");
        sql.push_str(clause);
        args.push(value);
    };
    if let Some(status) = filter.status {
        and("status = ?", Value::Text(status.as_str().to_owned()));
    }
    if let Some(severity) = filter.severity {
        and("severity = ?", Value::Text(severity.as_str().to_owned()));
    }
    if let Some(check) = &filter.check_id {
        and("check_id = ?", Value::Text(check.clone()));
    }
    if let Some(arn) = &filter.resource_arn {
        and("resource_arn = ?", Value::Text(arn.clone()));
    }
    if let Some(muted) = filter.muted {
        and("muted = ?", Value::Integer(i64::from(muted)));
    }
    if let Some(scan) = &filter.scan_id {
        and("last_scan_id = ?", Value::Text(scan.clone()));
    }
    if let Some(key) = listing.after(page, 2)? {
        let [check, arn]: [String; 2] = key.try_into().map_err(|_| StoreError::BadCursor)?;
        and("(check_id, resource_arn) > (?", Value::Text(check));
        sql.push_str(", ?)");
        args.push(Value::Text(arn));
    }
    sql.push_str(" ORDER BY check_id, resource_arn LIMIT ?");
    args.push(Value::Integer(fetch_limit(page)));
    let rows = conn
        .prepare_cached(&sql)
        .op(OP)?
        .query_map(params_from_iter(args), record_row)
        .op(OP)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .op(OP)?;
    Ok(listing.page(page, rows, |r| {
        vec![r.check_id.clone(), r.resource_arn.clone()]
    }))
}
