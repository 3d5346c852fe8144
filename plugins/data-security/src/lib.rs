//! LG-Protect's built-in data-security handler: turns compliance events about data stores into
//! security events.
//!
//! It subscribes to `compliance.violation` and `compliance.resolved`. A violation of a check in
//! [`table::TABLE`] becomes a `security.threat` (the data is reachable by anyone: public S3
//! ACLs and policies, public EBS snapshots and AMIs) or a `security.misconfiguration` (a weak
//! configuration: unencrypted data at rest, cross-account access, plain HTTP allowed, missing
//! Block Public Access); the resolution of such a check becomes a `security.resolved` carrying
//! what it resolves. The payloads are documented in `docs/events.md`.
//!
//! What it deliberately does not do: it keeps no state and makes no queries, so it judges each
//! event on its own — a resource failing two public checks raises two threats, and each
//! resolution resolves one. It ignores checks it does not
//! classify and event types it does not subscribe to (acknowledged, nothing published), and
//! rejects a payload it cannot read rather than guess what it meant.

pub mod table;

use lgp_sdk::handler::{self, DeliveryError, Event, NewEvent};
use lgp_sdk::{HandlerPlugin, PluginInfo, Severity};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use table::{Classification, Classified, Exposure};

/// The event type of a newly failing check result.
pub const VIOLATION: &str = "compliance.violation";
/// The event type of a failing check result that passes again or whose resource is gone.
pub const RESOLVED: &str = "compliance.resolved";
/// The event type this plugin publishes when a threat or misconfiguration is gone.
pub const SECURITY_RESOLVED: &str = "security.resolved";

/// The data-security handler plugin.
pub struct DataSecurity;

impl HandlerPlugin for DataSecurity {
    fn info() -> PluginInfo {
        PluginInfo::handler(
            "data-security",
            env!("CARGO_PKG_VERSION"),
            "Classifies exposed data stores (public buckets, snapshots and images; unencrypted or weakly guarded data) as security threats and misconfigurations.",
        )
        .subscribe(VIOLATION)
        .subscribe(RESOLVED)
    }

    fn handle(event: Event) -> Result<(), DeliveryError> {
        if let Some(out) = react(&event)? {
            handler::emit(&[out])?;
        }
        Ok(())
    }
}

lgp_sdk::export_handler!(DataSecurity);

/// Why a failing result was resolved (`compliance.resolved`'s `reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The check passes again.
    Passed,
    /// The resource is gone.
    ResourceRemoved,
    /// The tenant muted the failing result: the risk is accepted, no longer reported.
    Muted,
}

/// The fields of a `compliance.violation` / `compliance.resolved` payload this plugin reads.
#[derive(Debug, Deserialize)]
struct ResultChange {
    scan_id: String,
    result_id: String,
    check_id: String,
    resource_arn: String,
    account_id: String,
    region: String,
    severity: Severity,
    message: String,
    #[serde(default)]
    reason: Option<Reason>,
}

/// Only the check id, to decide whether an event concerns this plugin before reading the rest.
#[derive(Debug, Deserialize)]
struct CheckOf {
    check_id: String,
}

/// The payload of `security.threat`, `security.misconfiguration` and `security.resolved`.
#[derive(Debug, Serialize)]
struct SecurityEvent<'a> {
    scan_id: &'a str,
    result_id: &'a str,
    check_id: &'a str,
    resource_arn: &'a str,
    account_id: &'a str,
    region: &'a str,
    severity: Severity,
    classification: Classification,
    exposure: Exposure,
    data_store: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<Reason>,
}

/// The security event `event` calls for: `None` for event types and checks this plugin does not
/// classify; a [`DeliveryError::Reject`] for a payload it cannot read.
pub fn react(event: &Event) -> Result<Option<NewEvent>, DeliveryError> {
    let resolving = match event.event_type.as_str() {
        VIOLATION => false,
        RESOLVED => true,
        _ => return Ok(None),
    };
    let data: Value = event.data().map_err(|e| malformed(event, e))?;
    let CheckOf { check_id } = CheckOf::deserialize(&data).map_err(|e| malformed(event, e))?;
    let Some(class) = table::classify(&check_id) else {
        return Ok(None);
    };
    let change = ResultChange::deserialize(&data).map_err(|e| malformed(event, e))?;
    let (event_type, reason, message) = if resolving {
        let Some(reason) = change.reason else {
            return Err(DeliveryError::Reject(format!(
                "{RESOLVED} event {} about {} has no reason",
                event.id, change.resource_arn
            )));
        };
        let message = resolved_message(class, &change, reason);
        (SECURITY_RESOLVED, Some(reason), message)
    } else {
        let message = format!(
            "{}: {}. {}",
            change.resource_arn,
            class.exposure.describe(),
            change.message
        );
        (class.classification.event_type(), None, message)
    };
    let payload = SecurityEvent {
        scan_id: &change.scan_id,
        result_id: &change.result_id,
        check_id: &change.check_id,
        resource_arn: &change.resource_arn,
        account_id: &change.account_id,
        region: &change.region,
        severity: class.severity(change.severity),
        classification: class.classification,
        exposure: class.exposure,
        data_store: class.data_store,
        message,
        reason,
    };
    let out = NewEvent::new(event_type, payload)
        .map_err(|e| DeliveryError::Reject(format!("cannot encode the {event_type} event: {e}")))?
        .correlation_id(change.scan_id);
    Ok(Some(out))
}

