//! Paged listings return every item exactly once and refuse cursors they did not issue.

use lgp_store::Store;

use crate::support::{Server, error_code, scan_record, tenant};
use lgp_tenant::Role;
use serde_json::Value;
use std::collections::BTreeSet;

/// Every `key` of every page of `listing` read `limit` at a time, in order.
async fn read_all(
    server: &Server,
    token: &str,
    listing: &str,
    limit: u32,
    key: &str,
) -> Vec<String> {
    let mut keys = Vec::new();
    let separator = if listing.contains('?') { '&' } else { '?' };
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            None => format!("{listing}{separator}limit={limit}"),
            Some(c) => format!("{listing}{separator}limit={limit}&cursor={c}"),
        };
        let page = server.get_json(&path, token).await;
        let items = page["items"].as_array().expect("items");
        assert!(items.len() <= limit as usize, "page larger than its limit");
        keys.extend(
            items
                .iter()
                .map(|item| item[key].as_str().expect("key").to_owned()),
        );
        match &page["next"] {
            Value::Null => return keys,
            Value::String(next) => cursor = Some(next.clone()),
            other => panic!("next is {other}"),
        }
    }
}

#[tokio::test]
async fn pages_cover_every_item_exactly_once() {
    let server = Server::start().await;
    let acme = tenant("acme");
    let mut ids = BTreeSet::new();
    for n in 0..23 {
        let id = format!("01JAAAAAAAAAAAAAAA{n:08}");
        server
            .store
            .create_scan(&acme, &scan_record(&id))
            .await
            .expect("scan");
        ids.insert(id);
    }
    let token = server.token("acme", Role::Viewer);
    for limit in [1, 5, 23, 100] {
        let listed = read_all(&server, &token, "/v1/scans", limit, "scan_id").await;
        assert_eq!(
            listed.len(),
            ids.len(),
            "limit {limit}: no repeats, none missing"
        );
        assert_eq!(listed.iter().cloned().collect::<BTreeSet<_>>(), ids);
        let mut newest_first = listed.clone();
        newest_first.sort_by(|a, b| b.cmp(a));
        assert_eq!(listed, newest_first, "scans are newest first");
    }
    server
        .record_results("acme", "01JAAAAAAAAAAAAAAA00000001", "s3_bucket_public", 17)
        .await;
    let findings = read_all(&server, &token, "/v1/findings?status=fail", 4, "result_id").await;
    assert_eq!(findings.len(), 9);
    assert_eq!(findings.iter().collect::<BTreeSet<_>>().len(), 9);
}

#[tokio::test]
async fn cursors_that_were_not_issued_for_the_listing_are_400() {
    let server = Server::start().await;
    let acme = tenant("acme");
    for n in 0..3 {
        server
            .store
            .create_scan(&acme, &scan_record(&format!("01JAAAAAAAAAAAAAAA{n:08}")))
            .await
            .expect("scan");
    }
    let token = server.token("acme", Role::Viewer);
    let first = server.get_json("/v1/scans?limit=1", &token).await;
    let cursor = first["next"].as_str().expect("a next page").to_owned();
    let bravo = server.token("bravo", Role::Viewer);
    for (path, token) in [
        ("/v1/scans?cursor=garbage".to_owned(), &token),
        (format!("/v1/alerts?cursor={cursor}"), &token),
        (format!("/v1/scans?cursor={cursor}"), &bravo),
    ] {
        let response = server.get(&path, token).await;
        assert_eq!(response.status(), 400, "{path}");
        assert_eq!(error_code(response).await, "bad_cursor");
    }
}
