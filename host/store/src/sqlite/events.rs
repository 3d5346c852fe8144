//! The audit trail.

use super::codec::{Listing, Op, fetch_limit, nanos, time_at};
use crate::{EventFilter, Page, PageRequest, StoreError, StoredEvent};
use lgp_events::TenantId;
use rusqlite::types::{Type, Value};
use rusqlite::{Connection, TransactionBehavior, params, params_from_iter};
use time::OffsetDateTime;

fn parsed<T, E: std::fmt::Display>(
    row: &rusqlite::Row<'_>,
    column: usize,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> rusqlite::Result<T> {
    let text: String = row.get(column)?;
    parse(&text).map_err(|err| {
        rusqlite::Error::FromSqlConversionFailure(column, Type::Text, err.to_string().into())
    })
}

fn event_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredEvent> {
    Ok(StoredEvent {
        event_id: parsed(row, 0, str::parse)?,
        event_type: parsed(row, 1, str::parse)?,
        correlation_id: row.get(2)?,
        at: time_at(row, 3)?,
        sealed: row.get(4)?,
    })
}

pub(crate) fn append_events(
    conn: &mut Connection,
    tenant: &TenantId,
    events: &[StoredEvent],
) -> Result<(), StoreError> {
    const OP: &str = "append_events";
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .op(OP)?;
    {
        let mut stmt = tx
            .prepare_cached(
                "INSERT INTO events (tenant_id, event_id, event_type, correlation_id, at, sealed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (tenant_id, event_id) DO NOTHING",
            )
            .op(OP)?;
        for event in events {
            stmt.execute(params![
                tenant.as_str(),
                event.event_id.to_string(),
                event.event_type.as_str(),
                event.correlation_id,
                nanos("at", event.at)?,
                event.sealed
            ])
            .op(OP)?;
        }
    }
    tx.commit().op(OP)
}

pub(crate) fn list_events(
    conn: &Connection,
    tenant: &TenantId,
    filter: &EventFilter,
    page: &PageRequest,
) -> Result<Page<StoredEvent>, StoreError> {
    const OP: &str = "list_events";
    let listing = Listing::new("events", tenant.as_str());
    let mut sql = String::from(
        "SELECT event_id, event_type, correlation_id, at, sealed FROM events WHERE tenant_id = ?",
    );
    let mut args = vec![Value::Text(tenant.to_string())];
    if let Some(event_type) = filter.event_type {
        sql.push_str(" AND event_type = ?");
        args.push(Value::Text(event_type.as_str().to_owned()));
    }
    if let Some(correlation) = &filter.correlation_id {
        sql.push_str(" AND correlation_id = ?");
        args.push(Value::Text(correlation.clone()));
    }
    if let Some(since) = filter.since {
        sql.push_str(" AND at >= ?");
        args.push(Value::Integer(nanos("since", since)?));
    }
    if let Some(mut key) = listing.after(page, 1)? {
        sql.push_str(" AND event_id > ?");
        args.push(Value::Text(key.remove(0)));
    }
    sql.push_str(" ORDER BY event_id LIMIT ?");
    args.push(Value::Integer(fetch_limit(page)));
    let rows = conn
        .prepare_cached(&sql)
        .op(OP)?
        .query_map(params_from_iter(args), event_row)
        .op(OP)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .op(OP)?;
    Ok(listing.page(page, rows, |e| vec![e.event_id.to_string()]))
}

pub(crate) fn purge_events(conn: &Connection, before: OffsetDateTime) -> Result<u64, StoreError> {
    const OP: &str = "purge_events";
    let deleted = conn
        .prepare_cached("DELETE FROM events WHERE at < ?1")
        .op(OP)?
        .execute([nanos("before", before)?])
        .op(OP)?;
    Ok(deleted as u64)
}
