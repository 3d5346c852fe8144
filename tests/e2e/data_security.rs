//! The built-in data-security handler through the real pipeline: the embedded S3 and EC2 rules
//! judge the S3 fixture account plus a few EBS resources, and the handler turns their
//! violations and resolutions into `security.*` events. What it must say is derived here from
//! the compliance events of the same scan and a list of the checks written out on its own.

use crate::collectors::builtin;
use crate::pipeline::{Platform, completes, platform, receive_until, received, start_scan};
use lgp_events::{Event, EventType, TenantId};
use lgp_model::Resource;
use lgp_runtime::{Runtime, RuntimeConfig};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

/// Bound on waiting for a scan and its handler; a broken pipeline fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(60);

const ACCOUNT: &str = "111122223333";
const GROUP: &str = "handler:data-security";
const FIXTURE: &str = include_str!("../../plugins/rules-s3/fixtures/buckets.json");

/// Checks whose failure makes data reachable by anyone.
const THREATS: &[&str] = &[
    "s3_bucket_acl_not_public",
    "s3_bucket_policy_not_public",
    "s3_bucket_policy_no_public_write",
    "s3_bucket_public_list_acl",
    "s3_bucket_public_write_acl",
    "ec2_ebs_public_snapshot",
    "ec2_ami_public",
];

/// Checks whose failure is a weak data-store configuration.
const MISCONFIGURATIONS: &[&str] = &[
    "s3_bucket_cross_account_access",
    "s3_bucket_default_encryption",
    "ec2_ebs_volume_encryption",
    "ec2_ebs_snapshots_encrypted",
    "ec2_ebs_default_encryption",
    "s3_bucket_level_public_access_block",
    "s3_account_level_public_access_blocks",
    "s3_bucket_secure_transport_policy",
];

const PUBLIC_WEBSITE: &str = "arn:aws:s3:::acme-public-website";
const LEGACY_UPLOADS: &str = "arn:aws:s3:::acme-legacy-uploads";
const TMP_EXPORTS: &str = "arn:aws:s3:::acme-tmp-exports";
const PLAIN_VOLUME: &str = "arn:aws:ec2:us-east-1:111122223333:volume/vol-plain";
const PUBLIC_SNAPSHOT: &str = "arn:aws:ec2:us-east-1:111122223333:snapshot/snap-public";

fn ebs(kind: &str, id: &str, properties: Value) -> Value {
    json!({
        "arn": format!("arn:aws:ec2:us-east-1:{ACCOUNT}:{kind}/{id}"),
        "kind": format!("aws:ec2:{kind}"), "account": ACCOUNT, "region": "us-east-1",
        "name": id, "tags": {}, "properties": properties,
    })
}

/// The S3 fixture account, an unencrypted volume, an encrypted one and a public snapshot.
fn account() -> Vec<Resource> {
    let volume = |id: &str, encrypted: bool| {
        ebs(
            "volume",
            id,
            json!({
                "volume_id": id, "encrypted": encrypted, "kms_key_id": null, "size": 8,
                "volume_type": "gp3", "state": "available", "attachments": [],
                "create_time": "2024-05-01T10:00:00Z", "availability_zone": "us-east-1a",
                "snapshot_id": null, "errors": {}
            }),
        )
    };
    let snapshot = ebs(
        "snapshot",
        "snap-public",
        json!({
            "snapshot_id": "snap-public", "volume_id": "vol-sealed", "volume_size": 8,
            "encrypted": true, "kms_key_id": "arn:aws:kms:us-east-1:111122223333:key/k",
            "start_time": "2024-05-01T10:00:00Z", "state": "completed",
            "public": true, "shared_with_accounts": [], "errors": {}
        }),
    );
    let ec2 = json!([
        volume("vol-plain", false),
        volume("vol-sealed", true),
        snapshot
    ]);
    let mut resources = lgp_model::parse_resources(FIXTURE).expect("fixture parses");
    resources.extend(lgp_model::parse_resources(&ec2.to_string()).expect("EBS resources parse"));
    resources
}

fn set_property(resources: &mut [Resource], arn: &str, key: &str, value: Value) {
    let r = resources
        .iter_mut()
        .find(|r| r.arn == arn)
        .unwrap_or_else(|| panic!("{arn} in the account"));
    let mut props: Value = serde_json::from_str(r.properties.get()).expect("properties");
    props[key] = value;
    r.properties = serde_json::value::to_raw_value(&props).expect("raw properties");
}

