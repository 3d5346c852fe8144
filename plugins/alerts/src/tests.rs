//! The lifecycle over an in-memory state: every transition of the brief, redelivery and paging.

use super::*;
use crate::config::{DEADLINES_KEY, THRESHOLD_KEY};
use crate::kv::{KeyValue, MemoryState};
use crate::lifecycle::{
    ALERT_PREFIX, Alert, AlertState, DUE_PREFIX, ESCALATED, MAX_DUE_PER_EVENT, Origin, RESOLVED,
    TRIGGERED, alert_id, react,
};
use lgp_sdk::handler::NewEvent;
use serde_json::{Value, json};

const ARN: &str = "arn:aws:s3:::acme-dev-scratch";
const CHECK: &str = "s3_bucket_level_public_access_block";
const T0: &str = "2026-11-30T06:00:00Z";

fn at(hours: i64, seconds: i64) -> String {
    clock::format_rfc3339(lgp_sdk::time::parse_rfc3339(T0).expect("T0") + hours * 3600 + seconds)
}

/// A state with two keys a page, so listings page.
fn state() -> MemoryState {
    MemoryState {
        page: 2,
        ..MemoryState::default()
    }
}

fn event(id: &str, event_type: &str, timestamp: &str, data: Value) -> Event {
    Event {
        id: id.into(),
        event_type: event_type.into(),
        source: "pipeline".into(),
        timestamp: timestamp.into(),
        correlation_id: Some("scan-1".into()),
        data: data.to_string(),
    }
}

fn change(check: &str, arn: &str, severity: &str) -> Value {
    json!({
        "scan_id": "scan-1", "result_id": "r-1", "check_id": check, "resource_arn": arn,
        "account_id": "111122223333", "region": "eu-west-1", "service": "s3",
        "severity": severity, "status": "fail", "previous_status": null,
        "message": format!("Bucket {arn} is wrong.")
    })
}

fn violation(id: &str, timestamp: &str, severity: &str) -> Event {
    event(id, VIOLATION, timestamp, change(CHECK, ARN, severity))
}

fn resolution(id: &str, timestamp: &str, reason: &str) -> Event {
    let mut data = change(CHECK, ARN, "high");
    data["status"] = "pass".into();
    data["reason"] = reason.into();
    event(id, COMPLIANCE_RESOLVED, timestamp, data)
}

fn completed(id: &str, timestamp: &str) -> Event {
    event(
        id,
        SCAN_COMPLETED,
        timestamp,
        json!({"scan_id": "scan-1", "account_id": "111122223333", "counters": {}, "errors": {}}),
    )
}

fn run(kv: &mut MemoryState, e: &Event) -> Vec<NewEvent> {
    react(e, kv).unwrap_or_else(|err| panic!("{}: {err}", e.event_type))
}

fn kinds(events: &[NewEvent]) -> Vec<(&str, Value)> {
    events
        .iter()
        .map(|e| {
            (
                e.event_type.as_str(),
                e.data.get("why").cloned().unwrap_or(Value::Null),
            )
        })
        .collect()
}

fn stored(kv: &MemoryState, origin: Origin, check: &str, arn: &str) -> Alert {
    let key = format!("{ALERT_PREFIX}{}", alert_id(origin, check, arn));
    let raw = kv.get(&key).expect("get").expect("the alert is stored");
    serde_json::from_slice(&raw).expect("alert JSON")
}

/// The deadline index: (due time, alert id) of every entry.
fn due_index(kv: &MemoryState) -> Vec<(String, String)> {
    kv.map
        .keys()
        .filter_map(|k| {
            let (due, id) = k.strip_prefix(DUE_PREFIX)?.split_once('/')?;
            let due = due.parse::<i64>().ok()?;
            Some((clock::format_rfc3339(due), id.to_owned()))
        })
        .collect()
}