fn resolved_message(class: &Classified, change: &ResultChange, reason: Reason) -> String {
    let why = match reason {
        Reason::Passed => format!("check {} passes again", change.check_id),
        Reason::ResourceRemoved => "the resource was removed".to_owned(),
        Reason::Muted => format!("the result of check {} is muted", change.check_id),
    };
    format!(
        "{}: the {} is resolved ({why}). It was: {}.",
        change.resource_arn,
        class.classification.as_str(),
        class.exposure.describe()
    )
}

fn malformed(event: &Event, e: serde_json::Error) -> DeliveryError {
    DeliveryError::Reject(format!(
        "malformed {} event {}: {e}",
        event.event_type, event.id
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ARN: &str = "arn:aws:s3:::acme-data";

    fn event(event_type: &str, data: Value) -> Event {
        Event {
            id: "01JDATASECURITY0000000000".into(),
            event_type: event_type.into(),
            source: "pipeline".into(),
            timestamp: "2026-11-30T05:00:00Z".into(),
            correlation_id: Some("scan-1".into()),
            data: data.to_string(),
        }
    }

    fn change(check_id: &str, severity: &str) -> Value {
        json!({
            "scan_id": "scan-1", "result_id": "r-1", "check_id": check_id,
            "resource_arn": ARN, "account_id": "111122223333", "region": "us-east-1",
            "service": "s3", "severity": severity, "status": "fail", "previous_status": null,
            "message": "Bucket acme-data is wrong."
        })
    }

    fn resolved(check_id: &str, reason: &str) -> Value {
        let mut data = change(check_id, "medium");
        data["status"] = "pass".into();
        data["previous_status"] = "fail".into();
        data["reason"] = reason.into();
        data
    }

    fn react_ok(e: &Event) -> Option<NewEvent> {
        react(e).unwrap_or_else(|err| panic!("{err}"))
    }

    /// The brief the table implements, written out on its own: check → (event, exposure, kind).
    const EXPECTED: &[(&str, &str, &str, &str)] = &[
        (
            "s3_bucket_acl_not_public",
            "security.threat",
            "public_access",
            "aws:s3:bucket",
        ),
        (
            "s3_bucket_policy_not_public",
            "security.threat",
            "public_access",
            "aws:s3:bucket",
        ),
        (
            "s3_bucket_policy_no_public_write",
            "security.threat",
            "public_write",
            "aws:s3:bucket",
        ),
        (
            "s3_bucket_public_list_acl",
            "security.threat",
            "public_list",
            "aws:s3:bucket",
        ),
        (
            "s3_bucket_public_write_acl",
            "security.threat",
            "public_write",
            "aws:s3:bucket",
        ),
        (
            "ec2_ebs_public_snapshot",
            "security.threat",
            "public_snapshot",
            "aws:ec2:snapshot",
        ),
        (
            "ec2_ami_public",
            "security.threat",
            "public_image",
            "aws:ec2:image",
        ),
        (
            "s3_bucket_cross_account_access",
            "security.misconfiguration",
            "cross_account",
            "aws:s3:bucket",
        ),
        (
            "s3_bucket_default_encryption",
            "security.misconfiguration",
            "unencrypted_at_rest",
            "aws:s3:bucket",
        ),
        (
            "ec2_ebs_volume_encryption",
            "security.misconfiguration",
            "unencrypted_at_rest",
            "aws:ec2:volume",
        ),
        (
            "ec2_ebs_snapshots_encrypted",
            "security.misconfiguration",
            "unencrypted_at_rest",
            "aws:ec2:snapshot",
        ),
        (
            "ec2_ebs_default_encryption",
            "security.misconfiguration",
            "unencrypted_at_rest",
            "aws:ec2:ebs-encryption-by-default",
        ),
        (
            "s3_bucket_level_public_access_block",
            "security.misconfiguration",
            "missing_public_access_block",
            "aws:s3:bucket",
        ),
        (
            "s3_account_level_public_access_blocks",
            "security.misconfiguration",
            "missing_public_access_block",
            "aws:s3:account-public-access-block",
        ),
        (
            "s3_bucket_secure_transport_policy",
            "security.misconfiguration",
            "insecure_transport",
            "aws:s3:bucket",
        ),
    ];

    #[test]
    fn info_subscribes_to_compliance_changes() {
        let info = DataSecurity::info();
        assert_eq!(info.name, "data-security");
        assert_eq!(info.kind, lgp_sdk::PluginKind::Handler);
        assert_eq!(info.subscriptions, [VIOLATION, RESOLVED]);
        assert!(info.capabilities.is_empty());
    }

    #[test]
    fn every_row_of_the_table_turns_its_violation_into_its_event() {
        assert_eq!(table::TABLE.len(), EXPECTED.len());
        for &(check, event_type, exposure, kind) in EXPECTED {
            let out = react_ok(&event(VIOLATION, change(check, "medium")))
                .unwrap_or_else(|| panic!("{check}: no event"));
            assert_eq!(out.event_type, event_type, "{check}");
            assert_eq!(out.correlation_id.as_deref(), Some("scan-1"));
            let d = &out.data;
            let threat = event_type == "security.threat";
            let severity = match exposure {
                "public_write" | "public_snapshot" => "critical",
                _ if threat => "high",
                _ => "medium",
            };
            assert_eq!(
                d,
                &json!({
                    "scan_id": "scan-1", "result_id": "r-1", "check_id": check,
                    "resource_arn": ARN, "account_id": "111122223333", "region": "us-east-1",
                    "severity": severity,
                    "classification": if threat { "threat" } else { "misconfiguration" },
                    "exposure": exposure, "data_store": kind, "message": d["message"],
                }),
                "{check}"
            );
            let message = d["message"].as_str().unwrap_or_default();
            assert!(message.starts_with(ARN), "{message}");
            assert!(message.ends_with("Bucket acme-data is wrong."), "{message}");
        }
    }

    #[test]
    fn threats_keep_a_critical_rule_severity() {
        let out = react_ok(&event(
            VIOLATION,
            change("s3_bucket_policy_not_public", "critical"),
        ));
        assert_eq!(
            out.map(|o| o.data["severity"].clone()),
            Some(json!("critical"))
        );
    }

    #[test]
    fn every_row_resolves() {
        for &(check, _, exposure, kind) in EXPECTED {
            for reason in ["passed", "resource_removed", "muted"] {
                let out = react_ok(&event(RESOLVED, resolved(check, reason)))
                    .unwrap_or_else(|| panic!("{check}: no event"));
                assert_eq!(out.event_type, SECURITY_RESOLVED, "{check}");
                let d = &out.data;
                assert_eq!(d["check_id"], check);
                assert_eq!(d["resource_arn"], ARN);
                assert_eq!(d["exposure"], exposure);
                assert_eq!(d["data_store"], kind);
                assert_eq!(d["reason"], reason);
                assert!(
                    d["classification"] == "threat" || d["classification"] == "misconfiguration"
                );
                let message = d["message"].as_str().unwrap_or_default();
                assert!(message.starts_with(ARN), "{message}");
                assert!(message.contains("resolved"), "{message}");
            }
        }
        let out = react_ok(&event(
            RESOLVED,
            resolved("ec2_ebs_public_snapshot", "passed"),
        ));
        let d = out.map(|o| o.data).unwrap_or_default();
        assert_eq!(d["classification"], "threat");
        assert_eq!(d["severity"], "critical");
    }

    #[test]
    fn unknown_checks_and_event_types_are_ignored() {
        assert_eq!(
            react_ok(&event(
                VIOLATION,
                change("s3_bucket_versioning_enabled", "medium")
            )),
            None
        );
        assert_eq!(
            react_ok(&event(
                RESOLVED,
                resolved("ec2_instance_imdsv2_enabled", "passed")
            )),
            None
        );
        // An unclassified check is ignored even when the rest of its payload is unreadable.
        assert_eq!(
            react_ok(&event(
                VIOLATION,
                json!({"check_id": "iam_root_mfa_enabled"})
            )),
            None
        );
        assert_eq!(
            react_ok(&event("inventory.changed", json!({"anything": 1}))),
            None
        );
    }

    #[test]
    fn malformed_payloads_are_rejected() {
        let check = "s3_bucket_policy_not_public";
        let mut bad_severity = change(check, "medium");
        bad_severity["severity"] = "catastrophic".into();
        let mut no_arn = change(check, "medium");
        no_arn.as_object_mut().map(|o| o.remove("resource_arn"));
        let mut no_reason = resolved(check, "passed");
        no_reason.as_object_mut().map(|o| o.remove("reason"));
        let cases = [
            (VIOLATION, "{not json".to_owned()),
            (VIOLATION, "[]".to_owned()),
            (VIOLATION, json!({"check_id": 7}).to_string()),
            (VIOLATION, bad_severity.to_string()),
            (VIOLATION, no_arn.to_string()),
            (RESOLVED, no_reason.to_string()),
            (RESOLVED, resolved(check, "forgotten").to_string()),
        ];
        for (event_type, data) in cases {
            let e = Event {
                data: data.clone(),
                ..event(event_type, json!({}))
            };
            match react(&e) {
                Err(DeliveryError::Reject(m)) => assert!(!m.is_empty()),
                other => panic!("{data}: expected a rejection, got {other:?}"),
            }
        }
    }
}
