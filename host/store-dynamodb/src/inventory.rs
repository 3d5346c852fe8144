//! Inventory: a version per resource and scan (`inventory-versions`), and the current inventory
//! (`inventory`) with tombstones.

use crate::DynamoStore;
use crate::batch::{Query, put, write_all};
use crate::codec::{
    Expr, Item, Listing, Reader, boolean, fetch_count, is_condition_failed, s, sdk_error,
    tenant_key, to_json,
};
use crate::tables::{INVENTORY, VERSIONS};
use aws_sdk_dynamodb::types::AttributeValue;
use futures::{StreamExt, TryStreamExt};
use lgp_events::TenantId;
use lgp_model::Resource;
use lgp_store::{InventoryFilter, Page, PageRequest, ResourceVersion, StoreError};
use std::collections::BTreeMap;

/// `scan_id|arn`: a scan's versions sort by ARN (scan ids are ULIDs, without `|`).
fn version_key(scan_id: &str, arn: &str) -> String {
    format!("{scan_id}|{arn}")
}

fn resource_from(operation: &'static str, item: &Item) -> Result<Resource, StoreError> {
    Reader::new(operation, item).json("resource")
}

pub(crate) async fn put_resources(
    store: &DynamoStore,
    tenant: &TenantId,
    scan_id: &str,
    resources: &[Resource],
) -> Result<(), StoreError> {
    const OP: &str = "put_resources";
    // The last copy of an ARN given twice wins, as it would writing one after the other.
    let mut by_arn = BTreeMap::new();
    for resource in resources {
        if resource.arn.is_empty() {
            return Err(StoreError::Invalid {
                field: "resources",
                reason: "a resource has an empty arn".to_owned(),
            });
        }
        let json = to_json(OP, resource)?;
        let hash = lgp_store::resource_hash(resource);
        by_arn.insert(resource.arn.as_str(), (resource, json, hash));
    }
    let mut versions = Vec::with_capacity(by_arn.len());
    for (arn, (_, json, hash)) in &by_arn {
        versions.push(put(
            OP,
            Item::from([
                ("tenant_id".to_owned(), s(tenant.as_str())),
                ("scan_arn".to_owned(), s(version_key(scan_id, arn))),
                ("content_hash".to_owned(), s(hash)),
                ("resource".to_owned(), s(json)),
            ]),
        )?);
    }
    // The versions first: a current row never points at a version that is not stored.
    write_all(
        &store.client,
        OP,
        &store.table(&VERSIONS),
        versions,
        store.concurrency(),
    )
    .await?;
    let table = store.table(&INVENTORY);
    let items: Vec<Item> = by_arn
        .into_values()
        .map(|(resource, json, hash)| {
            let tags = resource
                .tags
                .iter()
                .map(|(k, v)| (k.clone(), s(v)))
                .collect();
            Item::from([
                ("tenant_id".to_owned(), s(tenant.as_str())),
                ("arn".to_owned(), s(&resource.arn)),
                (
                    "tenant_kind".to_owned(),
                    s(tenant_key(tenant.as_str(), &resource.kind)),
                ),
                (
                    "tenant_region".to_owned(),
                    s(tenant_key(tenant.as_str(), &resource.region)),
                ),
                ("tags".to_owned(), AttributeValue::M(tags)),
                ("resource".to_owned(), s(json)),
                ("content_hash".to_owned(), s(hash)),
                ("last_scan_id".to_owned(), s(scan_id)),
                ("removed".to_owned(), boolean(false)),
            ])
        })
        .collect();
    futures::stream::iter(items)
        .map(|item| {
            let table = &table;
            async move {
                // A late redelivery from an older scan must not roll the current inventory
                // back, nor bring back a resource removed after the scan that last saw it.
                let mut expr = Expr::default();
                let last = expr.name("last_scan_id");
                let scan = expr.value(s(scan_id));
                let removed = expr.eq("removed", boolean(false));
                let condition = format!(
                    "attribute_not_exists({arn}) OR {last} < {scan} OR ({last} = {scan} AND {removed})",
                    arn = expr.name("arn"),
                );
                let result = store
                    .client
                    .put_item()
                    .table_name(table)
                    .set_item(Some(item))
                    .condition_expression(condition)
                    .set_expression_attribute_names(expr.names())
                    .set_expression_attribute_values(expr.values())
                    .send()
                    .await;
                match result {
                    Ok(_) => Ok(()),
                    Err(err) if is_condition_failed(&err) => Ok(()),
                    Err(err) => Err(sdk_error(OP, err)),
                }
            }
        })
        .buffer_unordered(store.concurrency())
        .try_collect::<()>()
        .await
}

