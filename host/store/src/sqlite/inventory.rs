//! Inventory: a version per resource and scan, and the current inventory.

use super::codec::{Listing, Op, fetch_limit, to_json};
use crate::{InventoryFilter, Page, PageRequest, ResourceVersion, StoreError};
use lgp_events::TenantId;
use lgp_model::Resource;
use rusqlite::types::{Type, Value};
use rusqlite::{Connection, TransactionBehavior, params, params_from_iter};
use sha2::{Digest, Sha256};

fn resource_at(row: &rusqlite::Row<'_>, column: usize) -> rusqlite::Result<Resource> {
    let text: String = row.get(column)?;
    serde_json::from_str(&text)
        .map_err(|err| rusqlite::Error::FromSqlConversionFailure(column, Type::Text, Box::new(err)))
}

pub(crate) fn put_resources(
    conn: &mut Connection,
    tenant: &TenantId,
    scan_id: &str,
    resources: &[Resource],
) -> Result<(), StoreError> {
    const OP: &str = "put_resources";
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .op(OP)?;
    {
        let mut version = tx
            .prepare_cached(
                "INSERT INTO resource_versions (tenant_id, scan_id, arn, content_hash, resource)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (tenant_id, scan_id, arn) DO UPDATE SET
                     content_hash = excluded.content_hash, resource = excluded.resource
                 WHERE content_hash != excluded.content_hash",
            )
            .op(OP)?;
        // A late redelivery from an older scan must not roll the current inventory back, nor
        // bring back a resource removed after the scan that last saw it.
        let mut current = tx
            .prepare_cached(
                "INSERT INTO inventory (tenant_id, arn, kind, region, account, tags, resource,
                     content_hash, last_scan_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (tenant_id, arn) DO UPDATE SET
                     kind = excluded.kind, region = excluded.region, account = excluded.account,
                     tags = excluded.tags, resource = excluded.resource,
                     content_hash = excluded.content_hash, last_scan_id = excluded.last_scan_id,
                     removed = 0
                 WHERE excluded.last_scan_id > inventory.last_scan_id
                     OR (excluded.last_scan_id = inventory.last_scan_id AND inventory.removed = 0)",
            )
            .op(OP)?;
        for resource in resources {
            if resource.arn.is_empty() {
                return Err(StoreError::Invalid {
                    field: "resources",
                    reason: "a resource has an empty arn".to_owned(),
                });
            }
            // Hashing these very bytes gives `resource_hash` without serializing twice.
            let json = to_json(OP, resource)?;
            let hash = hex::encode(Sha256::digest(json.as_bytes()));
            version
                .execute(params![tenant.as_str(), scan_id, resource.arn, hash, json])
                .op(OP)?;
            current
                .execute(params![
                    tenant.as_str(),
                    resource.arn,
                    resource.kind,
                    resource.region,
                    resource.account,
                    to_json(OP, &resource.tags)?,
                    json,
                    hash,
                    scan_id
                ])
                .op(OP)?;
        }
    }
    tx.commit().op(OP)
}

pub(crate) fn scan_inventory(
    conn: &Connection,
    tenant: &TenantId,
    scan_id: &str,
) -> Result<Vec<ResourceVersion>, StoreError> {
    const OP: &str = "scan_inventory";
    conn.prepare_cached(
        "SELECT resource, content_hash FROM resource_versions
         WHERE tenant_id = ?1 AND scan_id = ?2 ORDER BY arn",
    )
    .op(OP)?
    .query_map(params![tenant.as_str(), scan_id], |row| {
        Ok(ResourceVersion {
            resource: resource_at(row, 0)?,
            content_hash: row.get(1)?,
        })
    })
    .op(OP)?
    .collect::<rusqlite::Result<Vec<_>>>()
    .op(OP)
}

pub(crate) fn remove_resources(
    conn: &mut Connection,
    tenant: &TenantId,
    arns: &[String],
) -> Result<(), StoreError> {
    const OP: &str = "remove_resources";
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .op(OP)?;
    {
        let mut stmt = tx
            .prepare_cached("UPDATE inventory SET removed = 1 WHERE tenant_id = ?1 AND arn = ?2")
            .op(OP)?;
        for arn in arns {
            stmt.execute(params![tenant.as_str(), arn]).op(OP)?;
        }
    }
    tx.commit().op(OP)
}

pub(crate) fn list_inventory(
    conn: &Connection,
    tenant: &TenantId,
    filter: &InventoryFilter,
    page: &PageRequest,
) -> Result<Page<Resource>, StoreError> {
    const OP: &str = "list_inventory";
    let listing = Listing::new("inventory", tenant.as_str());
    let mut sql =
        String::from("SELECT resource FROM inventory WHERE tenant_id = ? AND removed = 0");
    let mut args = vec![Value::Text(tenant.to_string())];
    if let Some(kind) = &filter.kind {
        sql.push_str(" AND kind = ?");
        args.push(Value::Text(kind.clone()));
    }
    if let Some(region) = &filter.region {
        sql.push_str(" AND region = ?");
        args.push(Value::Text(region.clone()));
    }
    if let Some((key, value)) = &filter.tag {
        sql.push_str(" AND EXISTS (SELECT 1 FROM json_each(inventory.tags) t WHERE t.key = ?");
        args.push(Value::Text(key.clone()));
        if let Some(value) = value {
            sql.push_str(" AND t.value = ?");
            args.push(Value::Text(value.clone()));
        }
        sql.push(')');
    }
    if let Some(mut key) = listing.after(page, 1)? {
        sql.push_str(" AND arn > ?");
        args.push(Value::Text(key.remove(0)));
    }
    sql.push_str(" ORDER BY arn LIMIT ?");
    args.push(Value::Integer(fetch_limit(page)));
    let rows = conn
        .prepare_cached(&sql)
        .op(OP)?
        .query_map(params_from_iter(args), |row| resource_at(row, 0))
        .op(OP)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .op(OP)?;
    Ok(listing.page(page, rows, |r| vec![r.arn.clone()]))
}