/// Runs a scan, waits until it completed and the handler has nothing left to do, and returns
/// every event of the tenant published meanwhile.
async fn scan(p: &Platform, who: &TenantId, resources: Vec<Resource>) -> (String, Vec<Arc<Event>>) {
    let (scan_id, mut live) = start_scan(p, who, resources).await;
    let mut events = Vec::new();
    tokio::time::timeout(PATIENCE, async {
        receive_until(&mut live, &mut events, |e| completes(e, &scan_id)).await;
        // Every violation and resolution was published before the completion; the handler
        // publishes what it emits before it acknowledges, so once the router has drained (as a
        // one-shot `lgp scan` does before it stops) the handler has said everything.
        let settled = p
            .router
            .drain(Duration::from_millis(10), PATIENCE)
            .await
            .expect("group stats");
        assert!(settled, "the consumers settle");
        let s = p.services.bus.stats(GROUP).await.expect("group stats");
        assert_eq!((s.queued, s.in_flight), (0, 0));
    })
    .await
    .expect("the scan and its handler finish in time");
    received(&mut live, &mut events);
    (scan_id, events)
}

fn of_type(events: &[Arc<Event>], t: EventType) -> Vec<&Event> {
    events
        .iter()
        .filter(|e| e.event_type == t)
        .map(|e| e.as_ref())
        .collect()
}

fn pair(e: &Event) -> (String, String) {
    let field = |name: &str| e.data[name].as_str().unwrap_or_default().to_owned();
    (field("check_id"), field("resource_arn"))
}

/// (check, arn) pairs of the events of type `t`, only of `checks` when given.
fn pairs(
    events: &[Arc<Event>],
    t: EventType,
    checks: Option<&[&str]>,
) -> BTreeSet<(String, String)> {
    of_type(events, t)
        .into_iter()
        .map(pair)
        .filter(|(check, _)| checks.is_none_or(|c| c.contains(&check.as_str())))
        .collect()
}

/// The one security event of type `t` about `check` and `arn`.
fn find<'a>(events: &'a [Arc<Event>], t: EventType, check: &str, arn: &str) -> &'a Event {
    let found: Vec<_> = of_type(events, t)
        .into_iter()
        .filter(|e| pair(e) == (check.to_owned(), arn.to_owned()))
        .collect();
    assert_eq!(found.len(), 1, "{t} for {check} on {arn}: {found:?}");
    found[0]
}

