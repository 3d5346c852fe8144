//! The audit trail (`events`), with DynamoDB's time to live on `expires_at` when configured.

use crate::DynamoStore;
use crate::batch::{Query, delete, get_all, put, write_all};
use crate::blobs::{drop_body, load_body, store_body};
use crate::codec::{
    Expr, Item, Listing, Reader, backend, fetch_count, n, nanos, s, sdk_error, tenant_key,
};
use crate::tables::EVENTS;
use futures::{StreamExt, TryStreamExt};
use lgp_events::TenantId;
use lgp_store::{EventFilter, Page, PageRequest, StoreError, StoredEvent};
use std::collections::HashSet;
use time::OffsetDateTime;

async fn event_from(
    store: &DynamoStore,
    operation: &'static str,
    tenant: &TenantId,
    item: &Item,
) -> Result<StoredEvent, StoreError> {
    let r = Reader::new(operation, item);
    let invalid = |what: &str| backend(operation, format!("stored event has an invalid {what}"));
    Ok(StoredEvent {
        event_id: r.str("event_id")?.parse().map_err(|_| invalid("id"))?,
        event_type: r.str("event_type")?.parse().map_err(|_| invalid("type"))?,
        correlation_id: r.opt_str("correlation_id")?.map(str::to_owned),
        at: r.time("at")?,
        sealed: load_body(store, operation, tenant, item).await?,
    })
}

fn key(tenant: &TenantId, event_id: &str) -> Item {
    Item::from([
        ("tenant_id".to_owned(), s(tenant.as_str())),
        ("event_id".to_owned(), s(event_id)),
    ])
}

pub(crate) async fn append_events(
    store: &DynamoStore,
    tenant: &TenantId,
    events: &[StoredEvent],
) -> Result<(), StoreError> {
    const OP: &str = "append_events";
    // A known id keeps its first copy: drop repeats within the call, then the ids stored.
    let mut seen = HashSet::new();
    let fresh: Vec<&StoredEvent> = events
        .iter()
        .filter(|e| seen.insert(e.event_id.to_string()))
        .collect();
    let table = store.table(&EVENTS);
    let keys = fresh
        .iter()
        .map(|e| key(tenant, &e.event_id.to_string()))
        .collect();
    let known: HashSet<String> = get_all(&store.client, OP, &table, keys, store.concurrency())
        .await?
        .iter()
        .map(|item| Reader::new(OP, item).string("event_id"))
        .collect::<Result<_, _>>()?;
    let ttl = store
        .config
        .event_ttl_days
        .map(|days| time::Duration::days(i64::from(days)));
    let missing: Vec<usize> = (0..fresh.len())
        .filter(|i| !known.contains(&fresh[*i].event_id.to_string()))
        .collect();
    let fresh = &fresh;
    let puts: Vec<_> = futures::stream::iter(missing)
        .map(|i| async move {
            let event = fresh[i];
            let mut item = key(tenant, &event.event_id.to_string());
            item.insert("event_type".to_owned(), s(event.event_type.as_str()));
            item.insert("at".to_owned(), n(nanos(event.at)));
            if let Some(correlation) = &event.correlation_id {
                item.insert("correlation_id".to_owned(), s(correlation));
                item.insert(
                    "tenant_correlation".to_owned(),
                    s(tenant_key(tenant.as_str(), correlation)),
                );
            }
            if let Some(ttl) = ttl {
                item.insert(
                    "expires_at".to_owned(),
                    n((event.at + ttl).unix_timestamp()),
                );
            }
            item.extend(store_body(store, OP, tenant, &event.sealed).await?);
            put(OP, item)
        })
        .buffered(store.concurrency())
        .try_collect()
        .await?;
    write_all(&store.client, OP, &table, puts, store.concurrency()).await
}

pub(crate) async fn list_events(
    store: &DynamoStore,
    tenant: &TenantId,
    filter: &EventFilter,
    page: &PageRequest,
) -> Result<Page<StoredEvent>, StoreError> {
    const OP: &str = "list_events";
    let listing = Listing::new("events", tenant.as_str());
    let after = listing.after(page, 1)?.map(|mut k| k.remove(0));
    let mut expr = Expr::default();
    let correlation = filter
        .correlation_id
        .as_deref()
        .map(|c| tenant_key(tenant.as_str(), c));
    let (index, condition) = match &correlation {
        Some(partition) => (
            Some("by-correlation"),
            expr.eq("tenant_correlation", s(partition)),
        ),
        None => (None, expr.eq("tenant_id", s(tenant.as_str()))),
    };
    let mut filters = Vec::new();
    if let Some(event_type) = filter.event_type {
        filters.push(expr.eq("event_type", s(event_type.as_str())));
    }
    if let Some(since) = filter.since {
        filters.push(format!(
            "{} >= {}",
            expr.name("at"),
            expr.value(n(nanos(since)))
        ));
    }
    let mut query = Query::new(store.table(&EVENTS), index, expr, condition);
    query.filters = filters;
    if let Some(event_id) = after {
        let mut start = key(tenant, &event_id);
        if let Some(partition) = &correlation {
            start.insert("tenant_correlation".to_owned(), s(partition));
        }
        query.start = Some(start);
    }
    let items = query
        .run(&store.client, OP, Some(fetch_count(page)))
        .await?;
    let limit = fetch_count(page);
    let items = &items;
    let events: Vec<StoredEvent> = futures::stream::iter(0..items.len().min(limit))
        .map(|i| event_from(store, OP, tenant, &items[i]))
        .buffered(store.concurrency())
        .try_collect()
        .await?;
    Ok(listing.page(page, events, |e| vec![e.event_id.to_string()]))
}

pub(crate) async fn purge_events(
    store: &DynamoStore,
    before: OffsetDateTime,
) -> Result<u64, StoreError> {
    const OP: &str = "purge_events";
    let table = store.table(&EVENTS);
    // Across tenants, so a scan: retention runs rarely, and with the time to live on, DynamoDB
    // has already deleted most of what it would find.
    let mut expr = Expr::default();
    let filter = format!("{} < {}", expr.name("at"), expr.value(n(nanos(before))));
    let projection = ["tenant_id", "event_id", "blob_id", "blob_chunks"]
        .map(|attr| expr.name(attr))
        .join(", ");
    let mut start = None;
    let mut purged = 0u64;
    loop {
        let out = store
            .client
            .scan()
            .table_name(&table)
            .filter_expression(&filter)
            .projection_expression(&projection)
            .set_expression_attribute_names(expr.names())
            .set_expression_attribute_values(expr.values())
            .consistent_read(true)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(|err| sdk_error(OP, err))?;
        let items = out.items.unwrap_or_default();
        let mut deletes = Vec::with_capacity(items.len());
        let mut owners = Vec::with_capacity(items.len());
        for item in &items {
            let r = Reader::new(OP, item);
            let tenant =
                TenantId::new(r.str("tenant_id")?).map_err(|err| backend(OP, err.to_string()))?;
            deletes.push(delete(OP, key(&tenant, r.str("event_id")?))?);
            owners.push(tenant);
        }
        purged += deletes.len() as u64;
        write_all(&store.client, OP, &table, deletes, store.concurrency()).await?;
        // The chunks after the events that point at them.
        for (tenant, item) in owners.iter().zip(&items) {
            drop_body(store, OP, tenant, Some(item)).await?;
        }
        start = out.last_evaluated_key.filter(|k| !k.is_empty());
        if start.is_none() {
            return Ok(purged);
        }
    }
}
