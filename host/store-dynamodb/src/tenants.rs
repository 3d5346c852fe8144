//! Tenants and their accounts, in one table: the tenant item (`sk` = `tenant`) and one item per
//! account (`sk` = `account|<id>`).

use crate::DynamoStore;
use crate::batch::Query;
use crate::codec::{Expr, Item, Listing, Reader, backend, fetch_count, n, nanos, s, sdk_error};
use crate::tables::TENANTS;
use lgp_events::TenantId;
use lgp_store::{Account, Page, PageRequest, StoreError, Tenant};

/// The sort key of the tenant item.
const TENANT_SK: &str = "tenant";
/// The sort key prefix of account items.
const ACCOUNT_SK: &str = "account|";
/// The value of `listing` on tenant items: the one partition of the tenant listing's index.
const LISTING: &str = "tenant";

fn tenant_from(operation: &'static str, item: &Item) -> Result<Tenant, StoreError> {
    let r = Reader::new(operation, item);
    let id =
        TenantId::new(r.str("tenant_id")?).map_err(|err| backend(operation, err.to_string()))?;
    Ok(Tenant {
        id,
        name: r.string("name")?,
        created_at: r.time("created_at")?,
    })
}

pub(crate) async fn put_tenant(store: &DynamoStore, tenant: &Tenant) -> Result<(), StoreError> {
    const OP: &str = "put_tenant";
    let item = Item::from([
        ("tenant_id".to_owned(), s(tenant.id.as_str())),
        ("sk".to_owned(), s(TENANT_SK)),
        ("listing".to_owned(), s(LISTING)),
        ("name".to_owned(), s(&tenant.name)),
        ("created_at".to_owned(), n(nanos(tenant.created_at))),
    ]);
    store
        .client
        .put_item()
        .table_name(store.table(&TENANTS))
        .set_item(Some(item))
        .send()
        .await
        .map_err(|err| sdk_error(OP, err))?;
    Ok(())
}

pub(crate) async fn get_tenant(
    store: &DynamoStore,
    tenant: &TenantId,
) -> Result<Tenant, StoreError> {
    const OP: &str = "get_tenant";
    let out = store
        .client
        .get_item()
        .table_name(store.table(&TENANTS))
        .key("tenant_id", s(tenant.as_str()))
        .key("sk", s(TENANT_SK))
        .consistent_read(true)
        .send()
        .await
        .map_err(|err| sdk_error(OP, err))?;
    match out.item {
        Some(item) => tenant_from(OP, &item),
        None => Err(StoreError::NotFound {
            what: "tenant",
            id: tenant.to_string(),
        }),
    }
}

pub(crate) async fn list_tenants(
    store: &DynamoStore,
    page: &PageRequest,
) -> Result<Page<Tenant>, StoreError> {
    const OP: &str = "list_tenants";
    let listing = Listing::new("tenants", "");
    let mut expr = Expr::default();
    let condition = expr.eq("listing", s(LISTING));
    let mut query = Query::new(store.table(&TENANTS), Some("by-listing"), expr, condition);
    if let Some(mut key) = listing.after(page, 1)? {
        let id = key.remove(0);
        query.start = Some(Item::from([
            ("listing".to_owned(), s(LISTING)),
            ("tenant_id".to_owned(), s(id)),
            ("sk".to_owned(), s(TENANT_SK)),
        ]));
    }
    let items = query
        .run(&store.client, OP, Some(fetch_count(page)))
        .await?;
    let tenants = items
        .iter()
        .map(|item| tenant_from(OP, item))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(listing.page(page, tenants, |t| vec![t.id.to_string()]))
}

pub(crate) async fn put_account(
    store: &DynamoStore,
    tenant: &TenantId,
    account: &Account,
) -> Result<(), StoreError> {
    const OP: &str = "put_account";
    let mut item = Item::from([
        ("tenant_id".to_owned(), s(tenant.as_str())),
        (
            "sk".to_owned(),
            s(format!("{ACCOUNT_SK}{}", account.account_id)),
        ),
        ("account_id".to_owned(), s(&account.account_id)),
        ("name".to_owned(), s(&account.name)),
    ]);
    if let Some(role) = &account.role_arn {
        item.insert("role_arn".to_owned(), s(role));
    }
    if let Some(external) = &account.external_id {
        item.insert("external_id".to_owned(), s(external));
    }
    store
        .client
        .put_item()
        .table_name(store.table(&TENANTS))
        .set_item(Some(item))
        .send()
        .await
        .map_err(|err| sdk_error(OP, err))?;
    Ok(())
}

pub(crate) async fn list_accounts(
    store: &DynamoStore,
    tenant: &TenantId,
) -> Result<Vec<Account>, StoreError> {
    const OP: &str = "list_accounts";
    let mut expr = Expr::default();
    let condition = format!(
        "{} AND begins_with({}, {})",
        expr.eq("tenant_id", s(tenant.as_str())),
        expr.name("sk"),
        expr.value(s(ACCOUNT_SK))
    );
    let items = Query::new(store.table(&TENANTS), None, expr, condition)
        .run(&store.client, OP, None)
        .await?;
    items
        .iter()
        .map(|item| {
            let r = Reader::new(OP, item);
            Ok(Account {
                account_id: r.string("account_id")?,
                name: r.string("name")?,
                role_arn: r.opt_str("role_arn")?.map(str::to_owned),
                external_id: r.opt_str("external_id")?.map(str::to_owned),
            })
        })
        .collect()
}
