//! Inventory: versions per scan, the current inventory, filters, removal.

use super::fixtures::{arn, resource, resource_with, scan_id, tenant, walk};
use crate::{InventoryFilter, Store, resource_hash};
use lgp_model::Resource;

async fn current(store: &dyn Store, filter: &InventoryFilter) -> Vec<Resource> {
    let t = tenant("acme");
    walk(2, async |p| store.list_inventory(&t, filter, &p).await).await
}

pub(super) async fn versions_and_current_inventory(store: &dyn Store) {
    let t = tenant("acme");
    let (s1, s2) = (scan_id(1), scan_id(2));
    let r3 = resource(&arn(3), "aws:s3:bucket", "us-east-1", &[]);
    let r1 = resource(&arn(1), "aws:s3:bucket", "us-east-1", &[("env", "prod")]);
    let r2 = resource(&arn(2), "aws:ec2:instance", "eu-west-1", &[]);
    store
        .put_resources(&t, &s1, &[r3.clone(), r1.clone(), r2.clone()])
        .await
        .expect("put resources");
    assert!(
        store
            .scan_inventory(&t, &s2)
            .await
            .expect("scan inventory")
            .is_empty()
    );

    let versions = store.scan_inventory(&t, &s1).await.expect("scan inventory");
    let arns: Vec<&str> = versions.iter().map(|v| v.resource.arn.as_str()).collect();
    assert_eq!(
        arns,
        [arn(1), arn(2), arn(3)],
        "versions are ordered by ARN"
    );
    for v in &versions {
        assert_eq!(
            v.content_hash,
            resource_hash(&v.resource),
            "content hash of {}",
            v.resource.arn
        );
    }
    assert_eq!(versions[0].resource, r1);
    assert_eq!(
        current(store, &InventoryFilter::default()).await,
        [r1.clone(), r2.clone(), r3.clone()]
    );

    // A newer scan sees r1 changed: its version is new, the old scan's version stays.
    let r1_changed = resource_with(
        &arn(1),
        "aws:s3:bucket",
        "us-east-1",
        &[("env", "prod")],
        r#"{"versioning":false}"#,
    );
    store
        .put_resources(&t, &s2, std::slice::from_ref(&r1_changed))
        .await
        .expect("put");
    let v2 = store.scan_inventory(&t, &s2).await.expect("scan inventory");
    assert_eq!(v2.len(), 1);
    assert_eq!(v2[0].resource, r1_changed);
    assert_ne!(
        v2[0].content_hash, versions[0].content_hash,
        "a change changes the hash"
    );
    assert_eq!(
        store.scan_inventory(&t, &s1).await.expect("scan inventory"),
        versions
    );
    assert_eq!(
        current(store, &InventoryFilter::default()).await,
        [r1_changed, r2, r3],
        "the current inventory follows the newest scan"
    );
}

pub(super) async fn inventory_filters(store: &dyn Store) {
    let t = tenant("acme");
    let rs = [
        resource(
            &arn(1),
            "aws:s3:bucket",
            "us-east-1",
            &[("env", "prod"), ("team", "a")],
        ),
        resource(&arn(2), "aws:s3:bucket", "eu-west-1", &[("env", "dev")]),
        resource(&arn(3), "aws:ec2:instance", "us-east-1", &[("env", "prod")]),
        resource(&arn(4), "aws:ec2:instance", "eu-west-1", &[]),
    ];
    store
        .put_resources(&t, &scan_id(1), &rs)
        .await
        .expect("put");
    let arns = async |filter: InventoryFilter| -> Vec<String> {
        current(store, &filter)
            .await
            .into_iter()
            .map(|r| r.arn)
            .collect()
    };
    let kind = |k: &str| Some(k.to_owned());
    assert_eq!(
        arns(InventoryFilter {
            kind: kind("aws:s3:bucket"),
            ..Default::default()
        })
        .await,
        [arn(1), arn(2)]
    );
    assert_eq!(
        arns(InventoryFilter {
            region: kind("eu-west-1"),
            ..Default::default()
        })
        .await,
        [arn(2), arn(4)]
    );
    assert_eq!(
        arns(InventoryFilter {
            tag: Some(("env".to_owned(), None)),
            ..Default::default()
        })
        .await,
        [arn(1), arn(2), arn(3)],
        "a tag key alone matches any value"
    );
    assert_eq!(
        arns(InventoryFilter {
            tag: Some(("env".to_owned(), Some("prod".to_owned()))),
            ..Default::default()
        })
        .await,
        [arn(1), arn(3)]
    );
    assert_eq!(
        arns(InventoryFilter {
            kind: kind("aws:ec2:instance"),
            region: kind("us-east-1"),
            tag: Some(("env".to_owned(), Some("prod".to_owned()))),
        })
        .await,
        [arn(3)],
        "filters combine"
    );
    assert!(
        arns(InventoryFilter {
            tag: Some(("owner".to_owned(), None)),
            ..Default::default()
        })
        .await
        .is_empty()
    );
}

pub(super) async fn remove_keeps_history(store: &dyn Store) {
    let t = tenant("acme");
    let rs: Vec<Resource> = (1..=3)
        .map(|n| resource(&arn(n), "aws:s3:bucket", "us-east-1", &[]))
        .collect();
    store
        .put_resources(&t, &scan_id(1), &rs)
        .await
        .expect("put");
    store
        .remove_resources(&t, &[arn(2), "arn:aws:s3:::never-seen".to_owned()])
        .await
        .expect("remove");
    let left: Vec<String> = current(store, &InventoryFilter::default())
        .await
        .into_iter()
        .map(|r| r.arn)
        .collect();
    assert_eq!(
        left,
        [arn(1), arn(3)],
        "removed resources leave the current inventory"
    );
    assert_eq!(
        store
            .scan_inventory(&t, &scan_id(1))
            .await
            .expect("scan inventory")
            .len(),
        3,
        "the scan's versions stay"
    );
    store
        .remove_resources(&t, &[arn(2)])
        .await
        .expect("removing again is fine");
}
