//! Auditability: server access logging and event notifications.

use super::meta;
use lgp_sdk::kinds::s3::{Logging, NotificationTarget, Notifications, props};
use lgp_sdk::{Check, CheckResult, Context, Outcome, Remediation, Resource, Severity};

/// `s3_bucket_server_access_logging_enabled`: access logs are delivered somewhere.
pub fn server_access_logging_enabled() -> Check {
    Check::new(
        meta("s3_bucket_server_access_logging_enabled", "S3 bucket has server access logging enabled", Severity::Medium)
            .description("Checks that server access logging is enabled and names a target bucket.")
            .rationale(
                "Access logs record every request to the bucket (who, what, when, from where); without them \
                 an incident involving the bucket's data cannot be investigated.",
            )
            .remediation(
                Remediation::new("Enable server access logging to a dedicated log bucket in the same region (not the bucket itself).")
                    .cli(r#"aws s3api put-bucket-logging --bucket <bucket> --bucket-logging-status '{"LoggingEnabled":{"TargetBucket":"<log-bucket>","TargetPrefix":"<bucket>/"}}'"#)
                    .console("S3 > Buckets > <bucket> > Properties > Server access logging > Edit")
                    .url("https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html"),
            )
            .reference("aws-fsbp", "S3.9")
            .reference("pci-dss-4.0", "10.2.1")
            .reference("soc2", "CC7.2")
            .reference("hipaa", "164.312(b)")
            .reference("nist-800-53-r5", "AU-2")
            .reference("nist-800-53-r5", "AU-12")
            .reference("iso-27001-2022", "A.8.15")
            .equivalent("prowler", "s3_bucket_server_access_logging_enabled")
            .equivalent("security-hub", "S3.9"),
        check_server_access_logging_enabled,
    )
}

fn check_server_access_logging_enabled(bucket: &Resource, _: &Context) -> CheckResult {
    let logging: Logging = bucket.get(props::LOGGING)?;
    let name = &bucket.name;
    let outcome = match (logging.enabled, logging.target_bucket.as_deref()) {
        (true, Some(target)) if target == name.as_str() => Outcome::pass(format!(
            "Bucket {name} logs to itself (works, but every log delivery creates more log records)."
        )),
        (true, Some(target)) => {
            Outcome::pass(format!("Bucket {name} delivers access logs to {target}."))
        }
        (true, None) => Outcome::error(format!(
            "Bucket {name} reports logging enabled without a target bucket (property `logging.target_bucket`)."
        )),
        (false, _) => Outcome::fail(format!("Bucket {name} has server access logging disabled.")),
    };
    Ok(outcome.evidence(props::LOGGING, logging))
}

/// `s3_bucket_event_notifications_enabled`: bucket events are sent somewhere.
pub fn event_notifications_enabled() -> Check {
    Check::new(
        meta("s3_bucket_event_notifications_enabled", "S3 bucket has event notifications enabled", Severity::Low)
            .description(
                "Checks that the bucket sends event notifications to at least one SNS topic, SQS queue, \
                 Lambda function, or to Amazon EventBridge.",
            )
            .rationale(
                "Notifications on object creation, deletion and restore let monitoring and automated \
                 response see changes to the data as they happen, instead of at the next audit.",
            )
            .remediation(
                Remediation::new("Turn on Amazon EventBridge delivery for the bucket (or configure SNS, SQS or Lambda notifications) and route the events to your monitoring.")
                    .cli(r#"aws s3api put-bucket-notification-configuration --bucket <bucket> --notification-configuration '{"EventBridgeConfiguration":{}}'"#)
                    .console("S3 > Buckets > <bucket> > Properties > Event notifications")
                    .url("https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventNotifications.html"),
            )
            .reference("aws-fsbp", "S3.11")
            .reference("soc2", "CC7.2")
            .reference("nist-800-53-r5", "SI-4")
            .reference("iso-27001-2022", "A.8.16")
            .equivalent("prowler", "s3_bucket_event_notifications_enabled")
            .equivalent("security-hub", "S3.11"),
        check_event_notifications_enabled,
    )
}

fn check_event_notifications_enabled(bucket: &Resource, _: &Context) -> CheckResult {
    let notifications: Notifications = bucket.get(props::NOTIFICATIONS)?;
    let name = &bucket.name;
    let mut targets: Vec<&str> = [
        &notifications.topics,
        &notifications.queues,
        &notifications.lambda_functions,
    ]
    .into_iter()
    .flatten()
    .map(|t: &NotificationTarget| t.arn.as_str())
    .collect();
    if notifications.event_bridge {
        targets.push("Amazon EventBridge");
    }
    Ok(Outcome::pass_if(
        notifications.any(),
        format!(
            "Bucket {name} sends event notifications to {}.",
            targets.join(", ")
        ),
        format!("Bucket {name} has no event notifications configured."),
    )
    .evidence(props::NOTIFICATIONS, notifications))
}

#[cfg(test)]
mod tests {
    use crate::S3Rules;
    use crate::test_support::{ARN, bucket};
    use lgp_sdk::Status;
    use lgp_sdk::testing::{assert_status, run};
    use serde_json::json;

    const ID: &str = "s3_bucket_server_access_logging_enabled";

    #[test]
    fn logging_states() {
        let cases = [
            (
                json!({"enabled": true, "target_bucket": "logs", "target_prefix": "b/"}),
                Status::Pass,
            ),
            (json!({"enabled": true, "target_bucket": "b"}), Status::Pass),
            (
                json!({"enabled": false, "target_bucket": null}),
                Status::Fail,
            ),
            (
                json!({"enabled": true, "target_bucket": null}),
                Status::Error,
            ),
            (json!(null), Status::Error),
        ];
        for (logging, expected) in cases {
            let findings = run::<S3Rules>(&[bucket("b", json!({ "logging": logging }))]);
            assert_status(&findings, ID, ARN, expected);
        }
    }

    #[test]
    fn event_notifications() {
        const EVENTS: &str = "s3_bucket_event_notifications_enabled";
        let none =
            json!({"topics": [], "queues": [], "lambda_functions": [], "event_bridge": false});
        let queue = json!({"topics": [], "lambda_functions": [], "event_bridge": false,
            "queues": [{"arn": "arn:aws:sqs:us-east-1:111122223333:q", "events": ["s3:ObjectCreated:*"]}]});
        let bridge =
            json!({"topics": [], "queues": [], "lambda_functions": [], "event_bridge": true});
        let cases = [
            (none, Status::Fail),
            (queue, Status::Pass),
            (bridge, Status::Pass),
            (json!(null), Status::Error),
            (json!({"topics": []}), Status::Error),
        ];
        for (notifications, expected) in cases {
            let findings =
                run::<S3Rules>(&[bucket("b", json!({ "notifications": notifications }))]);
            assert_status(&findings, EVENTS, ARN, expected);
        }
        let findings = run::<S3Rules>(&[bucket("b", json!({}))]);
        let f = assert_status(&findings, EVENTS, ARN, Status::Pass);
        assert!(f.message.contains("Amazon EventBridge"), "{}", f.message);
    }
}
