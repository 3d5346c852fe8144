//! Tenants and their accounts.

use super::codec::{Listing, Op, fetch_limit, nanos, time_at};
use crate::{Account, Page, PageRequest, StoreError, Tenant};
use lgp_events::TenantId;
use rusqlite::{Connection, OptionalExtension, params};

pub(crate) fn put_tenant(conn: &Connection, tenant: &Tenant) -> Result<(), StoreError> {
    const OP: &str = "put_tenant";
    conn.prepare_cached(
        "INSERT INTO tenants (tenant_id, name, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (tenant_id) DO UPDATE SET name = excluded.name, created_at = excluded.created_at",
    )
    .op(OP)?
    .execute(params![
        tenant.id.as_str(),
        tenant.name,
        nanos("created_at", tenant.created_at)?
    ])
    .op(OP)?;
    Ok(())
}

fn tenant_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Tenant, String>> {
    let id: String = row.get(0)?;
    let name = row.get(1)?;
    let created_at = time_at(row, 2)?;
    Ok(TenantId::new(id)
        .map(|id| Tenant {
            id,
            name,
            created_at,
        })
        .map_err(|e| e.to_string()))
}

fn decode_tenant(
    operation: &'static str,
    row: Result<Tenant, String>,
) -> Result<Tenant, StoreError> {
    row.map_err(|message| StoreError::Backend { operation, message })
}

pub(crate) fn get_tenant(conn: &Connection, tenant: &TenantId) -> Result<Tenant, StoreError> {
    const OP: &str = "get_tenant";
    let row = conn
        .prepare_cached("SELECT tenant_id, name, created_at FROM tenants WHERE tenant_id = ?1")
        .op(OP)?
        .query_row([tenant.as_str()], tenant_row)
        .optional()
        .op(OP)?
        .ok_or_else(|| StoreError::NotFound {
            what: "tenant",
            id: tenant.to_string(),
        })?;
    decode_tenant(OP, row)
}

pub(crate) fn list_tenants(
    conn: &Connection,
    page: &PageRequest,
) -> Result<Page<Tenant>, StoreError> {
    const OP: &str = "list_tenants";
    let listing = Listing::new("tenants", "");
    let after = listing.after(page, 1)?.map(|mut k| k.remove(0));
    let rows = conn
        .prepare_cached(
            "SELECT tenant_id, name, created_at FROM tenants
             WHERE ?1 IS NULL OR tenant_id > ?1 ORDER BY tenant_id LIMIT ?2",
        )
        .op(OP)?
        .query_map(params![after, fetch_limit(page)], tenant_row)
        .op(OP)?
        .map(|row| decode_tenant(OP, row.op(OP)?))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(listing.page(page, rows, |t| vec![t.id.to_string()]))
}

pub(crate) fn put_account(
    conn: &Connection,
    tenant: &TenantId,
    account: &Account,
) -> Result<(), StoreError> {
    const OP: &str = "put_account";
    conn.prepare_cached(
        "INSERT INTO accounts (tenant_id, account_id, name, role_arn, external_id)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (tenant_id, account_id) DO UPDATE SET
             name = excluded.name, role_arn = excluded.role_arn, external_id = excluded.external_id",
    )
    .op(OP)?
    .execute(params![
        tenant.as_str(),
        account.account_id,
        account.name,
        account.role_arn,
        account.external_id
    ])
    .op(OP)?;
    Ok(())
}

pub(crate) fn list_accounts(
    conn: &Connection,
    tenant: &TenantId,
) -> Result<Vec<Account>, StoreError> {
    const OP: &str = "list_accounts";
    conn.prepare_cached(
        "SELECT account_id, name, role_arn, external_id FROM accounts
         WHERE tenant_id = ?1 ORDER BY account_id",
    )
    .op(OP)?
    .query_map([tenant.as_str()], |row| {
        Ok(Account {
            account_id: row.get(0)?,
            name: row.get(1)?,
            role_arn: row.get(2)?,
            external_id: row.get(3)?,
        })
    })
    .op(OP)?
    .collect::<rusqlite::Result<Vec<_>>>()
    .op(OP)
}
