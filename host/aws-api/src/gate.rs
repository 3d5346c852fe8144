//! The gate between one collector plugin and an account: the plugin's allow-list, input checks
//! and call counting in front of whatever answers the calls.

use crate::catalogue::{self, Operation};
use crate::{AwsApi, AwsCallError, AwsRequest, CallStats, GLOBAL_REGION};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

/// What a collector plugin calls: refuses operations the host does not implement or the
/// plugin's manifest does not list, checks inputs, names global services' region `global`, and
/// counts every call in the scan's [`CallStats`]. Credentials stay behind `api`.
pub struct PluginGate {
    api: Arc<dyn AwsApi>,
    plugin: String,
    allowed: HashSet<String>,
    stats: Arc<CallStats>,
}

impl PluginGate {
    /// A gate for `plugin`, allowing the `aws:<service>:<Operation>` entries of `capabilities`.
    pub fn new(
        api: Arc<dyn AwsApi>,
        plugin: &str,
        capabilities: &[String],
        stats: Arc<CallStats>,
    ) -> Self {
        Self {
            api,
            plugin: plugin.to_owned(),
            allowed: capabilities
                .iter()
                .filter(|c| c.starts_with("aws:"))
                .cloned()
                .collect(),
            stats,
        }
    }

    /// Checks a call against the catalogue and the allow-list; returns the operation and the
    /// call as it goes on (a copy only when a global service's region must be renamed).
    fn admit<'r>(
        &self,
        request: &'r AwsRequest,
    ) -> Result<(&'static Operation, Cow<'r, AwsRequest>), AwsCallError> {
        let capability = request.capability();
        let op = catalogue::find(&request.service, &request.operation).ok_or_else(|| {
            AwsCallError::Refused(format!(
                "`{capability}` is not one of the read-only operations this host implements"
            ))
        })?;
        if !self.allowed.contains(&capability) {
            return Err(AwsCallError::Refused(format!(
                "plugin `{}` does not list `{capability}` among its capabilities",
                self.plugin
            )));
        }
        let Value::Object(fields) = &request.input else {
            return Err(AwsCallError::InvalidInput(format!(
                "the input of {} must be a JSON object",
                request.operation
            )));
        };
        if let Some(unknown) = fields.keys().find(|k| !op.input.contains(&k.as_str())) {
            return Err(AwsCallError::InvalidInput(format!(
                "{} takes no input field `{unknown}` (it takes: {})",
                request.operation,
                op.input.join(", ")
            )));
        }
        if op.global {
            if request.region == GLOBAL_REGION {
                return Ok((op, Cow::Borrowed(request)));
            }
            let renamed = AwsRequest {
                region: GLOBAL_REGION.to_owned(),
                ..request.clone()
            };
            return Ok((op, Cow::Owned(renamed)));
        }
        if request.region.is_empty() || request.region == GLOBAL_REGION {
            return Err(AwsCallError::InvalidInput(format!(
                "{} is regional: name a region",
                request.operation
            )));
        }
        Ok((op, Cow::Borrowed(request)))
    }
}

#[async_trait::async_trait]
impl AwsApi for PluginGate {
    async fn call(&self, request: &AwsRequest) -> Result<Value, AwsCallError> {
        match self.admit(request) {
            Ok((op, admitted)) => {
                let result = self.api.call(&admitted).await;
                self.stats.record(&admitted, Some(op), &result);
                result
            }
            Err(refused) => {
                let result = Err(refused);
                let op = catalogue::find(&request.service, &request.operation);
                self.stats.record(request, op, &result);
                result
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::Mutex;

    /// Answers every call with its own request, and remembers what reached it.
    #[derive(Default)]
    struct Echo(Mutex<Vec<AwsRequest>>);

    #[async_trait::async_trait]
    impl AwsApi for Echo {
        async fn call(&self, request: &AwsRequest) -> Result<Value, AwsCallError> {
            self.0.lock().expect("not poisoned").push(request.clone());
            Ok(serde_json::to_value(request).expect("test value"))
        }
    }

    fn gate(echo: Arc<Echo>, stats: Arc<CallStats>) -> PluginGate {
        let caps = [
            "aws:s3:GetBucketPolicy".to_owned(),
            "aws:iam:ListUsers".to_owned(),
        ];
        PluginGate::new(echo, "collect-s3", &caps, stats)
    }

    #[tokio::test]
    async fn refuses_what_the_manifest_or_the_catalogue_does_not_allow() {
        let echo = Arc::new(Echo::default());
        let stats = Arc::new(CallStats::new());
        let g = gate(echo.clone(), stats.clone());
        let not_listed = g
            .call(
                &AwsRequest::new("s3", "GetBucketAcl", "us-east-1")
                    .with_input(json!({"Bucket": "b"})),
            )
            .await
            .expect_err("fails");
        assert!(
            matches!(&not_listed, AwsCallError::Refused(m) if m.contains("aws:s3:GetBucketAcl"))
        );
        let writes = g
            .call(&AwsRequest::new("s3", "PutBucketPolicy", "us-east-1"))
            .await
            .expect_err("fails");
        assert!(matches!(&writes, AwsCallError::Refused(m) if m.contains("read-only")));
        let bad_field = g
            .call(
                &AwsRequest::new("s3", "GetBucketPolicy", "us-east-1")
                    .with_input(json!({"Bukket": "b"})),
            )
            .await
            .expect_err("fails");
        assert!(matches!(&bad_field, AwsCallError::InvalidInput(m) if m.contains("Bukket")));
        assert!(
            echo.0.lock().expect("not poisoned").is_empty(),
            "nothing refused reached the account"
        );
        let s = stats.summary();
        assert_eq!(s.calls, 3);
        assert_eq!(s.error_total(), 3);
    }

    #[tokio::test]
    async fn global_services_are_called_in_region_global() {
        let echo = Arc::new(Echo::default());
        let g = gate(echo.clone(), Arc::new(CallStats::new()));
        g.call(&AwsRequest::new("iam", "ListUsers", "eu-west-1"))
            .await
            .expect("test value");
        assert_eq!(
            echo.0.lock().expect("not poisoned")[0].region,
            GLOBAL_REGION
        );
        let regional = g
            .call(
                &AwsRequest::new("s3", "GetBucketPolicy", "global")
                    .with_input(json!({"Bucket": "b"})),
            )
            .await
            .expect_err("fails");
        assert!(matches!(regional, AwsCallError::InvalidInput(_)));
    }
}
