//! Plugins with their components, rendered reports, and plugins' key/value state.

use super::codec::{Listing, Op, fetch_limit, nanos, time_at, u64_at};
use crate::{Page, PageRequest, PluginRecord, StoreError};
use lgp_events::TenantId;
use rusqlite::{Connection, OptionalExtension, params};

fn plugin_missing(name: &str, version: &str) -> StoreError {
    StoreError::NotFound {
        what: "plugin",
        id: format!("{name}@{version}"),
    }
}

pub(crate) fn put_plugin(
    conn: &Connection,
    tenant: &TenantId,
    plugin: &PluginRecord,
    component: &[u8],
) -> Result<(), StoreError> {
    const OP: &str = "put_plugin";
    if plugin.size != component.len() as u64 {
        return Err(StoreError::Invalid {
            field: "plugin.size",
            reason: format!(
                "record says {} bytes, the component has {}",
                plugin.size,
                component.len()
            ),
        });
    }
    conn.prepare_cached(
        "INSERT OR REPLACE INTO plugins (tenant_id, name, version, kind, content_hash, size,
             enabled, uploaded_at, component)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )
    .op(OP)?
    .execute(params![
        tenant.as_str(),
        plugin.name,
        plugin.version,
        plugin.kind,
        plugin.content_hash,
        component.len() as i64,
        plugin.enabled,
        nanos("uploaded_at", plugin.uploaded_at)?,
        component
    ])
    .op(OP)?;
    Ok(())
}

pub(crate) fn list_plugins(
    conn: &Connection,
    tenant: &TenantId,
) -> Result<Vec<PluginRecord>, StoreError> {
    const OP: &str = "list_plugins";
    conn.prepare_cached(
        "SELECT name, version, kind, content_hash, size, enabled, uploaded_at FROM plugins
         WHERE tenant_id = ?1 ORDER BY name, version",
    )
    .op(OP)?
    .query_map([tenant.as_str()], |row| {
        Ok(PluginRecord {
            name: row.get(0)?,
            version: row.get(1)?,
            kind: row.get(2)?,
            content_hash: row.get(3)?,
            size: u64_at(row, 4)?,
            enabled: row.get(5)?,
            uploaded_at: time_at(row, 6)?,
        })
    })
    .op(OP)?
    .collect::<rusqlite::Result<Vec<_>>>()
    .op(OP)
}

pub(crate) fn get_plugin_component(
    conn: &Connection,
    tenant: &TenantId,
    name: &str,
    version: &str,
) -> Result<Vec<u8>, StoreError> {
    const OP: &str = "get_plugin_component";
    conn.prepare_cached(
        "SELECT component FROM plugins WHERE tenant_id = ?1 AND name = ?2 AND version = ?3",
    )
    .op(OP)?
    .query_row(params![tenant.as_str(), name, version], |row| row.get(0))
    .optional()
    .op(OP)?
    .ok_or_else(|| plugin_missing(name, version))
}

pub(crate) fn set_plugin_enabled(
    conn: &Connection,
    tenant: &TenantId,
    name: &str,
    version: &str,
    enabled: bool,
) -> Result<(), StoreError> {
    const OP: &str = "set_plugin_enabled";
    let changed = conn
        .prepare_cached(
            "UPDATE plugins SET enabled = ?4 WHERE tenant_id = ?1 AND name = ?2 AND version = ?3",
        )
        .op(OP)?
        .execute(params![tenant.as_str(), name, version, enabled])
        .op(OP)?;
    if changed == 0 {
        return Err(plugin_missing(name, version));
    }
    Ok(())
}

pub(crate) fn delete_plugin(
    conn: &Connection,
    tenant: &TenantId,
    name: &str,
    version: &str,
) -> Result<(), StoreError> {
    const OP: &str = "delete_plugin";
    let deleted = conn
        .prepare_cached("DELETE FROM plugins WHERE tenant_id = ?1 AND name = ?2 AND version = ?3")
        .op(OP)?
        .execute(params![tenant.as_str(), name, version])
        .op(OP)?;
    if deleted == 0 {
        return Err(plugin_missing(name, version));
    }
    Ok(())
}