#[test]
fn info_subscribes_and_asks_for_state_and_notify() {
    let info = Alerts::info();
    assert_eq!(info.name, "alerts");
    assert_eq!(info.kind, lgp_sdk::PluginKind::Handler);
    assert_eq!(
        info.subscriptions,
        [
            VIOLATION,
            COMPLIANCE_RESOLVED,
            THREAT,
            SECURITY_RESOLVED,
            SCAN_COMPLETED
        ]
    );
    assert_eq!(info.capabilities, ["state", "notify"]);
}

#[test]
fn alert_ids_are_deterministic_per_origin_check_and_resource() {
    let id = alert_id(Origin::Compliance, CHECK, ARN);
    assert_eq!(id.len(), 32);
    assert_eq!(id, alert_id(Origin::Compliance, CHECK, ARN));
    assert_ne!(id, alert_id(Origin::Threat, CHECK, ARN));
    assert_ne!(id, alert_id(Origin::Compliance, "other", ARN));
    assert_ne!(
        id,
        alert_id(Origin::Compliance, CHECK, "arn:aws:s3:::other")
    );
    // Length prefixes: moving a character from one part to the next changes the id.
    assert_ne!(
        alert_id(Origin::Compliance, "ab", "c"),
        alert_id(Origin::Compliance, "a", "bc")
    );
}

#[test]
fn a_high_violation_triggers_once_and_a_repeat_only_updates() {
    let mut kv = state();
    let out = run(&mut kv, &violation("e1", T0, "high"));
    assert_eq!(kinds(&out), [(TRIGGERED, Value::Null)]);
    let id = alert_id(Origin::Compliance, CHECK, ARN);
    let d = &out[0].data;
    assert_eq!(d["alert_id"], json!(id));
    assert_eq!(d["origin"], "compliance");
    assert_eq!(d["check_id"], CHECK);
    assert_eq!(d["resource_arn"], ARN);
    assert_eq!(d["account_id"], "111122223333");
    assert_eq!(d["region"], "eu-west-1");
    assert_eq!(d["severity"], "high");
    assert_eq!(d["state"], "open");
    assert_eq!(d["scan_id"], "scan-1");
    assert_eq!(d["opened_at"], T0);
    assert_eq!(d["due_at"], json!(at(72, 0)));
    assert_eq!(d["occurrences"], 1);
    let message = d["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(ARN) && message.contains(CHECK),
        "{message}"
    );
    assert_eq!(due_index(&kv), [(at(72, 0), id.clone())]);

    let mut again = change(CHECK, ARN, "high");
    again["scan_id"] = "scan-2".into();
    let out = run(&mut kv, &event("e2", VIOLATION, &at(1, 0), again));
    assert!(out.is_empty(), "no second alert: {out:?}");
    let a = stored(&kv, Origin::Compliance, CHECK, ARN);
    assert_eq!(a.scan_id, "scan-2");
    assert_eq!(a.updated_at, at(1, 0));
    assert_eq!(a.opened_at, T0);
    assert_eq!(a.occurrences, 1);
}

#[test]
fn violations_below_the_threshold_raise_nothing_unless_the_tenant_lowers_it() {
    let mut kv = state();
    for severity in ["low", "medium", "informational"] {
        assert!(run(&mut kv, &violation("e1", T0, severity)).is_empty());
    }
    assert!(kv.map.is_empty(), "nothing is kept for them");
    assert_eq!(
        kinds(&run(&mut kv, &violation("e2", T0, "critical"))),
        [(TRIGGERED, Value::Null)]
    );

    let mut kv = state();
    kv.set(THRESHOLD_KEY, b"medium").expect("set");
    assert!(run(&mut kv, &violation("e1", T0, "low")).is_empty());
    let out = run(&mut kv, &violation("e2", T0, "medium"));
    assert_eq!(kinds(&out), [(TRIGGERED, Value::Null)]);
    assert_eq!(out[0].data["due_at"], json!(at(7 * 24, 0)));
}

