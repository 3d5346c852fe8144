//! Plugins, reports, key/value state.

use super::fixtures::{assert_not_found, plugin, tenant, walk};
use crate::{Store, StoreError};

pub(super) async fn plugins_round_trip(store: &dyn Store) {
    let t = tenant("acme");
    assert!(store.list_plugins(&t).await.expect("list").is_empty());
    assert_not_found(store.get_plugin_component(&t, "p", "1.0.0").await, "plugin");
    assert_not_found(
        store.set_plugin_enabled(&t, "p", "1.0.0", false).await,
        "plugin",
    );
    assert_not_found(store.delete_plugin(&t, "p", "1.0.0").await, "plugin");

    let (v2, v1, other) = (b"component v2".to_vec(), b"v1".to_vec(), b"other".to_vec());
    let records = [
        plugin("p", "2.0.0", &v2),
        plugin("p", "1.0.0", &v1),
        plugin("a", "0.1.0", &other),
    ];
    for (record, bytes) in records.iter().zip([&v2, &v1, &other]) {
        store
            .put_plugin(&t, record, bytes)
            .await
            .expect("put plugin");
    }
    let listed = store.list_plugins(&t).await.expect("list");
    assert_eq!(
        listed,
        [records[2].clone(), records[1].clone(), records[0].clone()],
        "plugins are listed by name, then version"
    );
    assert_eq!(
        store
            .get_plugin_component(&t, "p", "2.0.0")
            .await
            .expect("get"),
        v2
    );
    assert_eq!(
        store
            .get_plugin_component(&t, "p", "1.0.0")
            .await
            .expect("get"),
        v1
    );

    store
        .set_plugin_enabled(&t, "p", "1.0.0", false)
        .await
        .expect("disable");
    let listed = store.list_plugins(&t).await.expect("list");
    assert!(
        !listed[1].enabled && listed[2].enabled,
        "only that version is disabled"
    );

    store.delete_plugin(&t, "p", "1.0.0").await.expect("delete");
    assert_not_found(store.get_plugin_component(&t, "p", "1.0.0").await, "plugin");
    assert_eq!(store.list_plugins(&t).await.expect("list").len(), 2);

    let mut lying = plugin("q", "1.0.0", b"abc");
    lying.size = 99;
    assert!(
        matches!(
            store.put_plugin(&t, &lying, b"abc").await,
            Err(StoreError::Invalid { .. })
        ),
        "a record whose size is not the component's is refused"
    );
}

pub(super) async fn reports_round_trip(store: &dyn Store) {
    let t = tenant("acme");
    assert_not_found(store.get_report(&t, "s1", "html").await, "report");
    store
        .put_report(&t, "s1", "html", b"<html>1</html>")
        .await
        .expect("put report");
    store
        .put_report(&t, "s1", "json", b"{}")
        .await
        .expect("put report");
    assert_eq!(
        store.get_report(&t, "s1", "html").await.expect("get"),
        b"<html>1</html>"
    );
    assert_eq!(
        store.get_report(&t, "s1", "json").await.expect("get"),
        b"{}"
    );
    store
        .put_report(&t, "s1", "html", b"<html>2</html>")
        .await
        .expect("replace report");
    assert_eq!(
        store.get_report(&t, "s1", "html").await.expect("get"),
        b"<html>2</html>"
    );
    assert_not_found(store.get_report(&t, "s2", "html").await, "report");
}

pub(super) async fn kv_round_trip(store: &dyn Store) {
    let t = tenant("acme");
    let p = "state";
    assert_eq!(store.kv_get(&t, p, "k").await.expect("get"), None);
    store.kv_set(&t, p, "k", b"1").await.expect("set");
    assert_eq!(
        store.kv_get(&t, p, "k").await.expect("get").as_deref(),
        Some(&b"1"[..])
    );
    store.kv_set(&t, p, "k", b"2").await.expect("overwrite");
    assert_eq!(
        store.kv_get(&t, p, "k").await.expect("get").as_deref(),
        Some(&b"2"[..])
    );
    assert_eq!(
        store.kv_get(&t, "other-plugin", "k").await.expect("get"),
        None,
        "per plugin"
    );

    assert!(
        !store
            .kv_put_if_absent(&t, p, "k", b"3")
            .await
            .expect("put if absent")
    );
    assert_eq!(
        store.kv_get(&t, p, "k").await.expect("get").as_deref(),
        Some(&b"2"[..])
    );
    assert!(
        store
            .kv_put_if_absent(&t, p, "fresh", b"x")
            .await
            .expect("put if absent")
    );
    assert!(
        !store
            .kv_put_if_absent(&t, p, "fresh", b"y")
            .await
            .expect("put if absent")
    );
    assert_eq!(
        store.kv_get(&t, p, "fresh").await.expect("get").as_deref(),
        Some(&b"x"[..])
    );

    store.kv_delete(&t, p, "k").await.expect("delete");
    assert_eq!(store.kv_get(&t, p, "k").await.expect("get"), None);
    store
        .kv_delete(&t, p, "k")
        .await
        .expect("deleting an absent key is fine");

    for key in ["a/2", "a/1", "a_b", "a%c", "b/1", "a/10", "a"] {
        store.kv_set(&t, p, key, b"v").await.expect("set");
    }
    let keys = async |prefix: &str, limit: u32| -> Vec<String> {
        walk(limit, async |pg| store.kv_list(&t, p, prefix, &pg).await).await
    };
    assert_eq!(
        keys("a/", 1).await,
        ["a/1", "a/10", "a/2"],
        "prefix, ordered"
    );
    assert_eq!(keys("a_", 2).await, ["a_b"], "no wildcards in prefixes");
    assert_eq!(keys("a%", 2).await, ["a%c"]);
    assert_eq!(
        keys("", 3).await.len(),
        8,
        "the empty prefix lists every key"
    );
    assert!(keys("z", 3).await.is_empty());
}