pub(crate) fn put_report(
    conn: &Connection,
    tenant: &TenantId,
    scan_id: &str,
    format: &str,
    body: &[u8],
) -> Result<(), StoreError> {
    const OP: &str = "put_report";
    conn.prepare_cached(
        "INSERT OR REPLACE INTO reports (tenant_id, scan_id, format, body) VALUES (?1, ?2, ?3, ?4)",
    )
    .op(OP)?
    .execute(params![tenant.as_str(), scan_id, format, body])
    .op(OP)?;
    Ok(())
}

pub(crate) fn get_report(
    conn: &Connection,
    tenant: &TenantId,
    scan_id: &str,
    format: &str,
) -> Result<Vec<u8>, StoreError> {
    const OP: &str = "get_report";
    conn.prepare_cached(
        "SELECT body FROM reports WHERE tenant_id = ?1 AND scan_id = ?2 AND format = ?3",
    )
    .op(OP)?
    .query_row(params![tenant.as_str(), scan_id, format], |row| row.get(0))
    .optional()
    .op(OP)?
    .ok_or_else(|| StoreError::NotFound {
        what: "report",
        id: format!("{scan_id}/{format}"),
    })
}

pub(crate) fn kv_get(
    conn: &Connection,
    tenant: &TenantId,
    plugin: &str,
    key: &str,
) -> Result<Option<Vec<u8>>, StoreError> {
    const OP: &str = "kv_get";
    conn.prepare_cached("SELECT value FROM kv WHERE tenant_id = ?1 AND plugin = ?2 AND key = ?3")
        .op(OP)?
        .query_row(params![tenant.as_str(), plugin, key], |row| row.get(0))
        .optional()
        .op(OP)
}

pub(crate) fn kv_set(
    conn: &Connection,
    tenant: &TenantId,
    plugin: &str,
    key: &str,
    value: &[u8],
) -> Result<(), StoreError> {
    const OP: &str = "kv_set";
    conn.prepare_cached(
        "INSERT INTO kv (tenant_id, plugin, key, value) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (tenant_id, plugin, key) DO UPDATE SET value = excluded.value",
    )
    .op(OP)?
    .execute(params![tenant.as_str(), plugin, key, value])
    .op(OP)?;
    Ok(())
}

pub(crate) fn kv_delete(
    conn: &Connection,
    tenant: &TenantId,
    plugin: &str,
    key: &str,
) -> Result<(), StoreError> {
    const OP: &str = "kv_delete";
    conn.prepare_cached("DELETE FROM kv WHERE tenant_id = ?1 AND plugin = ?2 AND key = ?3")
        .op(OP)?
        .execute(params![tenant.as_str(), plugin, key])
        .op(OP)?;
    Ok(())
}

pub(crate) fn kv_put_if_absent(
    conn: &Connection,
    tenant: &TenantId,
    plugin: &str,
    key: &str,
    value: &[u8],
) -> Result<bool, StoreError> {
    const OP: &str = "kv_put_if_absent";
    // One statement: atomic against every other writer of the file.
    let inserted = conn
        .prepare_cached(
            "INSERT INTO kv (tenant_id, plugin, key, value) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (tenant_id, plugin, key) DO NOTHING",
        )
        .op(OP)?
        .execute(params![tenant.as_str(), plugin, key, value])
        .op(OP)?;
    Ok(inserted == 1)
}

pub(crate) fn kv_list(
    conn: &Connection,
    tenant: &TenantId,
    plugin: &str,
    prefix: &str,
    page: &PageRequest,
) -> Result<Page<String>, StoreError> {
    const OP: &str = "kv_list";
    // The plugin is part of the listing: a cursor from another plugin's keys is refused.
    let listing = Listing::new("kv", format!("{tenant}/{plugin}"));
    let after = listing.after(page, 1)?.map(|mut k| k.remove(0));
    // `key >= prefix` starts the range on the index; `substr` ends it (no LIKE: `%` and `_`
    // in keys would be wildcards).
    let rows = conn
        .prepare_cached(
            "SELECT key FROM kv
             WHERE tenant_id = ?1 AND plugin = ?2 AND key >= ?3
                 AND substr(key, 1, length(?3)) = ?3 AND (?4 IS NULL OR key > ?4)
             ORDER BY key LIMIT ?5",
        )
        .op(OP)?
        .query_map(
            params![tenant.as_str(), plugin, prefix, after, fetch_limit(page)],
            |row| row.get(0),
        )
        .op(OP)?
        .collect::<rusqlite::Result<Vec<String>>>()
        .op(OP)?;
    Ok(listing.page(page, rows, |k| vec![k.clone()]))
}
