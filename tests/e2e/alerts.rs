//! The built-in alert plugin through the real pipeline: the embedded S3 rules judge the S3
//! fixture account over several scans, data-security classifies their violations, and the alert
//! plugin opens, deduplicates, resolves and escalates alerts, which the host mirrors into its
//! alerts table. What it must say is derived here from the compliance and security events of
//! the same scans, apart from the plugin.

use crate::collectors::builtin;
use crate::pipeline::{Platform, completes, platform, receive_until, received, settle, start_scan};
use lgp_events::{Event, EventType, TenantId};
use lgp_model::Resource;
use lgp_mutelist::{MuteRuleSpec, persist};
use lgp_pipeline::{ALERT_ACKNOWLEDGED, ALERT_OPEN, ALERT_RESOLVED};
use lgp_runtime::{Runtime, RuntimeConfig};
use lgp_store::{AlertRecord, PageRequest};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

/// Bound on waiting for a scan and its handlers; a broken pipeline fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(60);

const ACCOUNT: &str = "111122223333";
const FIXTURE: &str = include_str!("../../plugins/rules-s3/fixtures/buckets.json");

/// High: fails on the dev bucket, fixed in scan 3, broken again in scan 4.
const BLOCK: &str = "s3_bucket_level_public_access_block";
const DEV_SCRATCH: &str = "arn:aws:s3:::acme-dev-scratch";
/// High: fails on the analytics bucket all along (the deadline's alert); muted on the partner's.
const CROSS_ACCOUNT: &str = "s3_bucket_cross_account_access";
const EU_ANALYTICS: &str = "arn:aws:s3:::acme-eu-analytics";
const PARTNER_SHARE: &str = "arn:aws:s3:::acme-partner-share";
/// Low: fails on the archive bucket, which fails nothing above medium.
const LIFECYCLE: &str = "s3_bucket_lifecycle_enabled";
const ARCHIVE: &str = "arn:aws:s3:::acme-archive-2019";

fn account() -> Vec<Resource> {
    lgp_model::parse_resources(FIXTURE).expect("fixture parses")
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

/// Runs a scan, waits until it completed and every consumer is idle, and returns every event
/// of the tenant published meanwhile.
async fn scan(p: &Platform, who: &TenantId, resources: Vec<Resource>) -> (String, Vec<Arc<Event>>) {
    let (scan_id, mut live) = start_scan(p, who, resources).await;
    let mut events = Vec::new();
    tokio::time::timeout(PATIENCE, async {
        receive_until(&mut live, &mut events, |e| completes(e, &scan_id)).await;
        settle(p, PATIENCE).await;
    })
    .await
    .expect("the scan and its handlers finish in time");
    received(&mut live, &mut events);
    (scan_id, events)
}

/// Publishes `events` and returns everything the tenant's consumers published in reaction.
async fn publish(p: &Platform, who: &TenantId, events: Vec<Event>) -> Vec<Arc<Event>> {
    let mut live = p.services.bus.live(who);
    p.services.bus.publish(events).await.expect("published");
    tokio::time::timeout(PATIENCE, settle(p, PATIENCE))
        .await
        .expect("the handlers finish in time");
    let mut out = Vec::new();
    received(&mut live, &mut out);
    out
}

fn of_type(events: &[Arc<Event>], t: EventType) -> Vec<&Event> {
    events
        .iter()
        .filter(|e| e.event_type == t)
        .map(|e| e.as_ref())
        .collect()
}

fn alert_events(events: &[Arc<Event>]) -> Vec<&Event> {
    events
        .iter()
        .filter(|e| e.event_type.to_string().starts_with("alert."))
        .map(|e| e.as_ref())
        .collect()
}

fn field(e: &Event, name: &str) -> String {
    e.data[name].as_str().unwrap_or_default().to_owned()
}

fn pair(e: &Event) -> (String, String) {
    (field(e, "check_id"), field(e, "resource_arn"))
}

/// (check, arn) of the events of type `t`, keeping those `keep` accepts.
fn pairs(
    events: &[Arc<Event>],
    t: EventType,
    keep: impl Fn(&Event) -> bool,
) -> BTreeSet<(String, String)> {
    of_type(events, t)
        .into_iter()
        .filter(|e| keep(e))
        .map(pair)
        .collect()
}

fn owned(check: &str, arn: &str) -> (String, String) {
    (check.to_owned(), arn.to_owned())
}

/// The one alert event of type `t` about `check` on `arn` (compliance alerts).
fn the<'a>(events: &'a [Arc<Event>], t: EventType, check: &str, arn: &str) -> &'a Event {
    let found: Vec<_> = of_type(events, t)
        .into_iter()
        .filter(|e| pair(e) == owned(check, arn) && field(e, "origin") == "compliance")
        .collect();
    assert_eq!(found.len(), 1, "{t} for {check} on {arn}: {found:?}");
    found[0]
}