#[test]
fn resolution_resolves_once_with_its_reason_and_a_reoccurrence_escalates() {
    for reason in ["passed", "resource_removed", "muted"] {
        let mut kv = state();
        run(&mut kv, &violation("e1", T0, "high"));
        let out = run(&mut kv, &resolution("e2", &at(2, 0), reason));
        assert_eq!(kinds(&out), [(RESOLVED, Value::Null)], "{reason}");
        let d = &out[0].data;
        assert_eq!(d["reason"], reason);
        assert_eq!(d["state"], "resolved");
        assert_eq!(d["resolved_at"], json!(at(2, 0)));
        assert!(d["message"].as_str().is_some_and(|m| m.contains(ARN)));
        assert!(due_index(&kv).is_empty());
        assert!(run(&mut kv, &resolution("e3", &at(3, 0), reason)).is_empty());

        let out = run(&mut kv, &violation("e4", &at(4, 0), "high"));
        assert_eq!(kinds(&out), [(ESCALATED, json!("reoccurred"))], "{reason}");
        let d = &out[0].data;
        assert_eq!(d["state"], "open");
        assert_eq!(d["occurrences"], 2);
        assert_eq!(d["opened_at"], json!(at(4, 0)));
        assert!(d.get("reason").is_none());
        let a = stored(&kv, Origin::Compliance, CHECK, ARN);
        assert_eq!(
            (a.state, a.first_opened_at.as_str()),
            (AlertState::Open, T0)
        );
        assert_eq!(due_index(&kv).len(), 1);
        assert_eq!(
            due_index(&kv)[0].0,
            at(4 + 72, 0),
            "due from the new opening"
        );
    }
}

#[test]
fn a_resolution_without_an_alert_changes_nothing() {
    let mut kv = state();
    run(&mut kv, &violation("e1", T0, "low"));
    assert!(run(&mut kv, &resolution("e2", T0, "passed")).is_empty());
    assert!(kv.map.is_empty());
}

#[test]
fn a_more_severe_violation_escalates() {
    let mut kv = state();
    run(&mut kv, &violation("e1", T0, "high"));
    let out = run(&mut kv, &violation("e2", &at(1, 0), "critical"));
    assert_eq!(kinds(&out), [(ESCALATED, json!("severity_raised"))]);
    assert_eq!(out[0].data["previous_severity"], "high");
    assert_eq!(out[0].data["severity"], "critical");
    assert_eq!(out[0].data["due_at"], json!(at(24, 0)));
    let id = alert_id(Origin::Compliance, CHECK, ARN);
    assert_eq!(due_index(&kv), [(at(24, 0), id)]);
    assert!(run(&mut kv, &violation("e3", &at(2, 0), "high")).is_empty());
    assert_eq!(
        stored(&kv, Origin::Compliance, CHECK, ARN).severity,
        lgp_sdk::Severity::Critical
    );
}

#[test]
fn an_alert_past_its_deadline_escalates_once_per_opening() {
    let mut kv = state();
    run(&mut kv, &violation("e1", T0, "high"));
    assert!(
        run(&mut kv, &completed("c1", &at(72, 0))).is_empty(),
        "72 h is not past 72 h"
    );
    let out = run(&mut kv, &completed("c2", &at(72, 1)));
    assert_eq!(kinds(&out), [(ESCALATED, json!("deadline"))]);
    assert_eq!(out[0].data["open_hours"], 72);
    assert!(
        due_index(&kv).is_empty(),
        "escalated once: out of the index"
    );
    assert!(
        out[0].data["message"]
            .as_str()
            .is_some_and(|m| m.contains("72 h"))
    );
    assert!(run(&mut kv, &completed("c3", &at(200, 0))).is_empty());
    assert!(run(&mut kv, &violation("e2", &at(201, 0), "high")).is_empty());

    // Reopened, the alert gets a new deadline — checked on its own events too.
    run(&mut kv, &resolution("e3", &at(202, 0), "passed"));
    run(&mut kv, &violation("e4", &at(203, 0), "high"));
    let out = run(&mut kv, &violation("e5", &at(203 + 73, 0), "high"));
    assert_eq!(kinds(&out), [(ESCALATED, json!("deadline"))]);
}

