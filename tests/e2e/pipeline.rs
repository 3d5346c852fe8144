//! The scan pipeline end to end on the embedded backends: in-process bus, SQLite store, the
//! built-in S3 rules as Wasm, the audit trail. What a scan must report is computed apart from
//! the pipeline, by evaluating the same plugin directly.

use crate::support;
use lgp_bus::{Bus, InProcessBus, InProcessConfig, RetryPolicy};
use lgp_crypto::{MasterKey, TenantCipher};
use lgp_events::{Event, EventType, TenantId};
use lgp_model::Resource;
use lgp_pipeline::{Router, RouterConfig, ScanRequest, Scanner, Services};
use lgp_runtime::{Plugin, Runtime, RuntimeConfig, Trust};
use lgp_store::{
    EventFilter, InventoryFilter, PageRequest, ResultFilter, ScanStatus, SqliteStore, Store,
};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

/// Bound on waiting for a scan; a broken pipeline fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(60);

const ACCOUNT: &str = "111122223333";
const FIXTURE: &str = include_str!("../../plugins/rules-s3/fixtures/buckets.json");

pub(crate) fn tenant(id: &str) -> TenantId {
    TenantId::new(id).expect("tenant id")
}

/// An embedded platform for the tests: in-process bus (fast retries), in-memory store, router.
pub(crate) struct Platform {
    pub(crate) services: Services,
    pub(crate) router: Router,
    pub(crate) rules: usize,
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
    }
}

/// Starts a [`Platform`] routing to `plugins`.
pub(crate) async fn platform(plugins: &[Plugin]) -> Platform {
    let retry = fast_retry();
    let bus = InProcessBus::new(InProcessConfig {
        retry,
        live_capacity: 65_536,
        ..InProcessConfig::default()
    });
    let services = Services {
        bus: Arc::new(bus),
        store: Arc::new(SqliteStore::open_in_memory().expect("store")),
        cipher: TenantCipher::new(&MasterKey::from_hex(&"5a".repeat(32)).expect("key")),
        retry,
    };
    let router = Router::start(services.clone(), plugins, RouterConfig::default())
        .await
        .expect("router starts");
    let rules = plugins
        .iter()
        .filter(|p| p.kind() == lgp_model::PluginKind::Rule)
        .count();
    Platform {
        services,
        router,
        rules,
    }
}

pub(crate) async fn s3_rules(runtime: &Runtime) -> Plugin {
    let b = lgp_builtins::find("rules-s3").expect("rules-s3 is built in");
    runtime
        .load(b.name, b.wasm, Trust::Trusted)
        .await
        .expect("rules-s3 loads")
}

pub(crate) fn fixture() -> Vec<Resource> {
    lgp_model::parse_resources(FIXTURE).expect("fixture parses")
}

/// Starts a scan of `resources` for `who` and returns its id, with the tenant's live stream
/// subscribed before it started.
pub(crate) async fn start_scan(
    p: &Platform,
    who: &TenantId,
    resources: Vec<Resource>,
) -> (String, broadcast::Receiver<Arc<Event>>) {
    let live = p.services.bus.live(who);
    let scan_id = Scanner::new(p.services.clone(), p.rules)
        .run(ScanRequest {
            tenant: who.clone(),
            account_id: ACCOUNT.into(),
            source: "test".into(),
            resources,
        })
        .await
        .expect("scan starts");
    (scan_id, live)
}

/// Receives from `live` into `events` until an event that is `last`, and returns that one.
pub(crate) async fn receive_until(
    live: &mut broadcast::Receiver<Arc<Event>>,
    events: &mut Vec<Arc<Event>>,
    last: impl Fn(&Event) -> bool,
) -> Arc<Event> {
    loop {
        match live.recv().await {
            Ok(e) => {
                events.push(e.clone());
                if last(&e) {
                    return e;
                }
            }
            Err(broadcast::error::RecvError::Lagged(n)) => panic!("live stream lagged by {n}"),
            Err(broadcast::error::RecvError::Closed) => panic!("live stream closed"),
        }
    }
}