fn pairs_of(list: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    list.iter()
        .map(|(c, a)| ((*c).to_owned(), (*a).to_owned()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_data_raises_threats_weak_config_misconfigurations_and_fixes_resolve_them() {
    let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime");
    let mut plugins = Vec::new();
    for name in ["rules-s3", "rules-ec2", "data-security"] {
        plugins.push(builtin(&runtime, name).await);
    }
    assert_eq!(plugins[2].kind(), lgp_model::PluginKind::Handler);
    let p = platform(&plugins).await;
    let acme = TenantId::new("acme").expect("tenant");

    // Scan 1: every violation of a classified check becomes its security event, and only those.
    let (scan1, events1) = scan(&p, &acme, account()).await;
    let threats = pairs(&events1, EventType::SecurityThreat, None);
    let misconfigurations = pairs(&events1, EventType::SecurityMisconfiguration, None);
    assert_eq!(
        threats,
        pairs(&events1, EventType::ComplianceViolation, Some(THREATS))
    );
    assert_eq!(
        misconfigurations,
        pairs(
            &events1,
            EventType::ComplianceViolation,
            Some(MISCONFIGURATIONS)
        )
    );
    assert!(of_type(&events1, EventType::SecurityResolved).is_empty());
    assert!(
        of_type(&events1, EventType::SystemServiceError).is_empty(),
        "nothing is dead-lettered"
    );
    let public = pairs_of(&[
        ("s3_bucket_policy_not_public", PUBLIC_WEBSITE),
        ("s3_bucket_acl_not_public", LEGACY_UPLOADS),
        ("s3_bucket_policy_not_public", TMP_EXPORTS),
        ("s3_bucket_policy_no_public_write", TMP_EXPORTS),
        ("ec2_ebs_public_snapshot", PUBLIC_SNAPSHOT),
    ]);
    assert!(threats.is_superset(&public), "{threats:?}");
    for private in ["arn:aws:s3:::acme-prod-data", PLAIN_VOLUME] {
        assert!(
            !threats.iter().any(|(_, arn)| arn == private),
            "{private} is not public"
        );
    }
    assert!(misconfigurations.contains(&(
        "ec2_ebs_volume_encryption".to_owned(),
        PLAIN_VOLUME.to_owned()
    )));
    assert!(
        !misconfigurations
            .iter()
            .any(|(_, arn)| arn.ends_with("vol-sealed")),
        "an encrypted volume is fine"
    );

    for e in of_type(&events1, EventType::SecurityThreat)
        .into_iter()
        .chain(of_type(&events1, EventType::SecurityMisconfiguration))
    {
        assert_eq!(e.source, "data-security");
        assert_eq!(e.correlation_id.as_deref(), Some(scan1.as_str()));
        assert_eq!(e.data["scan_id"], json!(scan1));
        assert_eq!(e.data["account_id"], json!(ACCOUNT));
        assert!(
            e.data["message"]
                .as_str()
                .is_some_and(|m| m.contains(pair(e).1.as_str()))
        );
    }
    let write = find(
        &events1,
        EventType::SecurityThreat,
        "s3_bucket_policy_no_public_write",
        TMP_EXPORTS,
    );
    assert_eq!(write.data["classification"], "threat");
    assert_eq!(write.data["exposure"], "public_write");
    assert_eq!(write.data["data_store"], "aws:s3:bucket");
    assert_eq!(write.data["severity"], "critical");
    let snap = find(
        &events1,
        EventType::SecurityThreat,
        "ec2_ebs_public_snapshot",
        PUBLIC_SNAPSHOT,
    );
    assert_eq!(snap.data["exposure"], "public_snapshot");
    assert_eq!(snap.data["data_store"], "aws:ec2:snapshot");
    assert_eq!(snap.data["region"], "us-east-1");
    let plain = find(
        &events1,
        EventType::SecurityMisconfiguration,
        "ec2_ebs_volume_encryption",
        PLAIN_VOLUME,
    );
    assert_eq!(plain.data["classification"], "misconfiguration");
    assert_eq!(plain.data["exposure"], "unencrypted_at_rest");
    assert_eq!(plain.data["data_store"], "aws:ec2:volume");
    assert_eq!(plain.data["severity"], "medium", "the rule's severity");

    // Scan 2: the exposures are fixed — public policies dropped, the snapshot made private, the
    // volume replaced by an encrypted one — and the bucket with the public ACL is deleted.
    let mut second = account();
    for bucket in [PUBLIC_WEBSITE, TMP_EXPORTS] {
        set_property(&mut second, bucket, "policy", Value::Null);
        set_property(&mut second, bucket, "policy_status", Value::Null);
    }
    set_property(&mut second, PUBLIC_SNAPSHOT, "public", json!(false));
    set_property(&mut second, PLAIN_VOLUME, "encrypted", json!(true));
    second.retain(|r| r.arn != LEGACY_UPLOADS);
    let (scan2, events2) = scan(&p, &acme, second).await;
    let resolved = pairs(&events2, EventType::SecurityResolved, None);
    let classified: Vec<&str> = THREATS.iter().chain(MISCONFIGURATIONS).copied().collect();
    assert_eq!(
        resolved,
        pairs(&events2, EventType::ComplianceResolved, Some(&classified))
    );
    assert!(resolved.is_superset(&public), "{resolved:?}");
    assert!(resolved.contains(&(
        "ec2_ebs_volume_encryption".to_owned(),
        PLAIN_VOLUME.to_owned()
    )));
    assert!(of_type(&events2, EventType::SecurityThreat).is_empty());
    assert!(of_type(&events2, EventType::SystemServiceError).is_empty());
    for e in of_type(&events2, EventType::SecurityResolved) {
        assert_eq!(e.correlation_id.as_deref(), Some(scan2.as_str()));
        let (check, arn) = pair(e);
        let classification = if THREATS.contains(&check.as_str()) {
            "threat"
        } else {
            "misconfiguration"
        };
        assert_eq!(e.data["classification"], classification, "{}", e.data);
        let reason = if arn == LEGACY_UPLOADS {
            "resource_removed"
        } else {
            "passed"
        };
        assert_eq!(e.data["reason"], reason, "{}", e.data);
    }
    let snap = find(
        &events2,
        EventType::SecurityResolved,
        "ec2_ebs_public_snapshot",
        PUBLIC_SNAPSHOT,
    );
    assert_eq!(snap.data["exposure"], "public_snapshot");
    p.router.shutdown().await;
}