pub(crate) async fn scan_inventory(
    store: &DynamoStore,
    tenant: &TenantId,
    scan_id: &str,
) -> Result<Vec<ResourceVersion>, StoreError> {
    const OP: &str = "scan_inventory";
    let mut expr = Expr::default();
    let condition = format!(
        "{} AND begins_with({}, {})",
        expr.eq("tenant_id", s(tenant.as_str())),
        expr.name("scan_arn"),
        expr.value(s(version_key(scan_id, "")))
    );
    let items = Query::new(store.table(&VERSIONS), None, expr, condition)
        .run(&store.client, OP, None)
        .await?;
    items
        .iter()
        .map(|item| {
            Ok(ResourceVersion {
                resource: resource_from(OP, item)?,
                content_hash: Reader::new(OP, item).string("content_hash")?,
            })
        })
        .collect()
}

pub(crate) async fn remove_resources(
    store: &DynamoStore,
    tenant: &TenantId,
    arns: &[String],
) -> Result<(), StoreError> {
    const OP: &str = "remove_resources";
    let table = store.table(&INVENTORY);
    futures::stream::iter(arns.to_vec())
        .map(|arn| {
            let table = &table;
            async move {
                let mut expr = Expr::default();
                let update = format!("SET {}", expr.eq("removed", boolean(true)));
                // Unknown ARNs are fine, but must not leave an item behind.
                let condition = format!("attribute_exists({})", expr.name("arn"));
                let result = store
                    .client
                    .update_item()
                    .table_name(table)
                    .key("tenant_id", s(tenant.as_str()))
                    .key("arn", s(arn))
                    .update_expression(update)
                    .condition_expression(condition)
                    .set_expression_attribute_names(expr.names())
                    .set_expression_attribute_values(expr.values())
                    .send()
                    .await;
                match result {
                    Ok(_) => Ok(()),
                    Err(err) if is_condition_failed(&err) => Ok(()),
                    Err(err) => Err(sdk_error(OP, err)),
                }
            }
        })
        .buffer_unordered(store.concurrency())
        .try_collect::<()>()
        .await
}

pub(crate) async fn list_inventory(
    store: &DynamoStore,
    tenant: &TenantId,
    filter: &InventoryFilter,
    page: &PageRequest,
) -> Result<Page<Resource>, StoreError> {
    const OP: &str = "list_inventory";
    let listing = Listing::new("inventory", tenant.as_str());
    let after = listing.after(page, 1)?.map(|mut k| k.remove(0));
    let mut expr = Expr::default();
    let mut filters = Vec::new();
    // The most selective key first: kind, then region, else the whole tenant; the rest filter.
    let (index, partition) = match (&filter.kind, &filter.region) {
        (Some(kind), region) => {
            if let Some(region) = region {
                filters.push(expr.eq("tenant_region", s(tenant_key(tenant.as_str(), region))));
            }
            (
                Some(("by-kind", "tenant_kind")),
                tenant_key(tenant.as_str(), kind),
            )
        }
        (None, Some(region)) => (
            Some(("by-region", "tenant_region")),
            tenant_key(tenant.as_str(), region),
        ),
        (None, None) => (None, tenant.to_string()),
    };
    let pk_attr = index.map_or("tenant_id", |(_, attr)| attr);
    let condition = expr.eq(pk_attr, s(&partition));
    filters.push(expr.eq("removed", boolean(false)));
    if let Some((key, value)) = &filter.tag {
        let path = format!("{}.{}", expr.name("tags"), expr.name(key));
        match value {
            Some(value) => filters.push(format!("{path} = {}", expr.value(s(value)))),
            None => filters.push(format!("attribute_exists({path})")),
        }
    }
    let mut query = Query::new(
        store.table(&INVENTORY),
        index.map(|(name, _)| name),
        expr,
        condition,
    );
    query.filters = filters;
    if let Some(arn) = after {
        let mut start = Item::from([
            ("tenant_id".to_owned(), s(tenant.as_str())),
            ("arn".to_owned(), s(arn)),
        ]);
        if let Some((_, attr)) = index {
            start.insert(attr.to_owned(), s(&partition));
        }
        query.start = Some(start);
    }
    let items = query
        .run(&store.client, OP, Some(fetch_count(page)))
        .await?;
    let resources = items
        .iter()
        .map(|item| resource_from(OP, item))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(listing.page(page, resources, |r| vec![r.arn.clone()]))
}
