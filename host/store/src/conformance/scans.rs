//! Scans: creation, additive updates, listing, the previous completed scan.

use super::fixtures::{assert_not_found, at, scan, scan_id, tenant, walk};
use crate::{ScanCounters, ScanStatus, ScanUpdate, Store};
use std::collections::BTreeMap;

pub(super) async fn scan_lifecycle(store: &dyn Store) {
    let t = tenant("acme");
    assert_not_found(store.get_scan(&t, &scan_id(1)).await, "scan");
    assert_not_found(
        store
            .update_scan(&t, &scan_id(1), &ScanUpdate::default())
            .await,
        "scan",
    );

    let mut created = scan(1, "111111111111", ScanStatus::Running);
    created.errors.insert("access_denied".to_owned(), 1);
    store.create_scan(&t, &created).await.expect("create scan");
    assert_eq!(
        store.get_scan(&t, &created.scan_id).await.expect("get"),
        created
    );

    // Creating again is a no-op, whatever the second copy says.
    let mut again = created.clone();
    again.status = ScanStatus::Failed;
    again.errors.insert("access_denied".to_owned(), 7);
    store.create_scan(&t, &again).await.expect("create again");
    assert_eq!(
        store.get_scan(&t, &created.scan_id).await.expect("get"),
        created
    );

    let add = ScanUpdate {
        add: ScanCounters {
            resources: 10,
            batches_published: 1,
            results: 4,
            passed: 3,
            failed: 1,
            evaluations_expected: 2,
            evaluations_done: 1,
            muted: 3,
            ..ScanCounters::default()
        },
        add_errors: BTreeMap::from([("access_denied".to_owned(), 2), ("plugin".to_owned(), 1)]),
        ..ScanUpdate::default()
    };
    store
        .update_scan(&t, &created.scan_id, &add)
        .await
        .expect("update");
    let after = store
        .update_scan(&t, &created.scan_id, &add)
        .await
        .expect("update");
    assert_eq!(
        after.status,
        ScanStatus::Running,
        "an update without status keeps it"
    );
    assert_eq!(after.finished_at, None);
    assert!(!after.collected);
    assert_eq!(
        after.counters,
        ScanCounters {
            resources: 20,
            batches_published: 2,
            results: 8,
            passed: 6,
            failed: 2,
            evaluations_expected: 4,
            evaluations_done: 2,
            muted: 6,
            ..ScanCounters::default()
        },
        "counters add up"
    );
    assert_eq!(
        after.errors,
        BTreeMap::from([("access_denied".to_owned(), 5), ("plugin".to_owned(), 2)]),
        "error counts add up"
    );

    let finish = ScanUpdate {
        status: Some(ScanStatus::Completed),
        finished_at: Some(at(500)),
        collected: Some(true),
        ..ScanUpdate::default()
    };
    let done = store
        .update_scan(&t, &created.scan_id, &finish)
        .await
        .expect("finish");
    assert_eq!(done.status, ScanStatus::Completed);
    assert_eq!(done.finished_at, Some(at(500)));
    assert!(done.collected);
    assert_eq!(
        done.counters, after.counters,
        "an update adding nothing keeps the counters"
    );
    assert_eq!(
        store.get_scan(&t, &created.scan_id).await.expect("get"),
        done
    );
}

pub(super) async fn scans_newest_first(store: &dyn Store) {
    let t = tenant("acme");
    for n in [3, 1, 5, 2, 4] {
        store
            .create_scan(&t, &scan(n, "111111111111", ScanStatus::Completed))
            .await
            .expect("create");
    }
    for limit in [1, 2, 100] {
        let ids: Vec<String> = walk(limit, async |p| store.list_scans(&t, &p).await)
            .await
            .into_iter()
            .map(|s| s.scan_id)
            .collect();
        let expected: Vec<String> = [5, 4, 3, 2, 1].into_iter().map(scan_id).collect();
        assert_eq!(
            ids, expected,
            "scans are listed newest first (limit {limit})"
        );
    }
}

pub(super) async fn previous_completed_scan(store: &dyn Store) {
    let t = tenant("acme");
    let (a, b) = ("111111111111", "222222222222");
    for s in [
        scan(1, a, ScanStatus::Completed),
        scan(2, a, ScanStatus::Failed),
        scan(3, a, ScanStatus::Completed),
        scan(4, b, ScanStatus::Completed),
        scan(5, a, ScanStatus::Running),
        scan(6, b, ScanStatus::Running),
    ] {
        store.create_scan(&t, &s).await.expect("create");
    }
    let previous = async |account: &str, n: u32| {
        store
            .previous_completed_scan(&t, account, &scan_id(n))
            .await
            .expect("previous completed scan")
            .map(|s| s.scan_id)
    };
    assert_eq!(
        previous(a, 5).await,
        Some(scan_id(3)),
        "newest completed before"
    );
    assert_eq!(
        previous(a, 3).await,
        Some(scan_id(1)),
        "failed scans do not count"
    );
    assert_eq!(previous(a, 1).await, None, "nothing before the first");
    assert_eq!(
        previous(b, 6).await,
        Some(scan_id(4)),
        "only the same account"
    );
    assert_eq!(previous(b, 3).await, None, "only scans started before");
    assert_eq!(previous("333333333333", 9).await, None);
}
