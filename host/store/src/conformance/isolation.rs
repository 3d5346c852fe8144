//! Tenant isolation: nothing written for one tenant is visible to, or touched by, another.

use super::fixtures::{
    alert, arn, assert_not_found, at, event, new_result, plugin, resource, scan, scan_id, snapshot,
    tenant, walk,
};
use crate::{
    Account, EventFilter, InventoryFilter, PageRequest, ResultFilter, ScanStatus, ScanUpdate,
    Store, StoreError, Tenant, result_id,
};
use lgp_events::{EventType, TenantId};
use lgp_model::Status;

/// Writes one of everything for `acme`; returns A's scan ids.
async fn populate(store: &dyn Store, t: &TenantId) -> Vec<String> {
    let tenant_record = Tenant {
        id: t.clone(),
        name: "Acme".to_owned(),
        created_at: at(0),
    };
    store.put_tenant(&tenant_record).await.expect("put tenant");
    let account = Account {
        account_id: "111111111111".to_owned(),
        name: "prod".to_owned(),
        role_arn: None,
        external_id: None,
    };
    store.put_account(t, &account).await.expect("put account");
    for n in 1..=2 {
        store
            .create_scan(t, &scan(n, "111111111111", ScanStatus::Completed))
            .await
            .expect("scan");
        let resources: Vec<_> = (1..=3)
            .map(|i| resource(&arn(i), "aws:s3:bucket", "us-east-1", &[("env", "a")]))
            .collect();
        store
            .put_resources(t, &scan_id(n), &resources)
            .await
            .expect("put resources");
        let results: Vec<_> = (1..=3)
            .map(|i| new_result("check", &arn(i), Status::Fail))
            .collect();
        store
            .apply_results(t, &scan_id(n), at(n.into()), &results)
            .await
            .expect("apply");
    }
    store
        .put_alert(t, &alert("a1", "open", 1))
        .await
        .expect("put alert");
    store
        .put_alert(t, &alert("a2", "open", 2))
        .await
        .expect("put alert");
    let events = [
        event(EventType::ComplianceViolation, Some(&scan_id(1)), 1),
        event(EventType::ComplianceViolation, Some(&scan_id(1)), 2),
    ];
    store
        .append_events(t, &events)
        .await
        .expect("append events");
    store
        .put_plugin(t, &plugin("p", "1.0.0", b"wasm"), b"wasm")
        .await
        .expect("put plugin");
    store
        .put_report(t, &scan_id(1), "html", b"<html/>")
        .await
        .expect("put report");
    for key in ["k1", "k2"] {
        store.kv_set(t, "state", key, b"a").await.expect("kv set");
    }
    vec![scan_id(1), scan_id(2)]
}

pub(super) async fn reads_never_cross_tenants(store: &dyn Store) {
    let (a, b) = (tenant("acme"), tenant("bravo"));
    populate(store, &a).await;
    let s1 = scan_id(1);
    let a_result = result_id(&a, "check", &arn(1));

    assert_not_found(store.get_tenant(&b).await, "tenant");
    assert!(store.list_accounts(&b).await.expect("accounts").is_empty());
    assert_not_found(store.get_scan(&b, &s1).await, "scan");
    assert!(
        walk(10, async |p| store.list_scans(&b, &p).await)
            .await
            .is_empty()
    );
    assert_eq!(
        store
            .previous_completed_scan(&b, "111111111111", &scan_id(2))
            .await
            .expect("previous"),
        None
    );
    assert!(
        store
            .scan_inventory(&b, &s1)
            .await
            .expect("scan inventory")
            .is_empty()
    );
    let any_resource = InventoryFilter::default();
    assert!(
        walk(10, async |p| store
            .list_inventory(&b, &any_resource, &p)
            .await)
        .await
        .is_empty()
    );
    assert_not_found(store.get_result(&b, &a_result).await, "result");
    let any_result = ResultFilter::default();
    assert!(
        walk(10, async |p| store.list_results(&b, &any_result, &p).await)
            .await
            .is_empty()
    );
    assert_not_found(store.get_alert(&b, "a1").await, "alert");
    assert!(
        walk(10, async |p| store.list_alerts(&b, None, &p).await)
            .await
            .is_empty()
    );
    let any_event = EventFilter::default();
    assert!(
        walk(10, async |p| store.list_events(&b, &any_event, &p).await)
            .await
            .is_empty()
    );
    assert!(store.list_plugins(&b).await.expect("plugins").is_empty());
    assert_not_found(store.get_plugin_component(&b, "p", "1.0.0").await, "plugin");
    assert_not_found(store.get_report(&b, &s1, "html").await, "report");
    assert_eq!(store.kv_get(&b, "state", "k1").await.expect("kv get"), None);
    assert!(
        walk(10, async |p| store.kv_list(&b, "state", "", &p).await)
            .await
            .is_empty()
    );

    // A cursor from A's listing, handed to B's, shows none of A's rows.
    let a_page = store
        .list_results(&a, &any_result, &PageRequest::first(1))
        .await
        .expect("list");
    let cursor = PageRequest {
        limit: 10,
        cursor: a_page.next,
    };
    match store.list_results(&b, &any_result, &cursor).await {
        Err(StoreError::BadCursor) => {}
        Ok(page) => assert!(page.items.is_empty(), "A's cursor showed B rows: {page:?}"),
        Err(other) => panic!("unexpected error for a foreign cursor: {other}"),
    }
    let a_page = store
        .kv_list(&a, "state", "", &PageRequest::first(1))
        .await
        .expect("list");
    let cursor = PageRequest {
        limit: 10,
        cursor: a_page.next,
    };
    match store.kv_list(&b, "state", "", &cursor).await {
        Err(StoreError::BadCursor) => {}
        Ok(page) => assert!(page.items.is_empty(), "A's cursor showed keys: {page:?}"),
        Err(other) => panic!("unexpected error for a foreign cursor: {other}"),
    }
}

