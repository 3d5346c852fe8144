//! Alerts.

use super::fixtures::{alert, assert_not_found, at, tenant, walk};
use crate::Store;

pub(super) async fn alerts_round_trip(store: &dyn Store) {
    let t = tenant("acme");
    assert_not_found(store.get_alert(&t, "a1").await, "alert");
    let (a1, a2, a3) = (
        alert("a1", "open", 1),
        alert("a2", "resolved", 3),
        alert("a3", "open", 2),
    );
    for a in [&a1, &a2, &a3] {
        store.put_alert(&t, a).await.expect("put alert");
    }
    assert_eq!(store.get_alert(&t, "a2").await.expect("get alert"), a2);

    let ids = async |state: Option<&str>, limit: u32| -> Vec<String> {
        walk(limit, async |p| store.list_alerts(&t, state, &p).await)
            .await
            .into_iter()
            .map(|a| a.alert_id)
            .collect()
    };
    assert_eq!(
        ids(None, 1).await,
        ["a2", "a3", "a1"],
        "newest change first"
    );
    assert_eq!(ids(Some("open"), 1).await, ["a3", "a1"]);
    assert!(ids(Some("acknowledged"), 10).await.is_empty());

    // Replacing an alert moves it in the order.
    let mut acked = a1.clone();
    acked.state = "acknowledged".to_owned();
    acked.acknowledged_by = Some("alice".to_owned());
    acked.updated_at = at(9);
    store.put_alert(&t, &acked).await.expect("replace alert");
    assert_eq!(store.get_alert(&t, "a1").await.expect("get"), acked);
    assert_eq!(ids(None, 2).await, ["a1", "a2", "a3"]);
    assert_eq!(ids(Some("acknowledged"), 2).await, ["a1"]);

    // Equal change times still page without loss, by id.
    for n in 0..5 {
        store
            .put_alert(&t, &alert(&format!("tie{n}"), "open", 50))
            .await
            .expect("put");
    }
    assert_eq!(ids(None, 2).await.len(), 8);
    assert_eq!(ids(None, 2).await, ids(None, 100).await);
}
