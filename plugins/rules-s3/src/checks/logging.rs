//! Auditability: server access logging.

use super::meta;
use lgp_sdk::kinds::s3::{Logging, props};
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
}
