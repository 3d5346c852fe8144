//! Results: the transitions storing them reports, retirement, listing.

use super::fixtures::{arn, assert_not_found, at, new_result, scan_id, tenant, walk};
use crate::{ResultFilter, ResultRecord, Store, Transition, result_id};
use lgp_model::{Severity, Status};

fn one(mut transitions: Vec<Transition>, what: &str) -> Transition {
    assert_eq!(
        transitions.len(),
        1,
        "{what}: expected one transition, got {transitions:?}"
    );
    transitions.remove(0)
}

pub(super) async fn transitions(store: &dyn Store) {
    let t = tenant("acme");
    let (r1, r2) = (arn(1), arn(2));
    let check = "s3_bucket_versioning";

    // New results: previous None; only the failing one is a new failure.
    let batch = [
        new_result(check, &r1, Status::Pass),
        new_result(check, &r2, Status::Fail),
    ];
    let first = store
        .apply_results(&t, &scan_id(1), at(1), &batch)
        .await
        .expect("apply");
    assert_eq!(first.len(), 2, "both results are new: {first:?}");
    for tr in &first {
        assert_eq!(tr.previous, None, "a new result has no previous status");
        assert_eq!(
            tr.record.result_id,
            result_id(&t, check, &tr.record.resource_arn)
        );
        assert_eq!((tr.record.first_seen, tr.record.last_seen), (at(1), at(1)));
        assert_eq!(tr.record.last_scan_id, scan_id(1));
        assert_eq!(tr.record.history.len(), 1);
        assert!(!tr.record.resource_removed && !tr.record.muted);
        assert_eq!(
            store
                .get_result(&t, &tr.record.result_id)
                .await
                .expect("get result"),
            tr.record,
            "the transition carries the stored record"
        );
    }
    let pass = first
        .iter()
        .find(|tr| tr.record.resource_arn == r1)
        .expect("r1");
    let fail = first
        .iter()
        .find(|tr| tr.record.resource_arn == r2)
        .expect("r2");
    assert!(!pass.is_new_failure() && !pass.is_resolution());
    assert!(fail.is_new_failure() && !fail.is_resolution());
    let (id1, id2) = (pass.record.result_id.clone(), fail.record.result_id.clone());

    // The same input again: nothing changes, nothing is reported.
    let before = store.get_result(&t, &id2).await.expect("get");
    let again = store
        .apply_results(&t, &scan_id(1), at(1), &batch)
        .await
        .expect("apply again");
    assert!(
        again.is_empty(),
        "redelivery reports no transition: {again:?}"
    );
    assert_eq!(store.get_result(&t, &id2).await.expect("get"), before);

    // Next scan: pass → fail is a new failure; fail → fail is no transition but is seen.
    let mut still_failing = new_result(check, &r2, Status::Fail);
    still_failing.message = "still failing".to_owned();
    let second = store
        .apply_results(
            &t,
            &scan_id(2),
            at(2),
            &[new_result(check, &r1, Status::Fail), still_failing],
        )
        .await
        .expect("apply");
    let tr = one(second, "pass → fail");
    assert_eq!(tr.record.result_id, id1);
    assert_eq!(tr.previous, Some(Status::Pass));
    assert!(tr.is_new_failure());
    assert_eq!((tr.record.first_seen, tr.record.last_seen), (at(1), at(2)));
    assert_eq!(
        tr.record
            .history
            .iter()
            .map(|h| h.status)
            .collect::<Vec<_>>(),
        [Status::Pass, Status::Fail],
        "history grows on a change"
    );
    let r2_now = store.get_result(&t, &id2).await.expect("get");
    assert_eq!(r2_now.status, Status::Fail);
    assert_eq!(
        (r2_now.last_seen, r2_now.last_scan_id.as_str()),
        (at(2), scan_id(2).as_str())
    );
    assert_eq!(
        r2_now.message, "still failing",
        "message follows the latest scan"
    );
    assert_eq!(r2_now.history.len(), 1, "no history entry without a change");

    // fail → pass is a resolution.
    let third = store
        .apply_results(
            &t,
            &scan_id(3),
            at(3),
            &[new_result(check, &r1, Status::Pass)],
        )
        .await
        .expect("apply");
    let tr = one(third, "fail → pass");
    assert_eq!(tr.previous, Some(Status::Fail));
    assert!(tr.is_resolution() && !tr.is_new_failure());
    assert_not_found(store.get_result(&t, "0000").await, "result");
}

