//! Redelivery: storing a scan's writes again, now or after a later scan, changes nothing.

use super::fixtures::{
    alert, arn, at, event, new_result, resource, resource_with, scan, scan_id, snapshot, tenant,
};
use crate::{ScanStatus, Store, StoredEvent};
use lgp_events::EventType;
use lgp_model::Status;

pub(super) async fn redelivered_scan_changes_nothing(store: &dyn Store) {
    let t = tenant("acme");
    let s1 = scan_id(1);
    let resources: Vec<_> = (1..=5)
        .map(|n| resource(&arn(n), "aws:s3:bucket", "us-east-1", &[("env", "prod")]))
        .collect();
    let results: Vec<_> = (1..=5)
        .map(|n| {
            new_result(
                "check",
                &arn(n),
                if n % 2 == 0 {
                    Status::Fail
                } else {
                    Status::Pass
                },
            )
        })
        .collect();
    let events: Vec<StoredEvent> = (1..=3)
        .map(|n| event(EventType::ComplianceViolation, Some(&s1), n))
        .collect();
    let deliver = async || {
        store
            .create_scan(&t, &scan(1, "111111111111", ScanStatus::Running))
            .await
            .expect("create");
        store
            .put_resources(&t, &s1, &resources)
            .await
            .expect("put resources");
        let transitions = store
            .apply_results(&t, &s1, at(1), &results)
            .await
            .expect("apply results");
        let retired = store
            .retire_results(&t, &s1, at(1), &[arn(99)])
            .await
            .expect("retire results");
        store
            .append_events(&t, &events)
            .await
            .expect("append events");
        store
            .put_alert(&t, &alert("a1", "open", 1))
            .await
            .expect("put alert");
        store
            .kv_set(&t, "state", "cursor", b"1")
            .await
            .expect("kv set");
        transitions.len() + retired.len()
    };
    assert_eq!(
        deliver().await,
        5,
        "the first delivery reports the new results"
    );
    let before = snapshot(store, &t, std::slice::from_ref(&s1)).await;
    assert_eq!(deliver().await, 0, "the second delivery reports nothing");
    assert_eq!(
        snapshot(store, &t, &[s1]).await,
        before,
        "the second delivery changes nothing"
    );
}

pub(super) async fn late_redelivery_does_not_roll_back(store: &dyn Store) {
    let t = tenant("acme");
    let (s1, s2) = (scan_id(1), scan_id(2));
    let v1: Vec<_> = (1..=3)
        .map(|n| resource(&arn(n), "aws:s3:bucket", "us-east-1", &[]))
        .collect();
    let r1 = [
        new_result("check", &arn(1), Status::Pass),
        new_result("check", &arn(2), Status::Fail),
        new_result("check", &arn(3), Status::Fail),
    ];
    store.put_resources(&t, &s1, &v1).await.expect("put");
    store
        .apply_results(&t, &s1, at(1), &r1)
        .await
        .expect("apply");

    // Scan 2: arn 1 changed and fails, arn 2 passes, arn 3 is gone.
    let v2 = [
        resource_with(
            &arn(1),
            "aws:s3:bucket",
            "us-east-1",
            &[],
            r#"{"versioning":false}"#,
        ),
        v1[1].clone(),
    ];
    store.put_resources(&t, &s2, &v2).await.expect("put");
    let changed = store
        .apply_results(
            &t,
            &s2,
            at(2),
            &[
                new_result("check", &arn(1), Status::Fail),
                new_result("check", &arn(2), Status::Pass),
            ],
        )
        .await
        .expect("apply");
    assert_eq!(changed.len(), 2);
    store.remove_resources(&t, &[arn(3)]).await.expect("remove");
    let retired = store
        .retire_results(&t, &s2, at(2), &[arn(3)])
        .await
        .expect("retire");
    assert_eq!(retired.len(), 1);
    let after_s2 = snapshot(store, &t, &[s1.clone(), s2.clone()]).await;

    // Scan 1's writes arrive again, late.
    store.put_resources(&t, &s1, &v1).await.expect("put again");
    let late = store
        .apply_results(&t, &s1, at(1), &r1)
        .await
        .expect("apply again");
    assert!(
        late.is_empty(),
        "a late redelivery reports nothing: {late:?}"
    );
    assert_eq!(
        snapshot(store, &t, &[s1, s2]).await,
        after_s2,
        "a late redelivery changes neither results nor the current inventory"
    );
}
