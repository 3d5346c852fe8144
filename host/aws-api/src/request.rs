//! One AWS call as plugins ask for it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The region name plugins use for global services (IAM, STS, account-level S3 settings).
pub const GLOBAL_REGION: &str = "global";

/// One read-only AWS call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsRequest {
    /// The service, e.g. `ec2`, `s3`, `s3control`, `iam`, `sts`.
    pub service: String,
    /// The operation as AWS spells it, e.g. `DescribeInstances`.
    pub operation: String,
    /// The region, or [`GLOBAL_REGION`].
    pub region: String,
    /// The operation's input: a JSON object with the field names of the AWS API reference.
    #[serde(default = "empty_object")]
    pub input: Value,
}

fn empty_object() -> Value {
    Value::Object(Map::new())
}

impl AwsRequest {
    /// A request with an empty input.
    pub fn new(service: &str, operation: &str, region: &str) -> Self {
        Self {
            service: service.to_owned(),
            operation: operation.to_owned(),
            region: region.to_owned(),
            input: empty_object(),
        }
    }

    /// The same request with `input`.
    pub fn with_input(mut self, input: Value) -> Self {
        self.input = input;
        self
    }

    /// The capability a plugin's manifest must list to make this call: `aws:<service>:<Operation>`.
    pub fn capability(&self) -> String {
        format!("aws:{}:{}", self.service, self.operation)
    }

    /// A string naming this exact call, equal for equal requests whatever the order of the
    /// input's keys (serde_json's maps are sorted).
    pub fn key(&self) -> String {
        format!(
            "{}:{}:{}:{}",
            self.service, self.operation, self.region, self.input
        )
    }

    /// A string field of the input, if present.
    pub fn input_str(&self, field: &str) -> Option<&str> {
        self.input.get(field).and_then(Value::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_ignores_input_key_order() {
        let a = AwsRequest::new("s3", "GetBucketPolicy", "eu-west-1")
            .with_input(json!({"Bucket": "b", "ExpectedBucketOwner": "1"}));
        let b = AwsRequest::new("s3", "GetBucketPolicy", "eu-west-1").with_input(
            serde_json::from_str(r#"{"ExpectedBucketOwner":"1","Bucket":"b"}"#)
                .expect("test value"),
        );
        assert_eq!(a.key(), b.key());
        assert_ne!(
            a.key(),
            AwsRequest::new("s3", "GetBucketPolicy", "us-east-1")
                .with_input(a.input.clone())
                .key()
        );
        assert_eq!(a.capability(), "aws:s3:GetBucketPolicy");
    }
}