pub(super) async fn mute_changes(store: &dyn Store) {
    let t = tenant("acme");
    let (r1, r2) = (arn(1), arn(2));
    let check = "s3_bucket_public";
    let muted = |arn: &str, status| {
        let mut r = new_result(check, arn, status);
        r.muted = true;
        r
    };

    // A new failure that is muted is stored and marked, but is no new failure.
    let first = store
        .apply_results(
            &t,
            &scan_id(1),
            at(1),
            &[
                muted(&r1, Status::Fail),
                new_result(check, &r2, Status::Fail),
            ],
        )
        .await
        .expect("apply");
    let m = first
        .iter()
        .find(|tr| tr.record.resource_arn == r1)
        .expect("r1");
    assert!(m.record.muted && !m.is_new_failure() && !m.is_resolution());
    let id2 = result_id(&t, check, &r2);

    // Muting a counted failure resolves it; the history records the mute.
    let tr = one(
        store
            .apply_results(&t, &scan_id(2), at(2), &[muted(&r2, Status::Fail)])
            .await
            .expect("apply"),
        "fail → muted fail",
    );
    assert_eq!(
        (tr.previous, tr.previous_muted),
        (Some(Status::Fail), false)
    );
    assert!(tr.record.muted && tr.is_resolution() && !tr.is_new_failure());
    let stored = store.get_result(&t, &id2).await.expect("get");
    assert!(stored.muted);
    assert_eq!(
        stored
            .history
            .iter()
            .map(|h| (h.status, h.muted))
            .collect::<Vec<_>>(),
        [(Status::Fail, false), (Status::Fail, true)]
    );

    // Still muted and failing: nothing to report.
    assert!(
        store
            .apply_results(&t, &scan_id(3), at(3), &[muted(&r2, Status::Fail)])
            .await
            .expect("apply")
            .is_empty()
    );

    // The mute ends (expired or removed) while it still fails: a new failure again.
    let tr = one(
        store
            .apply_results(
                &t,
                &scan_id(4),
                at(4),
                &[new_result(check, &r2, Status::Fail)],
            )
            .await
            .expect("apply"),
        "muted fail → fail",
    );
    assert_eq!((tr.previous, tr.previous_muted), (Some(Status::Fail), true));
    assert!(!tr.record.muted && tr.is_new_failure() && !tr.is_resolution());

    // A muted failure that passes resolves nothing (it was not counted).
    let tr = one(
        store
            .apply_results(&t, &scan_id(5), at(5), &[muted(&r1, Status::Pass)])
            .await
            .expect("apply"),
        "muted fail → muted pass",
    );
    assert!(!tr.is_resolution() && !tr.is_new_failure());
    let listed = store
        .list_results(
            &t,
            &ResultFilter {
                muted: Some(true),
                ..ResultFilter::default()
            },
            &crate::PageRequest::first(10),
        )
        .await
        .expect("list");
    assert_eq!(
        listed
            .items
            .iter()
            .map(|r| r.resource_arn.as_str())
            .collect::<Vec<_>>(),
        [r1.as_str()]
    );
}

pub(super) async fn retire_and_return(store: &dyn Store) {
    let t = tenant("acme");
    let (r1, r2) = (arn(1), arn(2));
    let batch = [
        new_result("check_a", &r1, Status::Fail),
        new_result("check_b", &r1, Status::Pass),
        new_result("check_a", &r2, Status::Fail),
    ];
    store
        .apply_results(&t, &scan_id(1), at(1), &batch)
        .await
        .expect("apply");

    // r1 disappears: both its results are retired; the failing one resolves.
    let retired = store
        .retire_results(&t, &scan_id(2), at(2), std::slice::from_ref(&r1))
        .await
        .expect("retire");
    assert_eq!(
        retired.len(),
        2,
        "every result of the resource is retired: {retired:?}"
    );
    for tr in &retired {
        assert!(tr.record.resource_removed);
        assert_eq!(
            tr.previous,
            Some(tr.record.status),
            "retirement keeps the status"
        );
        assert!(!tr.is_new_failure());
        assert_eq!(tr.is_resolution(), tr.record.status == Status::Fail);
    }
    let a1 = result_id(&t, "check_a", &r1);
    let stored = store.get_result(&t, &a1).await.expect("get");
    assert!(stored.resource_removed && stored.status == Status::Fail);
    let r2_result = store
        .get_result(&t, &result_id(&t, "check_a", &r2))
        .await
        .expect("get");
    assert!(!r2_result.resource_removed, "other resources are untouched");

    let again = store
        .retire_results(&t, &scan_id(2), at(2), std::slice::from_ref(&r1))
        .await
        .expect("retire again");
    assert!(
        again.is_empty(),
        "retiring again reports nothing: {again:?}"
    );

    // r1 comes back, still failing: a new failure, no longer removed.
    let back = store
        .apply_results(
            &t,
            &scan_id(3),
            at(3),
            &[new_result("check_a", &r1, Status::Fail)],
        )
        .await
        .expect("apply");
    let tr = one(back, "a retired result comes back");
    assert!(!tr.record.resource_removed);
    assert!(
        tr.is_new_failure(),
        "a failing resource that comes back fails anew: {tr:?}"
    );
    assert!(!tr.is_resolution());
    assert_eq!(tr.record.first_seen, at(1), "first seen stays");
}

