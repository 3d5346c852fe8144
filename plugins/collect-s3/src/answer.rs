//! What one AWS call told us about one setting: its output, "not configured", or a failure.
//!
//! S3 answers "this setting is not configured" with an error code (`NoSuchBucketPolicy`,
//! `ServerSideEncryptionConfigurationNotFoundError`, …). Those codes are answers, not failures,
//! and must never end up under `errors`; sorting them out in one place keeps every property
//! consistent.

use lgp_sdk::collector::AwsError;
use serde_json::Value;

/// The outcome of one call, with "not configured" told apart from failures.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The call's output.
    Found(Value),
    /// AWS answered with one of the operation's "not configured" codes.
    Absent,
    /// The call failed; the property it reads is not known.
    Failed(AwsError),
}

impl Answer {
    /// Sorts a call's result, `absent` being the operation's "not configured" codes (the host's
    /// catalogue lists the same codes).
    pub fn of(result: Result<Value, AwsError>, absent: &[&str]) -> Self {
        match result {
            Ok(output) => Answer::Found(output),
            Err(err) if absent.iter().any(|code| err.is_service_code(code)) => Answer::Absent,
            Err(err) => Answer::Failed(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn service(code: &str) -> AwsError {
        AwsError::Service {
            code: code.into(),
            message: String::new(),
            category: "resource_not_found".into(),
        }
    }

    #[test]
    fn absence_codes_are_answers_and_other_errors_are_failures() {
        let absent = &["NoSuchBucketPolicy"];
        assert_eq!(Answer::of(Ok(json!({})), absent), Answer::Found(json!({})));
        assert_eq!(
            Answer::of(Err(service("NoSuchBucketPolicy")), absent),
            Answer::Absent
        );
        assert_eq!(
            Answer::of(Err(service("NoSuchBucket")), absent),
            Answer::Failed(service("NoSuchBucket"))
        );
        let host = AwsError::BadOutput("x".into());
        assert_eq!(Answer::of(Err(host.clone()), absent), Answer::Failed(host));
    }
}
