//! Alerts.

use super::codec::{Listing, Op, fetch_limit, json_at, nanos, severity_at, time_at, to_json};
use crate::{AlertRecord, Page, PageRequest, StoreError};
use lgp_events::TenantId;
use rusqlite::{Connection, OptionalExtension, params};

const COLUMNS: &str = "alert_id, check_id, resource_arn, state, severity, opened_at, updated_at,
    acknowledged_by, details";

fn alert_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<AlertRecord> {
    Ok(AlertRecord {
        alert_id: row.get(0)?,
        check_id: row.get(1)?,
        resource_arn: row.get(2)?,
        state: row.get(3)?,
        severity: severity_at(row, 4)?,
        opened_at: time_at(row, 5)?,
        updated_at: time_at(row, 6)?,
        acknowledged_by: row.get(7)?,
        details: json_at(row, 8)?,
    })
}

pub(crate) fn put_alert(
    conn: &Connection,
    tenant: &TenantId,
    alert: &AlertRecord,
) -> Result<(), StoreError> {
    const OP: &str = "put_alert";
    conn.prepare_cached(
        "INSERT OR REPLACE INTO alerts (tenant_id, alert_id, check_id, resource_arn, state,
             severity, opened_at, updated_at, acknowledged_by, details)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )
    .op(OP)?
    .execute(params![
        tenant.as_str(),
        alert.alert_id,
        alert.check_id,
        alert.resource_arn,
        alert.state,
        alert.severity.as_str(),
        nanos("opened_at", alert.opened_at)?,
        nanos("updated_at", alert.updated_at)?,
        alert.acknowledged_by,
        to_json(OP, &alert.details)?
    ])
    .op(OP)?;
    Ok(())
}

pub(crate) fn get_alert(
    conn: &Connection,
    tenant: &TenantId,
    alert_id: &str,
) -> Result<AlertRecord, StoreError> {
    const OP: &str = "get_alert";
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM alerts WHERE tenant_id = ?1 AND alert_id = ?2"
    ))
    .op(OP)?
    .query_row(params![tenant.as_str(), alert_id], alert_row)
    .optional()
    .op(OP)?
    .ok_or_else(|| StoreError::NotFound {
        what: "alert",
        id: alert_id.to_owned(),
    })
}

pub(crate) fn list_alerts(
    conn: &Connection,
    tenant: &TenantId,
    state: Option<&str>,
    page: &PageRequest,
) -> Result<Page<AlertRecord>, StoreError> {
    const OP: &str = "list_alerts";
    let listing = Listing::new("alerts", tenant.as_str());
    let (updated, id) = match listing.after(page, 2)? {
        None => (None, None),
        Some(key) => {
            let [updated, id]: [String; 2] = key.try_into().map_err(|_| StoreError::BadCursor)?;
            let updated: i64 = updated.parse().map_err(|_| StoreError::BadCursor)?;
            (Some(updated), Some(id))
        }
    };
    // Two statements rather than `?2 IS NULL OR state = ?2`, so each uses its index.
    let sql = if state.is_some() {
        format!(
            "SELECT {COLUMNS} FROM alerts
             WHERE tenant_id = ?1 AND state = ?2
                 AND (?3 IS NULL OR (updated_at, alert_id) < (?3, ?4))
             ORDER BY updated_at DESC, alert_id DESC LIMIT ?5"
        )
    } else {
        format!(
            "SELECT {COLUMNS} FROM alerts
             WHERE tenant_id = ?1 AND ?2 IS NULL
                 AND (?3 IS NULL OR (updated_at, alert_id) < (?3, ?4))
             ORDER BY updated_at DESC, alert_id DESC LIMIT ?5"
        )
    };
    let rows = conn
        .prepare_cached(&sql)
        .op(OP)?
        .query_map(
            params![tenant.as_str(), state, updated, id, fetch_limit(page)],
            alert_row,
        )
        .op(OP)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .op(OP)?;
    Ok(listing.page(page, rows, |a| {
        let updated = i64::try_from(a.updated_at.unix_timestamp_nanos()).unwrap_or(i64::MAX);
        vec![updated.to_string(), a.alert_id.clone()]
    }))
}