#[test]
fn deadlines_follow_severity_and_the_tenant_settings() {
    let mut kv = state();
    kv.set(THRESHOLD_KEY, b"low").expect("set");
    kv.set(DEADLINES_KEY, br#"{"high": 1}"#).expect("set");
    run(
        &mut kv,
        &event("e1", VIOLATION, T0, change("c_low", ARN, "low")),
    );
    run(
        &mut kv,
        &event("e2", VIOLATION, T0, change("c_high", ARN, "high")),
    );
    run(
        &mut kv,
        &event("e3", VIOLATION, T0, change("c_crit", ARN, "critical")),
    );
    let out = run(&mut kv, &completed("c1", &at(2, 0)));
    let checks: Vec<&Value> = out.iter().map(|e| &e.data["check_id"]).collect();
    assert_eq!(
        checks,
        [&json!("c_high")],
        "low has no deadline, critical 24 h"
    );
    let out = run(&mut kv, &completed("c2", &at(25, 0)));
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].data["check_id"], "c_crit");
}

#[test]
fn threats_alert_whatever_the_threshold_and_resolve_on_security_resolved() {
    let mut kv = state();
    let mut threat = change("s3_bucket_policy_not_public", ARN, "critical");
    threat["classification"] = "threat".into();
    threat["exposure"] = "public_access".into();
    kv.set(THRESHOLD_KEY, b"critical").expect("set");
    threat["severity"] = "high".into();
    let out = run(&mut kv, &event("t1", THREAT, T0, threat.clone()));
    assert_eq!(kinds(&out), [(TRIGGERED, Value::Null)]);
    let d = &out[0].data;
    assert_eq!(d["origin"], "threat");
    assert_eq!(d["exposure"], "public_access");
    assert_eq!(
        d["alert_id"],
        json!(alert_id(Origin::Threat, "s3_bucket_policy_not_public", ARN))
    );
    // The violation the threat came from is an alert of its own (if above the threshold).
    let out = run(
        &mut kv,
        &event(
            "v1",
            VIOLATION,
            T0,
            change("s3_bucket_policy_not_public", ARN, "critical"),
        ),
    );
    assert_eq!(kinds(&out), [(TRIGGERED, Value::Null)]);
    assert_eq!(out[0].data["origin"], "compliance");

    let mut resolved = threat;
    resolved["reason"] = "passed".into();
    let out = run(
        &mut kv,
        &event("t2", SECURITY_RESOLVED, &at(1, 0), resolved.clone()),
    );
    assert_eq!(kinds(&out), [(RESOLVED, Value::Null)]);
    assert_eq!(out[0].data["origin"], "threat");
    assert_eq!(
        stored(&kv, Origin::Compliance, "s3_bucket_policy_not_public", ARN).state,
        AlertState::Open,
        "the compliance alert resolves on its own event"
    );
    // A misconfiguration's resolution has no alert to resolve.
    let mut misconfiguration = resolved;
    misconfiguration["check_id"] = "s3_bucket_default_encryption".into();
    misconfiguration["classification"] = "misconfiguration".into();
    assert!(
        run(
            &mut kv,
            &event("t3", SECURITY_RESOLVED, T0, misconfiguration)
        )
        .is_empty()
    );
}

#[test]
fn a_redelivered_event_publishes_the_same_events_again() {
    let mut kv = state();
    let first = run(&mut kv, &violation("e1", T0, "high"));
    assert_eq!(run(&mut kv, &violation("e1", T0, "high")), first);
    let resolved = run(&mut kv, &resolution("e2", &at(1, 0), "passed"));
    assert_eq!(
        run(&mut kv, &resolution("e2", &at(1, 0), "passed")),
        resolved
    );
    assert!(due_index(&kv).is_empty());
    let reoccurred = run(&mut kv, &violation("e3", &at(2, 0), "high"));
    let late = run(&mut kv, &completed("c1", &at(100, 0)));
    assert_eq!(late.len(), 1);
    assert_eq!(run(&mut kv, &completed("c1", &at(100, 0))), late);
    assert!(run(&mut kv, &completed("c2", &at(101, 0))).is_empty());
    assert_eq!(kinds(&reoccurred), [(ESCALATED, json!("reoccurred"))]);
}

