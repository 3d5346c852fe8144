//! Values of any size (plugin components, reports, state values, large events), and the
//! plugins, reports and key/value state that hold them.
//!
//! A value up to [`INLINE_MAX`] lives in its item's `body`; a larger one is split into chunks
//! in the `blobs` table under a fresh blob id, written before the item that points at them, and
//! the chunks of a replaced or deleted value are deleted after the item changed, so a reader
//! following an item's pointer finds its chunks.

use crate::DynamoStore;
use crate::batch::{Query, delete, get_all, put, write_all};
use crate::codec::{
    Expr, Item, Listing, Reader, b, backend, boolean, fetch_count, is_condition_failed, n, nanos,
    s, sdk_error,
};
use crate::tables::{BLOBS, KV, PLUGINS, REPORTS, TableDef};
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use lgp_events::TenantId;
use lgp_store::{Page, PageRequest, PluginRecord, StoreError};

/// Largest value kept inside its item. DynamoDB's item limit is 400 KB, attribute names and the
/// item's other attributes included; 300 KiB leaves room for those.
pub(crate) const INLINE_MAX: usize = 300 * 1024;

fn chunk_key(blob_id: &str, index: usize) -> String {
    format!("{blob_id}|{index:06}")
}

/// Stores `bytes` for an item and returns the attributes that point at them: `body` inline,
/// or `blob_id` and `blob_chunks` after writing the chunks; nothing for an empty value (an empty
/// binary attribute is not accepted everywhere).
pub(crate) async fn store_body(
    store: &DynamoStore,
    operation: &'static str,
    tenant: &TenantId,
    bytes: &[u8],
) -> Result<Vec<(String, AttributeValue)>, StoreError> {
    if bytes.is_empty() {
        return Ok(Vec::new());
    }
    if bytes.len() <= INLINE_MAX {
        return Ok(vec![("body".to_owned(), b(bytes))]);
    }
    let blob_id = ulid::Ulid::new().to_string();
    let chunks = bytes
        .chunks(INLINE_MAX)
        .enumerate()
        .map(|(index, chunk)| {
            put(
                operation,
                Item::from([
                    ("tenant_id".to_owned(), s(tenant.as_str())),
                    ("chunk_key".to_owned(), s(chunk_key(&blob_id, index))),
                    ("data".to_owned(), b(chunk)),
                ]),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let count = chunks.len();
    write_all(
        &store.client,
        operation,
        &store.table(&BLOBS),
        chunks,
        store.concurrency(),
    )
    .await?;
    Ok(vec![
        ("blob_id".to_owned(), s(blob_id)),
        ("blob_chunks".to_owned(), n(count)),
    ])
}

/// The value an item holds or points at.
pub(crate) async fn load_body(
    store: &DynamoStore,
    operation: &'static str,
    tenant: &TenantId,
    item: &Item,
) -> Result<Vec<u8>, StoreError> {
    let r = Reader::new(operation, item);
    if item.contains_key("body") {
        return Ok(r.bytes("body")?.to_vec());
    }
    let Some(blob_id) = r.opt_str("blob_id")? else {
        return Ok(Vec::new());
    };
    let count: usize = r.num("blob_chunks")?;
    let keys = (0..count)
        .map(|index| {
            Item::from([
                ("tenant_id".to_owned(), s(tenant.as_str())),
                ("chunk_key".to_owned(), s(chunk_key(blob_id, index))),
            ])
        })
        .collect();
    let mut chunks = get_all(
        &store.client,
        operation,
        &store.table(&BLOBS),
        keys,
        store.concurrency(),
    )
    .await?;
    if chunks.len() != count {
        return Err(backend(
            operation,
            format!("blob {blob_id} has {} of its {count} chunks", chunks.len()),
        ));
    }
    chunks.sort_by(|x, y| {
        let key = |i: &Item| match i.get("chunk_key") {
            Some(AttributeValue::S(k)) => k.clone(),
            _ => String::new(),
        };
        key(x).cmp(&key(y))
    });
    let mut bytes = Vec::new();
    for chunk in &chunks {
        bytes.extend_from_slice(Reader::new(operation, chunk).bytes("data")?);
    }
    Ok(bytes)
}

/// Deletes the chunks `item` (a replaced or deleted item) pointed at, if any.
pub(crate) async fn drop_body(
    store: &DynamoStore,
    operation: &'static str,
    tenant: &TenantId,
    item: Option<&Item>,
) -> Result<(), StoreError> {
    let Some(item) = item else { return Ok(()) };
    let r = Reader::new(operation, item);
    let Some(blob_id) = r.opt_str("blob_id")? else {
        return Ok(());
    };
    let count: usize = r.num("blob_chunks")?;
    let deletes = (0..count)
        .map(|index| {
            delete(
                operation,
                Item::from([
                    ("tenant_id".to_owned(), s(tenant.as_str())),
                    ("chunk_key".to_owned(), s(chunk_key(blob_id, index))),
                ]),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    write_all(
        &store.client,
        operation,
        &store.table(&BLOBS),
        deletes,
        store.concurrency(),
    )
    .await
}

/// An unambiguous sort key of several parts.
/// Writes `item` with `body` into `table`, replacing the item of the same key, and then deletes
/// the chunks of the replaced item's body, if any.
async fn put_with_body(
    store: &DynamoStore,
    operation: &'static str,
    tenant: &TenantId,
    table: &TableDef,
    mut item: Item,
    body: &[u8],
) -> Result<(), StoreError> {
    item.extend(store_body(store, operation, tenant, body).await?);
    let out = store
        .client
        .put_item()
        .table_name(store.table(table))
        .set_item(Some(item))
        .return_values(ReturnValue::AllOld)
        .send()
        .await
        .map_err(|err| sdk_error(operation, err))?;
    drop_body(store, operation, tenant, out.attributes.as_ref()).await
}

fn composite(parts: &[&str]) -> String {
    // A slice of strings always serializes.
    serde_json::to_string(parts).unwrap_or_default()
}

fn plugin_missing(name: &str, version: &str) -> StoreError {
    StoreError::NotFound {
        what: "plugin",
        id: format!("{name}@{version}"),
    }
}

pub(crate) async fn put_plugin(
    store: &DynamoStore,
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
    let item = Item::from([
        ("tenant_id".to_owned(), s(tenant.as_str())),
        (
            "plugin_key".to_owned(),
            s(composite(&[&plugin.name, &plugin.version])),
        ),
        ("name".to_owned(), s(&plugin.name)),
        ("version".to_owned(), s(&plugin.version)),
        ("kind".to_owned(), s(&plugin.kind)),
        ("content_hash".to_owned(), s(&plugin.content_hash)),
        ("size".to_owned(), n(plugin.size)),
        ("enabled".to_owned(), boolean(plugin.enabled)),
        ("uploaded_at".to_owned(), n(nanos(plugin.uploaded_at))),
    ]);
    put_with_body(store, OP, tenant, &PLUGINS, item, component).await
}

pub(crate) async fn list_plugins(
    store: &DynamoStore,
    tenant: &TenantId,
) -> Result<Vec<PluginRecord>, StoreError> {
    const OP: &str = "list_plugins";
    let mut expr = Expr::default();
    let condition = expr.eq("tenant_id", s(tenant.as_str()));
    let projection = [
        "name",
        "version",
        "kind",
        "content_hash",
        "size",
        "enabled",
        "uploaded_at",
    ]
    .map(|attr| expr.name(attr))
    .join(", ");
    let mut query = Query::new(store.table(&PLUGINS), None, expr, condition);
    query.projection = Some(projection);
    let items = query.run(&store.client, OP, None).await?;
    let mut plugins = items
        .iter()
        .map(|item| {
            let r = Reader::new(OP, item);
            Ok(PluginRecord {
                name: r.string("name")?,
                version: r.string("version")?,
                kind: r.string("kind")?,
                content_hash: r.string("content_hash")?,
                size: r.num("size")?,
                enabled: r.boolean("enabled")?,
                uploaded_at: r.time("uploaded_at")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    plugins.sort_by(|x, y| (&x.name, &x.version).cmp(&(&y.name, &y.version)));
    Ok(plugins)
}

pub(crate) async fn get_plugin_component(
    store: &DynamoStore,
    tenant: &TenantId,
    name: &str,
    version: &str,
) -> Result<Vec<u8>, StoreError> {
    const OP: &str = "get_plugin_component";
    let out = store
        .client
        .get_item()
        .table_name(store.table(&PLUGINS))
        .key("tenant_id", s(tenant.as_str()))
        .key("plugin_key", s(composite(&[name, version])))
        .consistent_read(true)
        .send()
        .await
        .map_err(|err| sdk_error(OP, err))?;
    match out.item {
        Some(item) => load_body(store, OP, tenant, &item).await,
        None => Err(plugin_missing(name, version)),
    }
}

pub(crate) async fn set_plugin_enabled(
    store: &DynamoStore,
    tenant: &TenantId,
    name: &str,
    version: &str,
    enabled: bool,
) -> Result<(), StoreError> {
    const OP: &str = "set_plugin_enabled";
    let mut expr = Expr::default();
    let update = format!("SET {}", expr.eq("enabled", boolean(enabled)));
    let condition = format!("attribute_exists({})", expr.name("plugin_key"));
    let result = store
        .client
        .update_item()
        .table_name(store.table(&PLUGINS))
        .key("tenant_id", s(tenant.as_str()))
        .key("plugin_key", s(composite(&[name, version])))
        .update_expression(update)
        .condition_expression(condition)
        .set_expression_attribute_names(expr.names())
        .set_expression_attribute_values(expr.values())
        .send()
        .await;
    match result {
        Ok(_) => Ok(()),
        Err(err) if is_condition_failed(&err) => Err(plugin_missing(name, version)),
        Err(err) => Err(sdk_error(OP, err)),
    }
}

pub(crate) async fn delete_plugin(
    store: &DynamoStore,
    tenant: &TenantId,
    name: &str,
    version: &str,
) -> Result<(), StoreError> {
    const OP: &str = "delete_plugin";
    let result = store
        .client
        .delete_item()
        .table_name(store.table(&PLUGINS))
        .key("tenant_id", s(tenant.as_str()))
        .key("plugin_key", s(composite(&[name, version])))
        .condition_expression("attribute_exists(plugin_key)")
        .return_values(ReturnValue::AllOld)
        .send()
        .await;
    match result {
        Ok(out) => drop_body(store, OP, tenant, out.attributes.as_ref()).await,
        Err(err) if is_condition_failed(&err) => Err(plugin_missing(name, version)),
        Err(err) => Err(sdk_error(OP, err)),
    }
}

pub(crate) async fn put_report(
    store: &DynamoStore,
    tenant: &TenantId,
    scan_id: &str,
    format: &str,
    body: &[u8],
) -> Result<(), StoreError> {
    const OP: &str = "put_report";
    let item = Item::from([
        ("tenant_id".to_owned(), s(tenant.as_str())),
        ("report_key".to_owned(), s(composite(&[scan_id, format]))),
    ]);
    put_with_body(store, OP, tenant, &REPORTS, item, body).await
}

pub(crate) async fn get_report(
    store: &DynamoStore,
    tenant: &TenantId,
    scan_id: &str,
    format: &str,
) -> Result<Vec<u8>, StoreError> {
    const OP: &str = "get_report";
    let out = store
        .client
        .get_item()
        .table_name(store.table(&REPORTS))
        .key("tenant_id", s(tenant.as_str()))
        .key("report_key", s(composite(&[scan_id, format])))
        .consistent_read(true)
        .send()
        .await
        .map_err(|err| sdk_error(OP, err))?;
    match out.item {
        Some(item) => load_body(store, OP, tenant, &item).await,
        None => Err(StoreError::NotFound {
            what: "report",
            id: format!("{scan_id}/{format}"),
        }),
    }
}

/// `<plugin length>:<plugin>:<key>`: unambiguous, and a plugin's keys sort by key.
fn state_key(plugin: &str, key: &str) -> String {
    format!("{}:{plugin}:{key}", plugin.len())
}

pub(crate) async fn kv_get(
    store: &DynamoStore,
    tenant: &TenantId,
    plugin: &str,
    key: &str,
) -> Result<Option<Vec<u8>>, StoreError> {
    const OP: &str = "kv_get";
    let out = store
        .client
        .get_item()
        .table_name(store.table(&KV))
        .key("tenant_id", s(tenant.as_str()))
        .key("state_key", s(state_key(plugin, key)))
        .consistent_read(true)
        .send()
        .await
        .map_err(|err| sdk_error(OP, err))?;
    match out.item {
        Some(item) => load_body(store, OP, tenant, &item).await.map(Some),
        None => Ok(None),
    }
}

/// Writes a state value; with `only_if_absent`, only when the key is absent (a conditional put:
/// of concurrent callers exactly one writes). Returns whether it wrote.
pub(crate) async fn kv_put(
    store: &DynamoStore,
    tenant: &TenantId,
    plugin: &str,
    key: &str,
    value: &[u8],
    only_if_absent: bool,
) -> Result<bool, StoreError> {
    let operation = if only_if_absent {
        "kv_put_if_absent"
    } else {
        "kv_set"
    };
    let body = store_body(store, operation, tenant, value).await?;
    let mut item = Item::from([
        ("tenant_id".to_owned(), s(tenant.as_str())),
        ("state_key".to_owned(), s(state_key(plugin, key))),
        ("key".to_owned(), s(key)),
    ]);
    item.extend(body.iter().cloned());
    let mut request = store
        .client
        .put_item()
        .table_name(store.table(&KV))
        .set_item(Some(item))
        .return_values(ReturnValue::AllOld);
    if only_if_absent {
        request = request.condition_expression("attribute_not_exists(state_key)");
    }
    match request.send().await {
        Ok(out) => {
            drop_body(store, operation, tenant, out.attributes.as_ref()).await?;
            Ok(true)
        }
        Err(err) if is_condition_failed(&err) => {
            // Not written: the chunks written for it (if any) are nobody's.
            let unused: Item = body.into_iter().collect();
            drop_body(store, operation, tenant, Some(&unused)).await?;
            Ok(false)
        }
        Err(err) => Err(sdk_error(operation, err)),
    }
}

pub(crate) async fn kv_delete(
    store: &DynamoStore,
    tenant: &TenantId,
    plugin: &str,
    key: &str,
) -> Result<(), StoreError> {
    const OP: &str = "kv_delete";
    let out = store
        .client
        .delete_item()
        .table_name(store.table(&KV))
        .key("tenant_id", s(tenant.as_str()))
        .key("state_key", s(state_key(plugin, key)))
        .return_values(ReturnValue::AllOld)
        .send()
        .await
        .map_err(|err| sdk_error(OP, err))?;
    drop_body(store, OP, tenant, out.attributes.as_ref()).await
}

pub(crate) async fn kv_list(
    store: &DynamoStore,
    tenant: &TenantId,
    plugin: &str,
    prefix: &str,
    page: &PageRequest,
) -> Result<Page<String>, StoreError> {
    const OP: &str = "kv_list";
    // The plugin is part of the listing: a cursor from another plugin's keys is refused.
    let listing = Listing::new("kv", format!("{tenant}/{plugin}"));
    let after = listing.after(page, 1)?.map(|mut k| k.remove(0));
    let mut expr = Expr::default();
    // begins_with is literal: `%` and `_` in keys are no wildcards.
    let condition = format!(
        "{} AND begins_with({}, {})",
        expr.eq("tenant_id", s(tenant.as_str())),
        expr.name("state_key"),
        expr.value(s(state_key(plugin, prefix)))
    );
    let projection = expr.name("key");
    let mut query = Query::new(store.table(&KV), None, expr, condition);
    query.projection = Some(projection);
    if let Some(key) = after {
        query.start = Some(Item::from([
            ("tenant_id".to_owned(), s(tenant.as_str())),
            ("state_key".to_owned(), s(state_key(plugin, &key))),
        ]));
    }
    let items = query
        .run(&store.client, OP, Some(fetch_count(page)))
        .await?;
    let keys = items
        .iter()
        .map(|item| Reader::new(OP, item).string("key"))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(listing.page(page, keys, |k| vec![k.clone()]))
}