/// Whether `e` is the completion of the scan `scan_id`.
pub(crate) fn completes(e: &Event, scan_id: &str) -> bool {
    e.event_type == EventType::ComplianceScanCompleted
        && e.correlation_id.as_deref() == Some(scan_id)
}

/// Everything already on the live stream.
pub(crate) fn received(live: &mut broadcast::Receiver<Arc<Event>>, events: &mut Vec<Arc<Event>>) {
    loop {
        match live.try_recv() {
            Ok(e) => events.push(e),
            Err(broadcast::error::TryRecvError::Empty) => break,
            Err(e) => panic!("live stream: {e}"),
        }
    }
}

/// Waits until every consumer group of the platform is idle. Twice: a handler can publish into a
/// group the pass already found idle and then acknowledge before the pass reaches it; the second
/// pass sees that event. Each pass waits at most `patience`.
pub(crate) async fn settle(p: &Platform, patience: Duration) {
    for _ in 0..2 {
        let settled = p
            .router
            .drain(Duration::from_millis(10), patience)
            .await
            .expect("group stats");
        assert!(settled, "the consumers settle");
    }
}

/// Runs a scan and returns every event of the tenant published until it completed.
pub(crate) async fn scan(
    p: &Platform,
    who: &TenantId,
    resources: Vec<Resource>,
) -> (String, Vec<Arc<Event>>) {
    let (scan_id, mut live) = start_scan(p, who, resources).await;
    let mut events = Vec::new();
    tokio::time::timeout(
        PATIENCE,
        receive_until(&mut live, &mut events, |e| completes(e, &scan_id)),
    )
    .await
    .expect("the scan completes in time");
    (scan_id, events)
}

pub(crate) fn of_type(events: &[Arc<Event>], t: EventType) -> Vec<&Event> {
    events
        .iter()
        .filter(|e| e.event_type == t)
        .map(|e| e.as_ref())
        .collect()
}

