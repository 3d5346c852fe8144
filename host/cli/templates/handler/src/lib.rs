//! {{name}}: an LG-Protect handler plugin.
//!
//! A handler subscribes to event types and reacts to each event, here by publishing another
//! one: every `compliance.violation` of severity critical raises an `alert.triggered` naming
//! the check, the resource and the rule's message. The tenant is the invocation's; the host
//! fills in the new event's id, source and time.
//!
//! The decision is a pure function, [`react`], tested natively below; [`Handler::handle`] only
//! publishes what it returns (`lgp_sdk::handler::emit` needs the host, so outside it, in native
//! tests, it answers `unavailable`).
//!
//! - `cargo test` runs the tests below natively.
//! - `lgp plugin build` builds the component and validates it as the host would.

use lgp_sdk::handler::{self, DeliveryError, Event, NewEvent};
use lgp_sdk::{HandlerPlugin, PluginInfo, Severity};
use serde::{Deserialize, Serialize};

/// The event type this plugin subscribes to: a check result that newly fails.
pub const VIOLATION: &str = "compliance.violation";
/// The event type this plugin publishes.
pub const ALERT: &str = "alert.triggered";
/// The least severity that raises an alert.
pub const ALERT_FROM: Severity = Severity::Critical;

/// The plugin.
pub struct Handler;

impl HandlerPlugin for Handler {
    fn info() -> PluginInfo {
        PluginInfo::handler(
            "{{name}}",
            env!("CARGO_PKG_VERSION"),
            "{{description}}",
        )
        .subscribe(VIOLATION)
    }

    fn handle(event: Event) -> Result<(), DeliveryError> {
        if let Some(alert) = react(&event)? {
            // A host error here retries the delivery (transient) or dead-letters it.
            handler::emit(&[alert])?;
        }
        Ok(())
    }
}

lgp_sdk::export_handler!(Handler);

/// The fields of a `compliance.violation` payload this plugin reads (LG-Protect's
/// `docs/events.md` lists them all).
#[derive(Debug, Deserialize)]
struct Violation {
    scan_id: String,
    result_id: String,
    check_id: String,
    resource_arn: String,
    account_id: String,
    region: String,
    severity: Severity,
    message: String,
}

/// The payload of the `alert.triggered` this plugin publishes.
#[derive(Debug, Serialize)]
struct Alert<'a> {
    scan_id: &'a str,
    result_id: &'a str,
    check_id: &'a str,
    resource_arn: &'a str,
    account_id: &'a str,
    region: &'a str,
    severity: Severity,
    message: String,
    raised_by: &'static str,
}

/// The alert `event` calls for: `None` for other event types and for violations below
/// [`ALERT_FROM`]; a [`DeliveryError::Reject`] (dead-letter, no retry) for a payload that does
/// not parse, since it never will.
pub fn react(event: &Event) -> Result<Option<NewEvent>, DeliveryError> {
    if event.event_type != VIOLATION {
        return Ok(None);
    }
    let v: Violation = event.data()?;
    if v.severity < ALERT_FROM {
        return Ok(None);
    }
    let alert = Alert {
        scan_id: &v.scan_id,
        result_id: &v.result_id,
        check_id: &v.check_id,
        resource_arn: &v.resource_arn,
        account_id: &v.account_id,
        region: &v.region,
        severity: v.severity,
        message: format!(
            "{} {} violation on {}: {}",
            v.severity.as_str(),
            v.check_id,
            v.resource_arn,
            v.message
        ),
        raised_by: "{{name}}",
    };
    let event = NewEvent::new(ALERT, alert)
        .map_err(|e| DeliveryError::Reject(format!("cannot encode the alert: {e}")))?
        .correlation_id(&v.scan_id);
    Ok(Some(event))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn violation(severity: &str) -> Event {
        Event {
            id: "01JG0000000000000000000000".into(),
            event_type: VIOLATION.into(),
            source: "pipeline".into(),
            timestamp: "2025-01-01T00:00:00Z".into(),
            correlation_id: Some("scan-1".into()),
            data: json!({
                "scan_id": "scan-1", "result_id": "r-1", "check_id": "s3_bucket_acl_not_public",
                "resource_arn": "arn:aws:s3:::www", "account_id": "111122223333",
                "region": "us-east-1", "service": "s3", "severity": severity, "status": "fail",
                "previous_status": null, "message": "Bucket www grants READ to AllUsers."
            })
            .to_string(),
        }
    }

    #[test]
    fn a_critical_violation_raises_an_alert() {
        let alert = react(&violation("critical"))
            .expect("valid")
            .expect("an alert");
        assert_eq!(alert.event_type, ALERT);
        assert_eq!(alert.correlation_id.as_deref(), Some("scan-1"));
        assert_eq!(alert.data["resource_arn"], "arn:aws:s3:::www");
        assert_eq!(alert.data["severity"], "critical");
        assert_eq!(
            alert.data["message"],
            "critical s3_bucket_acl_not_public violation on arn:aws:s3:::www: \
             Bucket www grants READ to AllUsers."
        );
    }

    #[test]
    fn lesser_violations_and_other_events_are_ignored() {
        assert_eq!(react(&violation("high")), Ok(None));
        let resolved = Event {
            event_type: "compliance.resolved".into(),
            ..violation("critical")
        };
        assert_eq!(react(&resolved), Ok(None));
    }

    #[test]
    fn an_unreadable_payload_is_rejected() {
        let broken = Event {
            data: "{\"scan_id\": 3}".into(),
            ..violation("critical")
        };
        assert!(matches!(react(&broken), Err(DeliveryError::Reject(_))));
    }

    #[test]
    fn the_manifest_subscribes_to_violations() {
        let info = Handler::info();
        assert_eq!(info.subscriptions, [VIOLATION]);
        assert_eq!(info.name, "{{name}}");
    }
}
