//! Paging: every item exactly once at any page size, the page cap, refused cursors.

use super::fixtures::{alert, arn, at, event, new_result, resource, scan, scan_id, tenant, walk};
use crate::{
    Cursor, EventFilter, InventoryFilter, MAX_PAGE, PageRequest, ResultFilter, ScanStatus, Store,
    StoreError, Tenant,
};
use lgp_events::EventType;
use lgp_model::{Resource, Status};

/// Puts `n` items in every paged listing of tenant `acme`.
async fn fill(store: &dyn Store, n: u32) {
    let t = tenant("acme");
    for i in 0..n {
        let id = tenant(&format!("t{i:03}"));
        let record = Tenant {
            id,
            name: format!("tenant {i}"),
            created_at: at(0),
        };
        store.put_tenant(&record).await.expect("put tenant");
        store
            .create_scan(&t, &scan(i, "111111111111", ScanStatus::Completed))
            .await
            .expect("create scan");
        store
            .put_alert(&t, &alert(&format!("a{i}"), "open", i64::from(i % 3)))
            .await
            .expect("put alert");
        store
            .kv_set(&t, "state", &format!("k{i:03}"), b"v")
            .await
            .expect("kv set");
    }
    let resources: Vec<Resource> = (0..n)
        .map(|i| resource(&arn(i), "aws:s3:bucket", "us-east-1", &[]))
        .collect();
    store
        .put_resources(&t, &scan_id(0), &resources)
        .await
        .expect("put resources");
    let results: Vec<_> = (0..n)
        .map(|i| new_result("check", &arn(i), Status::Pass))
        .collect();
    store
        .apply_results(&t, &scan_id(0), at(0), &results)
        .await
        .expect("apply results");
    let events: Vec<_> = (0..n)
        .map(|i| event(EventType::InventoryDiscovered, None, i64::from(i)))
        .collect();
    store
        .append_events(&t, &events)
        .await
        .expect("append events");
}

/// Reads one page of the named listing of `acme`, returning how many items it held.
async fn read(
    store: &dyn Store,
    listing: &str,
    page: PageRequest,
) -> Result<(usize, Option<Cursor>), StoreError> {
    let t = tenant("acme");
    macro_rules! sized {
        ($call:expr) => {{
            let p = $call.await?;
            Ok((p.items.len(), p.next))
        }};
    }
    match listing {
        "tenants" => sized!(store.list_tenants(&page)),
        "scans" => sized!(store.list_scans(&t, &page)),
        "inventory" => sized!(store.list_inventory(&t, &InventoryFilter::default(), &page)),
        "results" => sized!(store.list_results(&t, &ResultFilter::default(), &page)),
        "alerts" => sized!(store.list_alerts(&t, None, &page)),
        "events" => sized!(store.list_events(&t, &EventFilter::default(), &page)),
        "kv" => sized!(store.kv_list(&t, "state", "", &page)),
        other => panic!("no listing {other}"),
    }
}

const LISTINGS: [&str; 7] = [
    "tenants",
    "scans",
    "inventory",
    "results",
    "alerts",
    "events",
    "kv",
];

pub(super) async fn every_listing_pages_exactly_once(store: &dyn Store) {
    let t = tenant("acme");
    fill(store, 7).await;
    macro_rules! exactly_once {
        ($name:literal, $list:expr) => {{
            let full = walk(MAX_PAGE, $list).await;
            assert_eq!(full.len(), 7, "{} lists every item", $name);
            for limit in [1, 2, 3, 6, 7, 8] {
                assert_eq!(
                    walk(limit, $list).await,
                    full,
                    "{} at page size {limit}",
                    $name
                );
            }
        }};
    }
    exactly_once!("tenants", async |p| store.list_tenants(&p).await);
    exactly_once!("scans", async |p| store.list_scans(&t, &p).await);
    exactly_once!("inventory", async |p| {
        store
            .list_inventory(&t, &InventoryFilter::default(), &p)
            .await
    });
    exactly_once!("results", async |p| {
        store.list_results(&t, &ResultFilter::default(), &p).await
    });
    exactly_once!("alerts", async |p| store.list_alerts(&t, None, &p).await);
    exactly_once!("events", async |p| {
        store.list_events(&t, &EventFilter::default(), &p).await
    });
    exactly_once!("kv", async |p| store.kv_list(&t, "state", "", &p).await);

    for listing in LISTINGS {
        let (n, next) = read(store, listing, PageRequest::first(7))
            .await
            .expect("read");
        assert_eq!(
            (n, next),
            (7, None),
            "{listing}: a page holding the rest is the last page"
        );
        let (n, next) = read(store, listing, PageRequest::first(0))
            .await
            .expect("read");
        assert!(
            n == 1 && next.is_some(),
            "{listing}: a limit of 0 reads one item"
        );
    }
}

pub(super) async fn page_size_is_capped(store: &dyn Store) {
    let t = tenant("acme");
    let many: Vec<Resource> = (0..=MAX_PAGE)
        .map(|i| {
            resource(
                &format!("arn:aws:s3:::b{i:05}"),
                "aws:s3:bucket",
                "us-east-1",
                &[],
            )
        })
        .collect();
    store
        .put_resources(&t, &scan_id(1), &many)
        .await
        .expect("put resources");
    let first = store
        .list_inventory(
            &t,
            &InventoryFilter::default(),
            &PageRequest::first(u32::MAX),
        )
        .await
        .expect("list");
    assert_eq!(
        first.items.len(),
        MAX_PAGE as usize,
        "pages are capped at MAX_PAGE"
    );
    let rest = store
        .list_inventory(
            &t,
            &InventoryFilter::default(),
            &PageRequest {
                limit: u32::MAX,
                cursor: first.next,
            },
        )
        .await
        .expect("list");
    assert_eq!(rest.items.len(), 1);
    assert!(rest.next.is_none());
}

pub(super) async fn foreign_and_garbage_cursors_are_refused(store: &dyn Store) {
    fill(store, 3).await;
    let mut issued = Vec::new();
    for listing in LISTINGS {
        let (_, next) = read(store, listing, PageRequest::first(1))
            .await
            .expect("read");
        issued.push((
            listing,
            next.expect("a first page of one has a next cursor"),
        ));
    }
    let garbage = [
        "",
        "garbage",
        "00",
        "%%%",
        "5b5d",
        "AAAAAAAAAAAAAAAAAAAAAAAA",
    ];
    for listing in LISTINGS {
        let foreign = issued
            .iter()
            .filter(|(l, _)| *l != listing)
            .map(|(_, c)| c.clone());
        for cursor in garbage
            .iter()
            .map(|g| Cursor((*g).to_owned()))
            .chain(foreign)
        {
            let page = PageRequest {
                limit: 2,
                cursor: Some(cursor.clone()),
            };
            let got = read(store, listing, page).await;
            assert!(
                matches!(got, Err(StoreError::BadCursor)),
                "{listing} accepted cursor {cursor:?}: {got:?}"
            );
        }
    }
}