#[test]
fn a_completed_scan_pages_through_open_alerts_and_bounds_its_escalations() {
    let mut kv = state();
    let n = MAX_DUE_PER_EVENT + 3;
    for i in 0..n {
        let e = event(
            &format!("e{i}"),
            VIOLATION,
            T0,
            change(CHECK, &format!("arn:aws:s3:::bucket-{i:04}"), "high"),
        );
        run(&mut kv, &e);
    }
    // One resolved alert is no longer in the index.
    let mut data = change(CHECK, "arn:aws:s3:::bucket-0000", "high");
    data["reason"] = "passed".into();
    run(&mut kv, &event("r", COMPLIANCE_RESOLVED, T0, data));
    let out = run(&mut kv, &completed("c1", &at(80, 0)));
    assert_eq!(out.len(), MAX_DUE_PER_EVENT);
    assert!(out.iter().all(|e| e.data["why"] == "deadline"));
    let out = run(&mut kv, &completed("c2", &at(81, 0)));
    assert_eq!(out.len(), n - 1 - MAX_DUE_PER_EVENT);
    assert!(run(&mut kv, &completed("c3", &at(82, 0))).is_empty());
}

#[test]
fn unreadable_events_are_rejected_and_others_ignored() {
    let mut kv = state();
    let bad = event("e1", VIOLATION, T0, json!({"check_id": CHECK}));
    assert!(matches!(
        react(&bad, &mut kv),
        Err(DeliveryError::Reject(_))
    ));
    let mut no_reason = change(CHECK, ARN, "high");
    no_reason["status"] = "pass".into();
    let e = event("e2", COMPLIANCE_RESOLVED, T0, no_reason);
    assert!(matches!(react(&e, &mut kv), Err(DeliveryError::Reject(_))));
    let e = violation("e3", "yesterday", "high");
    assert!(matches!(react(&e, &mut kv), Err(DeliveryError::Reject(_))));
    let other = event("e4", "inventory.changed", T0, json!({}));
    assert_eq!(react(&other, &mut kv), Ok(Vec::new()));
    assert!(kv.map.is_empty());
}

#[test]
fn without_a_host_the_plugin_asks_for_a_retry() {
    // Natively the state capability is unavailable: the delivery is retried, never dropped.
    assert!(matches!(
        Alerts::handle(violation("e1", T0, "high")),
        Err(DeliveryError::Retry(_))
    ));
}