/// The tenant's alerts table, by alert id.
async fn table(p: &Platform, who: &TenantId) -> BTreeMap<String, AlertRecord> {
    let page = p
        .services
        .store
        .list_alerts(who, None, &PageRequest::first(1_000))
        .await
        .expect("alerts listed");
    assert!(page.next.is_none(), "one page");
    page.items
        .into_iter()
        .map(|a| (a.alert_id.clone(), a))
        .collect()
}

fn severe(e: &Event) -> bool {
    matches!(field(e, "severity").as_str(), "high" | "critical")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_open_once_resolve_reoccur_and_escalate_past_their_deadline() {
    let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime");
    let mut plugins = Vec::new();
    for name in ["rules-s3", "data-security", "alerts"] {
        plugins.push(builtin(&runtime, name).await);
    }
    assert_eq!(plugins[2].info().capabilities, ["state", "notify"]);
    let p = platform(&plugins).await;
    let store = p.services.store.clone();
    let acme = TenantId::new("acme").expect("tenant");

    // The partner's cross-account access is accepted: muted before the first scan.
    let now = OffsetDateTime::now_utc();
    let mute = MuteRuleSpec {
        checks: vec![CROSS_ACCOUNT.into()],
        resources: vec![PARTNER_SHARE.into()],
        reason: "the partner share is cross-account by contract".into(),
        owner: "data-team".into(),
        ..MuteRuleSpec::default()
    }
    .validate(now)
    .expect("valid rule");
    persist::add(store.as_ref(), &acme, &mute)
        .await
        .expect("stored");

    // Scan 1: an alert for every high or critical violation and every threat, and only those.
    let (scan1, events1) = scan(&p, &acme, account()).await;
    assert!(
        of_type(&events1, EventType::SystemServiceError).is_empty(),
        "nothing is dead-lettered"
    );
    let origin = |o: &'static str| move |e: &Event| field(e, "origin") == o;
    let compliance = pairs(&events1, EventType::AlertTriggered, origin("compliance"));
    let threats = pairs(&events1, EventType::AlertTriggered, origin("threat"));
    assert_eq!(
        compliance,
        pairs(&events1, EventType::ComplianceViolation, severe)
    );
    assert_eq!(
        threats,
        pairs(&events1, EventType::SecurityThreat, |_| true)
    );
    assert!(
        compliance.contains(&owned(BLOCK, DEV_SCRATCH)),
        "{compliance:?}"
    );
    assert!(compliance.contains(&owned(CROSS_ACCOUNT, EU_ANALYTICS)));
    assert!(!threats.is_empty(), "the fixture has public buckets");
    // LOW: violated, no alert.
    let low = pairs(&events1, EventType::ComplianceViolation, |_| true);
    assert!(low.contains(&owned(LIFECYCLE, ARCHIVE)));
    // Muted: no violation, so no alert.
    assert!(!low.contains(&owned(CROSS_ACCOUNT, PARTNER_SHARE)));
    for e in alert_events(&events1) {
        assert_ne!(field(e, "resource_arn"), ARCHIVE, "{}", e.data);
        assert_ne!(pair(e), owned(CROSS_ACCOUNT, PARTNER_SHARE));
    }
    let triggered = of_type(&events1, EventType::AlertTriggered);
    assert_eq!(
        triggered.len(),
        compliance.len() + threats.len(),
        "one alert per origin, check and resource"
    );
    assert_eq!(alert_events(&events1).len(), triggered.len());
    for e in &triggered {
        assert_eq!(e.source, "alerts");
        assert_eq!(e.correlation_id.as_deref(), Some(scan1.as_str()));
        assert_eq!(e.data["state"], "open");
        assert!(field(e, "message").contains(&field(e, "resource_arn")));
    }
    let block = the(&events1, EventType::AlertTriggered, BLOCK, DEV_SCRATCH);
    let block_id = field(block, "alert_id");
    assert_eq!(block.data["severity"], "high");
    let cross_id = field(
        the(
            &events1,
            EventType::AlertTriggered,
            CROSS_ACCOUNT,
            EU_ANALYTICS,
        ),
        "alert_id",
    );
    let alerts = table(&p, &acme).await;
    assert_eq!(alerts.len(), triggered.len());
    assert!(alerts.values().all(|a| a.state == ALERT_OPEN));
    assert_eq!(alerts[&block_id].check_id, BLOCK);
    assert_eq!(alerts[&block_id].resource_arn, DEV_SCRATCH);

    // Scan 2, the same account: nothing new, no alert event. The same violation delivered again
    // (a fresh event, as after a mute ends) updates its alert and opens no second one.
    let (_, events2) = scan(&p, &acme, account()).await;
    assert!(
        alert_events(&events2).is_empty(),
        "{:?}",
        alert_events(&events2)
    );
    let violation = of_type(&events1, EventType::ComplianceViolation)
        .into_iter()
        .find(|e| pair(e) == owned(BLOCK, DEV_SCRATCH))
        .expect("the violation");
    let again = Event::new(
        EventType::ComplianceViolation,
        acme.clone(),
        "pipeline",
        violation.correlation_id.clone(),
        violation.data.clone(),
    );
    let reaction = publish(&p, &acme, vec![again]).await;
    assert!(alert_events(&reaction).is_empty(), "{reaction:?}");
    assert_eq!(table(&p, &acme).await.len(), alerts.len());

    // Someone takes the cross-account alert on.
    let acked = lgp_pipeline::acknowledge_alert(
        store.as_ref(),
        &acme,
        &cross_id,
        "ana",
        OffsetDateTime::now_utc(),
    )
    .await
    .expect("acknowledged");
    assert_eq!(acked.state, ALERT_ACKNOWLEDGED);
    let stored = store.get_alert(&acme, &cross_id).await.expect("alert");
    assert_eq!(stored.acknowledged_by.as_deref(), Some("ana"));
    assert!(stored.details["acknowledged_at"].is_string());

    // Scan 3: the dev bucket gets its Block Public Access: its alert resolves.
    let mut fixed = account();
    let block_all = json!({
        "block_public_acls": true, "ignore_public_acls": true,
        "block_public_policy": true, "restrict_public_buckets": true
    });
    set_property(&mut fixed, DEV_SCRATCH, "public_access_block", block_all);
    let (_, events3) = scan(&p, &acme, fixed).await;
    let resolved = the(&events3, EventType::AlertResolved, BLOCK, DEV_SCRATCH);
    assert_eq!(resolved.data["reason"], "passed");
    assert_eq!(field(resolved, "alert_id"), block_id);
    assert!(of_type(&events3, EventType::AlertTriggered).is_empty());
    assert_eq!(
        pairs(&events3, EventType::AlertResolved, origin("compliance")),
        pairs(&events3, EventType::ComplianceResolved, severe),
        "every resolution of an alerted result resolves its alert"
    );
    assert_eq!(
        store
            .get_alert(&acme, &block_id)
            .await
            .expect("alert")
            .state,
        ALERT_RESOLVED
    );

    // Scan 4: it is broken again: the alert reopens, escalated, not triggered anew.
    let (_, events4) = scan(&p, &acme, account()).await;
    assert!(of_type(&events4, EventType::AlertTriggered).is_empty());
    let reoccurred = the(&events4, EventType::AlertEscalated, BLOCK, DEV_SCRATCH);
    assert_eq!(reoccurred.data["why"], "reoccurred");
    assert_eq!(reoccurred.data["occurrences"], 2);
    assert_eq!(field(reoccurred, "alert_id"), block_id);
    assert_eq!(
        store
            .get_alert(&acme, &block_id)
            .await
            .expect("alert")
            .state,
        ALERT_OPEN
    );

    // 73 hours later a scan completes: every alert still open is past its deadline (high 72 h,
    // critical 24 h) and escalates, once.
    let later = |hours: i64| {
        let mut e = Event::new(
            EventType::ComplianceScanCompleted,
            acme.clone(),
            "pipeline",
            Some(format!("later-{hours}")),
            json!({"scan_id": format!("later-{hours}"), "account_id": ACCOUNT,
                   "counters": {}, "errors": {}}),
        );
        e.timestamp = OffsetDateTime::now_utc() + time::Duration::hours(hours);
        e
    };
    let events5 = publish(&p, &acme, vec![later(73)]).await;
    let escalated = of_type(&events5, EventType::AlertEscalated);
    assert_eq!(alert_events(&events5).len(), escalated.len());
    assert!(
        escalated.iter().all(|e| e.data["why"] == "deadline"),
        "{escalated:?}"
    );
    let ids: BTreeSet<String> = escalated.iter().map(|e| field(e, "alert_id")).collect();
    assert_eq!(ids.len(), escalated.len(), "once per alert");
    let open: BTreeSet<String> = table(&p, &acme)
        .await
        .into_values()
        .filter(|a| a.state != ALERT_RESOLVED)
        .map(|a| a.alert_id)
        .collect();
    assert_eq!(ids, open);
    let deadline = the(
        &events5,
        EventType::AlertEscalated,
        CROSS_ACCOUNT,
        EU_ANALYTICS,
    );
    assert_eq!(deadline.data["severity"], "high");
    assert!(
        deadline.data["open_hours"]
            .as_i64()
            .is_some_and(|h| h >= 73)
    );
    assert!(field(deadline, "message").contains(EU_ANALYTICS));
    assert!(
        events5
            .iter()
            .all(|e| e.event_type != EventType::SystemServiceError)
    );
    let cross = store.get_alert(&acme, &cross_id).await.expect("alert");
    assert_eq!(
        cross.state, ALERT_ACKNOWLEDGED,
        "escalated, still someone's"
    );
    assert_eq!(cross.acknowledged_by.as_deref(), Some("ana"));
    assert_eq!(cross.details["why"], "deadline");

    // An hour later: already escalated, nothing more.
    let events6 = publish(&p, &acme, vec![later(74)]).await;
    assert!(
        alert_events(&events6).is_empty(),
        "{:?}",
        alert_events(&events6)
    );

    // The table mirrors every state.
    let alerts = table(&p, &acme).await;
    let states: BTreeSet<&str> = alerts.values().map(|a| a.state.as_str()).collect();
    assert_eq!(alerts[&block_id].state, ALERT_OPEN);
    assert!(states.contains(ALERT_ACKNOWLEDGED));
    assert!(alerts.values().all(|a| a.details["origin"].is_string()));

    // Another tenant lowers its threshold to medium (the plugin's state, kept by the host):
    // its medium violations alert too, its low ones still do not.
    let globex = TenantId::new("globex").expect("tenant");
    store
        .kv_set(&globex, "plugin/alerts", "config/threshold", b"medium")
        .await
        .expect("threshold set");
    let (_, events) = scan(&p, &globex, account()).await;
    let medium_up = |e: &Event| severe(e) || field(e, "severity") == "medium";
    assert_eq!(
        pairs(&events, EventType::AlertTriggered, origin("compliance")),
        pairs(&events, EventType::ComplianceViolation, medium_up)
    );
    assert!(
        pairs(&events, EventType::AlertTriggered, |_| true)
            .iter()
            .any(|(check, arn)| check == "s3_bucket_default_encryption" && arn == ARCHIVE)
    );
    assert!(
        !pairs(&events, EventType::AlertTriggered, |_| true).contains(&owned(LIFECYCLE, ARCHIVE))
    );
    assert_eq!(table(&p, &acme).await.len(), alerts.len(), "tenants apart");
    p.router.shutdown().await;
}
