//! Alerts: the record as JSON, with the sort key of the newest-change-first listings.

use crate::DynamoStore;
use crate::batch::Query;
use crate::codec::{
    Expr, Item, Listing, Reader, fetch_count, nanos, s, sdk_error, tenant_key, to_json,
};
use crate::tables::ALERTS;
use lgp_events::TenantId;
use lgp_store::{AlertRecord, Page, PageRequest, StoreError};

/// Added to a time's nanoseconds so every representable time is positive and the fixed-width
/// decimal sorts as the time does (the `time` crate's range is about ±3·10^20 ns).
const NANOS_OFFSET: i128 = 10i128.pow(30);

/// `<zero-padded nanos>|<alert id>`: the listings' order, newest change first when read
/// backwards, ties by id.
fn updated_key(alert: &AlertRecord) -> String {
    format!(
        "{:031}|{}",
        nanos(alert.updated_at) + NANOS_OFFSET,
        alert.alert_id
    )
}

pub(crate) async fn put_alert(
    store: &DynamoStore,
    tenant: &TenantId,
    alert: &AlertRecord,
) -> Result<(), StoreError> {
    const OP: &str = "put_alert";
    let item = Item::from([
        ("tenant_id".to_owned(), s(tenant.as_str())),
        ("alert_id".to_owned(), s(&alert.alert_id)),
        ("updated_key".to_owned(), s(updated_key(alert))),
        (
            "tenant_state".to_owned(),
            s(tenant_key(tenant.as_str(), &alert.state)),
        ),
        ("state".to_owned(), s(&alert.state)),
        ("record".to_owned(), s(to_json(OP, alert)?)),
    ]);
    store
        .client
        .put_item()
        .table_name(store.table(&ALERTS))
        .set_item(Some(item))
        .send()
        .await
        .map_err(|err| sdk_error(OP, err))?;
    Ok(())
}

pub(crate) async fn get_alert(
    store: &DynamoStore,
    tenant: &TenantId,
    alert_id: &str,
) -> Result<AlertRecord, StoreError> {
    const OP: &str = "get_alert";
    let out = store
        .client
        .get_item()
        .table_name(store.table(&ALERTS))
        .key("tenant_id", s(tenant.as_str()))
        .key("alert_id", s(alert_id))
        .consistent_read(true)
        .send()
        .await
        .map_err(|err| sdk_error(OP, err))?;
    match out.item {
        Some(item) => Reader::new(OP, &item).json("record"),
        None => Err(StoreError::NotFound {
            what: "alert",
            id: alert_id.to_owned(),
        }),
    }
}

pub(crate) async fn list_alerts(
    store: &DynamoStore,
    tenant: &TenantId,
    state: Option<&str>,
    page: &PageRequest,
) -> Result<Page<AlertRecord>, StoreError> {
    const OP: &str = "list_alerts";
    let listing = Listing::new("alerts", tenant.as_str());
    let mut expr = Expr::default();
    let (index, partition) = match state {
        Some(state) => (
            ("by-state", "tenant_state"),
            tenant_key(tenant.as_str(), state),
        ),
        None => (("by-update", "tenant_id"), tenant.to_string()),
    };
    let condition = expr.eq(index.1, s(&partition));
    let mut query = Query::new(store.table(&ALERTS), Some(index.0), expr, condition);
    query.forward = false;
    if let Some(key) = listing.after(page, 2)? {
        let [updated, id]: [String; 2] = key.try_into().map_err(|_| StoreError::BadCursor)?;
        query.start = Some(Item::from([
            ("tenant_id".to_owned(), s(tenant.as_str())),
            ("alert_id".to_owned(), s(id)),
            ("updated_key".to_owned(), s(updated)),
            (index.1.to_owned(), s(&partition)),
        ]));
    }
    let items = query
        .run(&store.client, OP, Some(fetch_count(page)))
        .await?;
    let alerts = items
        .iter()
        .map(|item| Reader::new(OP, item).json("record"))
        .collect::<Result<Vec<AlertRecord>, _>>()?;
    Ok(listing.page(page, alerts, |a| vec![updated_key(a), a.alert_id.clone()]))
}