pub(super) async fn listing_and_filters(store: &dyn Store) {
    let t = tenant("acme");
    let mut batch = Vec::new();
    for check in ["c_b", "c_a"] {
        for n in [3, 1, 2] {
            let status = if n == 2 { Status::Fail } else { Status::Pass };
            let mut r = new_result(check, &arn(n), status);
            if check == "c_b" {
                r.severity = Severity::Low;
            }
            batch.push(r);
        }
    }
    store
        .apply_results(&t, &scan_id(1), at(1), &batch[..3])
        .await
        .expect("apply");
    store
        .apply_results(&t, &scan_id(2), at(2), &batch[3..])
        .await
        .expect("apply");

    let list = async |filter: ResultFilter, limit: u32| -> Vec<ResultRecord> {
        walk(limit, async |p| store.list_results(&t, &filter, &p).await).await
    };
    let keys = |records: Vec<ResultRecord>| -> Vec<(String, String)> {
        records
            .into_iter()
            .map(|r| (r.check_id, r.resource_arn))
            .collect()
    };
    let all = keys(list(ResultFilter::default(), 2).await);
    let expected: Vec<(String, String)> = ["c_a", "c_b"]
        .into_iter()
        .flat_map(|c| (1..=3).map(move |n| (c.to_owned(), arn(n))))
        .collect();
    assert_eq!(all, expected, "results are listed by check, then resource");

    let only = |f: ResultFilter| list(f, 100);
    let failing = keys(
        only(ResultFilter {
            status: Some(Status::Fail),
            ..Default::default()
        })
        .await,
    );
    assert_eq!(
        failing,
        [("c_a".to_owned(), arn(2)), ("c_b".to_owned(), arn(2))]
    );
    let low = only(ResultFilter {
        severity: Some(Severity::Low),
        ..Default::default()
    })
    .await;
    assert!(low.len() == 3 && low.iter().all(|r| r.check_id == "c_b"));
    let by_check = only(ResultFilter {
        check_id: Some("c_a".to_owned()),
        ..Default::default()
    })
    .await;
    assert!(by_check.len() == 3 && by_check.iter().all(|r| r.check_id == "c_a"));
    let by_arn = only(ResultFilter {
        resource_arn: Some(arn(3)),
        ..Default::default()
    })
    .await;
    assert!(by_arn.len() == 2 && by_arn.iter().all(|r| r.resource_arn == arn(3)));
    assert_eq!(
        only(ResultFilter {
            muted: Some(false),
            ..Default::default()
        })
        .await
        .len(),
        6
    );
    assert!(
        only(ResultFilter {
            muted: Some(true),
            ..Default::default()
        })
        .await
        .is_empty()
    );
    let by_scan = only(ResultFilter {
        scan_id: Some(scan_id(2)),
        ..Default::default()
    })
    .await;
    assert!(by_scan.len() == 3 && by_scan.iter().all(|r| r.check_id == "c_a"));
    let combined = keys(
        only(ResultFilter {
            status: Some(Status::Pass),
            check_id: Some("c_b".to_owned()),
            ..Default::default()
        })
        .await,
    );
    assert_eq!(
        combined,
        [("c_b".to_owned(), arn(1)), ("c_b".to_owned(), arn(3))]
    );
}