pub(super) async fn writes_never_touch_another_tenant(store: &dyn Store) {
    let (a, b) = (tenant("acme"), tenant("bravo"));
    let scans = populate(store, &a).await;
    let before = snapshot(store, &a, &scans).await;
    let component_before = store
        .get_plugin_component(&a, "p", "1.0.0")
        .await
        .expect("get");

    // B's writes that name A's ids either fail as not found or land in B's own rows.
    assert_not_found(
        store
            .update_scan(&b, &scans[0], &ScanUpdate::default())
            .await,
        "scan",
    );
    assert_not_found(
        store.set_plugin_enabled(&b, "p", "1.0.0", false).await,
        "plugin",
    );
    assert_not_found(store.delete_plugin(&b, "p", "1.0.0").await, "plugin");
    store.remove_resources(&b, &[arn(1)]).await.expect("remove");
    let retired = store
        .retire_results(&b, &scan_id(3), at(3), &[arn(1)])
        .await
        .expect("retire");
    assert!(retired.is_empty(), "B retired A's results: {retired:?}");
    store.kv_delete(&b, "state", "k1").await.expect("kv delete");
    assert!(
        store
            .kv_put_if_absent(&b, "state", "k2", b"b")
            .await
            .expect("put if absent")
    );

    // Then B writes the same keys A has: its own copies.
    let b_scans = populate(store, &b).await;
    let applied = store
        .apply_results(
            &b,
            &scan_id(3),
            at(3),
            &[new_result("check", &arn(1), Status::Pass)],
        )
        .await
        .expect("apply");
    assert_eq!(applied.len(), 1);
    assert_ne!(applied[0].record.result_id, result_id(&a, "check", &arn(1)));
    store
        .put_alert(&b, &alert("a1", "resolved", 9))
        .await
        .expect("put alert");
    store.kv_set(&b, "state", "k1", b"b").await.expect("kv set");
    store
        .put_report(&b, &scan_id(1), "html", b"bravo")
        .await
        .expect("put report");
    store
        .put_plugin(&b, &plugin("p", "1.0.0", b"bravo"), b"bravo")
        .await
        .expect("put plugin");
    store
        .set_plugin_enabled(&b, "p", "1.0.0", false)
        .await
        .expect("disable");
    store.delete_plugin(&b, "p", "1.0.0").await.expect("delete");
    store
        .update_scan(
            &b,
            &scans[0],
            &ScanUpdate {
                status: Some(ScanStatus::Failed),
                ..Default::default()
            },
        )
        .await
        .expect("update B's own scan");
    store
        .remove_resources(&b, &[arn(1), arn(2)])
        .await
        .expect("remove");
    store
        .retire_results(&b, &scan_id(4), at(4), &[arn(2)])
        .await
        .expect("retire");

    assert_eq!(
        snapshot(store, &a, &scans).await,
        before,
        "B's writes changed A's data"
    );
    assert_eq!(
        store
            .get_plugin_component(&a, "p", "1.0.0")
            .await
            .expect("get"),
        component_before
    );
    assert_eq!(
        store
            .get_report(&a, &scan_id(1), "html")
            .await
            .expect("get"),
        b"<html/>"
    );
    assert_eq!(
        store
            .kv_get(&a, "state", "k2")
            .await
            .expect("get")
            .as_deref(),
        Some(&b"a"[..])
    );
    assert_eq!(b_scans, scans);
}