#[test]
fn changed_deadlines_apply_when_the_index_is_read_or_the_alert_changes() {
    // Longer: the entry filed for 72 h comes up, is judged by the 100 h now in force and
    // re-filed; the alert escalates once past 100 h.
    let mut kv = state();
    run(&mut kv, &violation("e1", T0, "high"));
    kv.set(DEADLINES_KEY, br#"{"high": 100}"#).expect("set");
    assert!(run(&mut kv, &completed("c1", &at(73, 0))).is_empty());
    let id = alert_id(Origin::Compliance, CHECK, ARN);
    assert_eq!(due_index(&kv), [(at(100, 0), id.clone())]);
    assert!(run(&mut kv, &completed("c2", &at(99, 0))).is_empty());
    let out = run(&mut kv, &completed("c3", &at(100, 1)));
    assert_eq!(kinds(&out), [(ESCALATED, json!("deadline"))]);
    assert!(due_index(&kv).is_empty());

    // Shorter: the entry still says 72 h, so a completed scan does not see it before then, but
    // the alert's next event judges it by the 1 h now in force.
    let mut kv = state();
    run(&mut kv, &violation("e1", T0, "high"));
    kv.set(DEADLINES_KEY, br#"{"high": 1}"#).expect("set");
    assert!(run(&mut kv, &completed("c1", &at(2, 0))).is_empty());
    let out = run(&mut kv, &violation("e2", &at(2, 0), "high"));
    assert_eq!(kinds(&out), [(ESCALATED, json!("deadline"))]);
    assert!(due_index(&kv).is_empty());

    // Removed: the entry comes up and is dropped.
    let mut kv = state();
    run(&mut kv, &violation("e1", T0, "high"));
    kv.set(DEADLINES_KEY, br#"{"high": null}"#).expect("set");
    assert!(run(&mut kv, &completed("c1", &at(80, 0))).is_empty());
    assert!(due_index(&kv).is_empty());
    assert_eq!(
        stored(&kv, Origin::Compliance, CHECK, ARN).state,
        AlertState::Open
    );
}

#[test]
fn a_completed_scan_reads_only_due_entries_and_drops_foreign_ones() {
    let mut kv = state();
    kv.set("due/!not-a-time/x", b"1").expect("set");
    run(&mut kv, &violation("e1", T0, "high"));
    // An entry whose alert is gone (a lost write) is dropped when it comes up.
    kv.set(&format!("{DUE_PREFIX}000000000001/gone"), b"1")
        .expect("set");
    assert!(run(&mut kv, &completed("c1", &at(1, 0))).is_empty());
    let id = alert_id(Origin::Compliance, CHECK, ARN);
    assert_eq!(due_index(&kv), [(at(72, 0), id)]);
    assert!(!kv.map.contains_key("due/!not-a-time/x"));
}

/// A state whose writes start failing after `budget` of them, as a store outage would.
struct Flaky {
    inner: MemoryState,
    budget: usize,
}

impl KeyValue for Flaky {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, lgp_sdk::HostError> {
        self.inner.get(key)
    }

    fn set(&mut self, key: &str, value: &[u8]) -> Result<(), lgp_sdk::HostError> {
        if self.budget == 0 {
            return Err(lgp_sdk::HostError::Unavailable("store down".into()));
        }
        self.budget -= 1;
        self.inner.set(key, value)
    }

    fn delete(&mut self, key: &str) -> Result<(), lgp_sdk::HostError> {
        self.inner.delete(key)
    }

    fn list_keys(
        &self,
        prefix: &str,
        cursor: Option<&str>,
    ) -> Result<(Vec<String>, Option<String>), lgp_sdk::HostError> {
        self.inner.list_keys(prefix, cursor)
    }
}

#[test]
fn a_completed_scan_that_failed_half_way_escalates_everything_when_retried() {
    let mut kv = state();
    for i in 0..4 {
        let e = event(
            &format!("e{i}"),
            VIOLATION,
            &at(i, 0),
            change(CHECK, &format!("arn:aws:s3:::bucket-{i}"), "high"),
        );
        run(&mut kv, &e);
    }
    let sweep = completed("c1", &at(100, 0));
    // Whatever write fails, the retry publishes all four escalations, in the same order.
    let mut expected = None;
    for budget in 0..12 {
        let mut flaky = Flaky {
            inner: kv.clone(),
            budget,
        };
        match react(&sweep, &mut flaky) {
            Err(DeliveryError::Retry(_)) => {}
            Ok(out) => {
                assert_eq!(out.len(), 4, "budget {budget}");
                expected.get_or_insert(out);
                continue;
            }
            Err(e) => panic!("budget {budget}: {e}"),
        }
        let mut state = flaky.inner;
        let out = run(&mut state, &sweep);
        let first = expected.get_or_insert_with(|| out.clone());
        assert_eq!(&out, first, "budget {budget}");
        assert!(run(&mut state, &completed("c2", &at(101, 0))).is_empty());
        assert!(!state.map.keys().any(|k| k.starts_with("swept/c1/")));
    }
}
