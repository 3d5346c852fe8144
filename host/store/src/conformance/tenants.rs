//! Tenants and accounts.

use super::fixtures::{assert_not_found, at, tenant, walk};
use crate::{Account, Store, Tenant};

pub(super) async fn tenants_round_trip(store: &dyn Store) {
    let acme = tenant("acme");
    assert_not_found(store.get_tenant(&acme).await, "tenant");
    let mut record = Tenant {
        id: acme.clone(),
        name: "Acme".to_owned(),
        created_at: at(1),
    };
    store.put_tenant(&record).await.expect("put tenant");
    assert_eq!(store.get_tenant(&acme).await.expect("get tenant"), record);
    record.name = "Acme Corp".to_owned();
    store.put_tenant(&record).await.expect("replace tenant");
    assert_eq!(store.get_tenant(&acme).await.expect("get tenant"), record);

    for id in ["zeta", "beta"] {
        let t = Tenant {
            id: tenant(id),
            name: id.to_owned(),
            created_at: at(2),
        };
        store.put_tenant(&t).await.expect("put tenant");
    }
    let ids: Vec<String> = walk(1, async |p| store.list_tenants(&p).await)
        .await
        .into_iter()
        .map(|t| t.id.to_string())
        .collect();
    assert_eq!(ids, ["acme", "beta", "zeta"], "tenants are listed by id");
}

pub(super) async fn accounts_round_trip(store: &dyn Store) {
    let acme = tenant("acme");
    assert!(store.list_accounts(&acme).await.expect("list").is_empty());
    let mut prod = Account {
        account_id: "222222222222".to_owned(),
        name: "prod".to_owned(),
        role_arn: Some("arn:aws:iam::222222222222:role/lgp".to_owned()),
        external_id: Some("ext".to_owned()),
    };
    let dev = Account {
        account_id: "111111111111".to_owned(),
        name: "dev".to_owned(),
        role_arn: None,
        external_id: None,
    };
    store.put_account(&acme, &prod).await.expect("put account");
    store.put_account(&acme, &dev).await.expect("put account");
    assert_eq!(
        store.list_accounts(&acme).await.expect("list"),
        [dev.clone(), prod.clone()],
        "accounts are listed by id"
    );
    prod.name = "production".to_owned();
    prod.external_id = None;
    store
        .put_account(&acme, &prod)
        .await
        .expect("replace account");
    assert_eq!(store.list_accounts(&acme).await.expect("list"), [dev, prod]);
}