/// (check, arn) pairs of the events of type `t`.
pub(crate) fn pairs(events: &[Arc<Event>], t: EventType) -> BTreeSet<(String, String)> {
    of_type(events, t)
        .iter()
        .map(|e| {
            (
                e.data["check_id"].as_str().unwrap_or_default().to_owned(),
                e.data["resource_arn"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}

/// (check, arn) pairs that fail, by evaluating the plugin directly (not through the pipeline).
pub(crate) async fn failures(
    plugin: &Plugin,
    resources: &[Resource],
) -> BTreeSet<(String, String)> {
    let ctx = lgp_runtime::EvaluationContext {
        scan_id: "oracle".into(),
        now_unix_seconds: 1_767_225_600,
    };
    plugin
        .evaluate(&ctx, resources)
        .await
        .expect("the plugin evaluates")
        .into_iter()
        .filter(|f| f.status == lgp_model::Status::Fail)
        .map(|f| (f.check_id, f.resource_arn))
        .collect()
}

fn set_property(resources: &mut [Resource], arn: &str, path: &[&str], value: Value) {
    let r = resources
        .iter_mut()
        .find(|r| r.arn == arn)
        .expect("resource in fixture");
    let mut props: Value = serde_json::from_str(r.properties.get()).expect("properties");
    let mut node = &mut props;
    for key in &path[..path.len() - 1] {
        node = node.get_mut(*key).expect("path exists");
    }
    node[path[path.len() - 1]] = value;
    r.properties = serde_json::value::to_raw_value(&props).expect("raw");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_scans_report_exactly_the_changes_and_a_third_identical_scan_reports_none() {
    let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime");
    let rules = s3_rules(&runtime).await;
    let p = platform(std::slice::from_ref(&rules)).await;
    let acme = tenant("acme");

    // Scan 1: the fixture account. No previous scan, so no inventory.changed; every failing
    // result is a new violation.
    let first = fixture();
    let (scan1, events1) = scan(&p, &acme, first.clone()).await;
    assert!(of_type(&events1, EventType::InventoryChanged).is_empty());
    assert!(of_type(&events1, EventType::ComplianceResolved).is_empty());
    let fails1 = failures(&rules, &first).await;
    assert!(!fails1.is_empty(), "the fixture must have failures");
    assert_eq!(pairs(&events1, EventType::ComplianceViolation), fails1);
    assert_eq!(
        of_type(&events1, EventType::ComplianceScanCompleted).len(),
        1
    );
    assert_eq!(
        of_type(&events1, EventType::InventoryScanCompleted).len(),
        1
    );

    // Scan 2: fix versioning on one bucket, disable encryption on another, remove a third, add
    // a copy of a fourth under a new name.
    let mut second = first.clone();
    let fixed = "arn:aws:s3:::acme-tmp-exports";
    let broken = "arn:aws:s3:::acme-prod-data";
    let removed = second
        .iter()
        .find(|r| fails1.iter().any(|(_, arn)| arn == &r.arn) && r.arn != fixed && r.arn != broken)
        .expect("a failing bucket to remove")
        .arn
        .clone();
    set_property(
        &mut second,
        fixed,
        &["versioning"],
        json!({ "status": "enabled", "mfa_delete": false }),
    );
    set_property(
        &mut second,
        broken,
        &["encryption"],
        json!({ "status": "disabled", "algorithm": null, "kms_key_id": null, "bucket_key_enabled": false }),
    );
    second.retain(|r| r.arn != removed);
    let mut added = second
        .iter()
        .find(|r| r.arn == fixed)
        .expect("fixed bucket")
        .clone();
    added.arn = "arn:aws:s3:::acme-new-bucket".into();
    added.name = "acme-new-bucket".into();
    second.push(added.clone());

    let (scan2, events2) = scan(&p, &acme, second.clone()).await;
    let changed = of_type(&events2, EventType::InventoryChanged);
    assert_eq!(changed.len(), 1, "one inventory.changed");
    let c = &changed[0].data;
    assert_eq!(c["previous_scan_id"], json!(scan1));
    assert_eq!(c["added"], json!([added.arn]));
    assert_eq!(c["removed"], json!([removed]));
    let modified: Vec<(&str, Vec<&str>)> = c["modified"]
        .as_array()
        .expect("modified")
        .iter()
        .map(|m| {
            (
                m["arn"].as_str().unwrap_or_default(),
                m["changed"]
                    .as_array()
                    .expect("paths")
                    .iter()
                    .filter_map(Value::as_str)
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        modified,
        vec![
            (
                broken,
                vec![
                    "properties.encryption.algorithm",
                    "properties.encryption.bucket_key_enabled",
                    "properties.encryption.kms_key_id",
                    "properties.encryption.status"
                ]
            ),
            (fixed, vec!["properties.versioning.status"]),
        ]
    );

    let fails2 = failures(&rules, &second).await;
    let expected_violations: BTreeSet<_> = fails2.difference(&fails1).cloned().collect();
    let expected_resolved: BTreeSet<_> = fails1.difference(&fails2).cloned().collect();
    assert!(!expected_violations.is_empty() && !expected_resolved.is_empty());
    assert_eq!(
        pairs(&events2, EventType::ComplianceViolation),
        expected_violations
    );
    assert_eq!(
        pairs(&events2, EventType::ComplianceResolved),
        expected_resolved
    );
    // The vanished bucket's failures resolve as removed, the fixed one's as passed.
    for e in of_type(&events2, EventType::ComplianceResolved) {
        let reason = if e.data["resource_arn"] == json!(removed) {
            "resource_removed"
        } else {
            "passed"
        };
        assert_eq!(e.data["reason"], json!(reason), "{}", e.data);
    }
    let store = &p.services.store;
    let removed_left = store
        .list_inventory(
            &acme,
            &InventoryFilter::default(),
            &PageRequest::first(1000),
        )
        .await
        .expect("inventory")
        .items
        .iter()
        .any(|r| r.arn == removed);
    assert!(
        !removed_left,
        "a vanished resource stays out of the current inventory"
    );

    // Scan 3: identical to scan 2. Nothing changed, nothing to say.
    let (scan3, events3) = scan(&p, &acme, second).await;
    for t in [
        EventType::InventoryChanged,
        EventType::ComplianceViolation,
        EventType::ComplianceResolved,
    ] {
        assert!(of_type(&events3, t).is_empty(), "{t} in an identical scan");
    }
    let done = store.get_scan(&acme, &scan3).await.expect("scan 3");
    assert_eq!(done.status, ScanStatus::Completed);
    assert_eq!(
        done.counters.evaluations_done,
        done.counters.evaluations_expected
    );
    assert_eq!(done.counters.failed as usize, fails2.len());
    let _ = scan2;
    p.router.shutdown().await;
}

/// Waits until every consumer group has nothing queued or in flight.
pub(crate) async fn quiesce(bus: &dyn Bus, groups: &[&str]) {
    tokio::time::timeout(PATIENCE, async {
        loop {
            let mut idle = true;
            for g in groups {
                let s = bus.stats(g).await.expect("stats");
                idle &= s.queued == 0 && s.in_flight == 0;
            }
            if idle {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the pipeline settles in time");
}

/// Everything a tenant has in the store, for before/after comparisons.
async fn snapshot(store: &dyn Store, who: &TenantId, scan_id: &str) -> String {
    let results = store
        .list_results(who, &ResultFilter::default(), &PageRequest::first(1000))
        .await
        .expect("results");
    let inventory = store
        .list_inventory(who, &InventoryFilter::default(), &PageRequest::first(1000))
        .await
        .expect("inventory");
    let versions = store.scan_inventory(who, scan_id).await.expect("versions");
    let events = store
        .list_events(who, &EventFilter::default(), &PageRequest::first(1000))
        .await
        .expect("events");
    let scan = store.get_scan(who, scan_id).await.expect("scan");
    format!(
        "{}\n{}\n{:?}\n{:?}\n{}",
        serde_json::to_string(&results.items).expect("json"),
        serde_json::to_string(&inventory.items).expect("json"),
        versions
            .iter()
            .map(|v| (&v.resource.arn, &v.content_hash))
            .collect::<Vec<_>>(),
        events
            .items
            .iter()
            .map(|e| (e.event_id, e.event_type, e.sealed.len()))
            .collect::<Vec<_>>(),
        serde_json::to_string(&scan).expect("json"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redelivering_every_event_of_a_scan_changes_nothing_and_the_trail_is_sealed() {
    let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime");
    let p = platform(&[s3_rules(&runtime).await]).await;
    let acme = tenant("acme");
    let (scan_id, events) = scan(&p, &acme, fixture()).await;
    let groups = ["rule:rules-s3", "host:audit"];
    quiesce(p.services.bus.as_ref(), &groups).await;
    let store = p.services.store.as_ref();
    let before = snapshot(store, &acme, &scan_id).await;

    // Every event of the trail decrypts under the tenant's key to the event that was published.
    let trail = store
        .list_events(&acme, &EventFilter::default(), &PageRequest::first(1000))
        .await
        .expect("events");
    assert_eq!(
        trail.items.len(),
        events.len(),
        "every published event is in the trail"
    );
    for stored in &trail.items {
        let plain = p
            .services
            .cipher
            .open(
                &acme,
                stored.event_id.to_string().as_bytes(),
                &stored.sealed,
            )
            .expect("the trail opens with the tenant's key");
        let e: Event = serde_json::from_slice(&plain).expect("an event");
        assert_eq!(e.event_id, stored.event_id);
        assert!(
            p.services
                .cipher
                .open(
                    &tenant("globex"),
                    stored.event_id.to_string().as_bytes(),
                    &stored.sealed
                )
                .is_err(),
            "another tenant's key must not open it"
        );
    }

    let again: Vec<Event> = events.iter().map(|e| e.as_ref().clone()).collect();
    p.services.bus.publish(again).await.expect("republish");
    quiesce(p.services.bus.as_ref(), &groups).await;
    assert_eq!(
        snapshot(store, &acme, &scan_id).await,
        before,
        "redelivery changed the store"
    );
    p.router.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_failing_on_one_batch_is_retried_dead_lettered_and_the_scan_completes() {
    let runtime = support::small_runtime();
    let hostile = support::hostile_rule(&runtime).await;
    let s3 = s3_rules(&runtime).await;
    let p = platform(&[hostile, s3.clone()]).await;
    let acme = tenant("acme");
    // Batches of one: the hostile rule panics on the "panic" thing only.
    let mut resources = fixture();
    resources.push(support::thing("ok"));
    resources.push(support::thing("panic"));
    let scanner_batch = 1;
    let mut live = p.services.bus.live(&acme);
    let scan_id = Scanner::new(p.services.clone(), p.rules)
        .with_batch_size(scanner_batch)
        .run(ScanRequest {
            tenant: acme.clone(),
            account_id: ACCOUNT.into(),
            source: "test".into(),
            resources,
        })
        .await
        .expect("scan starts");
    let mut errors = Vec::new();
    tokio::time::timeout(PATIENCE, async {
        loop {
            let e = live.recv().await.expect("live");
            if e.event_type == EventType::SystemServiceError {
                errors.push(e.clone());
            }
            if e.event_type == EventType::ComplianceScanCompleted {
                return;
            }
        }
    })
    .await
    .expect("the scan completes despite the failing plugin");

    assert_eq!(errors.len(), 1, "one system.service.error");
    let data = &errors[0].data;
    assert_eq!(data["component"], json!("rule:hostile-rule"));
    assert_eq!(data["attempts"], json!(fast_retry().max_attempts));
    assert!(
        data["error"].as_str().unwrap_or_default().contains("boom"),
        "{data}"
    );

    // The event is dead-lettered once its error results are stored, which may be just after the
    // scan completed.
    let dead = tokio::time::timeout(PATIENCE, async {
        loop {
            let dead = p
                .services
                .bus
                .dead_letters("rule:hostile-rule", 10)
                .await
                .expect("dead letters");
            if !dead.is_empty() {
                return dead;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the failing batch is dead-lettered");
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].attempts, fast_retry().max_attempts);
    assert!(dead[0].error.contains("boom"), "{}", dead[0].error);

    let store = p.services.store.as_ref();
    let results = store
        .list_results(
            &acme,
            &ResultFilter {
                scan_id: Some(scan_id.clone()),
                ..ResultFilter::default()
            },
            &PageRequest::first(1000),
        )
        .await
        .expect("results")
        .items;
    let panicked = results
        .iter()
        .find(|r| r.resource_arn == "arn:test:hostile:::panic")
        .expect("the failed resource has a result");
    assert_eq!(panicked.status, lgp_model::Status::Error, "never a guess");
    assert!(
        panicked.message.contains("could not be evaluated"),
        "{}",
        panicked.message
    );
    let ok = results
        .iter()
        .find(|r| r.resource_arn == "arn:test:hostile:::ok")
        .expect("the ok resource has a result");
    assert_eq!(ok.status, lgp_model::Status::Pass);
    let s3_results = results
        .iter()
        .filter(|r| r.check_id.starts_with("s3_"))
        .count();
    let bucket_checks = s3
        .checks()
        .iter()
        .filter(|c| c.resource_kinds.iter().any(|k| k == "aws:s3:bucket"))
        .count();
    assert_eq!(
        s3_results,
        fixture().len() * bucket_checks,
        "the other plugin's work is unaffected"
    );
    let scan = store.get_scan(&acme, &scan_id).await.expect("scan");
    assert_eq!(scan.status, ScanStatus::Completed);
    assert_eq!(
        scan.errors.get("plugin"),
        Some(&1),
        "the failure is counted in the summary"
    );
    p.router.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_tenants_scan_is_invisible_to_another() {
    let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime");
    let p = platform(&[s3_rules(&runtime).await]).await;
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let mut globex_live = p.services.bus.live(&globex);
    let (scan_id, events) = scan(&p, &acme, fixture()).await;
    assert!(!events.is_empty());
    assert!(events.iter().all(|e| e.tenant_id == acme));
    assert!(globex_live.try_recv().is_err(), "globex saw acme's events");
    let store = p.services.store.as_ref();
    assert!(store.get_scan(&globex, &scan_id).await.is_err());
    let results = store
        .list_results(&globex, &ResultFilter::default(), &PageRequest::first(10))
        .await
        .expect("results");
    assert!(results.items.is_empty());
    p.router.shutdown().await;
}
