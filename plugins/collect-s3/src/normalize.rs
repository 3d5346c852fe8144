//! AWS's answers (the API reference's shapes, as the host returns them) turned into the
//! `aws:s3:bucket` schema of [`lgp_sdk::kinds::s3`].
//!
//! Each function takes one operation's output. The wire shapes are private serde structs, so an
//! answer that does not have the shape AWS documents is reported (`Err` with serde's reason)
//! rather than read as "off". The host omits empty lists and absent fields, so every list and
//! optional field defaults.

use lgp_sdk::kinds::s3::{
    Acl, Encryption, EncryptionStatus, Grant, Lifecycle, LifecycleRule, Logging,
    NotificationTarget, Notifications, ObjectLock, PolicyStatus, PublicAccessBlock, Replication,
    ReplicationRule, Versioning, VersioningStatus,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::BTreeMap;

/// Why an answer could not be read.
pub type Malformed = String;

fn shape<T: DeserializeOwned>(output: Value) -> Result<T, Malformed> {
    serde_json::from_value(output).map_err(|e| e.to_string())
}

/// The region GetBucketLocation's `LocationConstraint` stands for: none or empty means
/// `us-east-1`, and the legacy `EU` means `eu-west-1`.
pub fn region_of_location(location_constraint: Option<&str>) -> &str {
    match location_constraint {
        None | Some("") => "us-east-1",
        Some("EU") => "eu-west-1",
        Some(region) => region,
    }
}

/// GetBucketLocation's answer as a region name.
pub fn region(output: Value) -> Result<String, Malformed> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Location {
        #[serde(default)]
        location_constraint: Option<String>,
    }
    let location: Location = shape(output)?;
    Ok(region_of_location(location.location_constraint.as_deref()).to_owned())
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PublicAccessBlockConfiguration {
    // An absent setting is off: that is how AWS stores a partial configuration.
    #[serde(default)]
    block_public_acls: bool,
    #[serde(default)]
    ignore_public_acls: bool,
    #[serde(default)]
    block_public_policy: bool,
    #[serde(default)]
    restrict_public_buckets: bool,
}

/// GetPublicAccessBlock's answer (the bucket's, or s3control's for the account).
pub fn public_access_block(output: Value) -> Result<PublicAccessBlock, Malformed> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        public_access_block_configuration: PublicAccessBlockConfiguration,
    }
    let c = shape::<Output>(output)?.public_access_block_configuration;
    Ok(PublicAccessBlock {
        block_public_acls: c.block_public_acls,
        ignore_public_acls: c.ignore_public_acls,
        block_public_policy: c.block_public_policy,
        restrict_public_buckets: c.restrict_public_buckets,
    })
}

/// GetBucketEncryption's answer. Only the first rule counts: S3 accepts exactly one.
pub fn encryption(output: Value) -> Result<Encryption, Malformed> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        server_side_encryption_configuration: Configuration,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Configuration {
        #[serde(default)]
        rules: Vec<Rule>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Rule {
        #[serde(default)]
        apply_server_side_encryption_by_default: Option<ByDefault>,
        #[serde(default)]
        bucket_key_enabled: Option<bool>,
    }
    #[derive(Deserialize)]
    struct ByDefault {
        #[serde(rename = "SSEAlgorithm")]
        sse_algorithm: String,
        #[serde(rename = "KMSMasterKeyID", default)]
        kms_master_key_id: Option<String>,
    }
    let rule = shape::<Output>(output)?
        .server_side_encryption_configuration
        .rules
        .into_iter()
        .next();
    Ok(match rule {
        Some(Rule {
            apply_server_side_encryption_by_default: Some(by_default),
            bucket_key_enabled,
        }) => Encryption {
            status: EncryptionStatus::Enabled,
            algorithm: Some(by_default.sse_algorithm),
            kms_key_id: by_default.kms_master_key_id,
            bucket_key_enabled,
        },
        // A configuration without a default rule encrypts nothing by default.
        _ => not_configured_encryption(),
    })
}

/// The encryption of a bucket without a default encryption rule.
pub fn not_configured_encryption() -> Encryption {
    Encryption {
        status: EncryptionStatus::NotConfigured,
        algorithm: None,
        kms_key_id: None,
        bucket_key_enabled: None,
    }
}

/// GetBucketPolicy's answer: the policy document, parsed from the `Policy` text.
pub fn policy(output: Value) -> Result<Value, Malformed> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        policy: String,
    }
    let text = shape::<Output>(output)?.policy;
    match serde_json::from_str::<Value>(&text) {
        Ok(document @ Value::Object(_)) => Ok(document),
        Ok(_) => Err("the bucket policy is not a JSON object".to_owned()),
        Err(e) => Err(format!("the bucket policy is not JSON: {e}")),
    }
}

/// GetBucketPolicyStatus's answer.
pub fn policy_status(output: Value) -> Result<PolicyStatus, Malformed> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        policy_status: Status,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Status {
        is_public: bool,
    }
    Ok(PolicyStatus {
        is_public: shape::<Output>(output)?.policy_status.is_public,
    })
}

/// GetBucketAcl's answer.
pub fn acl(output: Value) -> Result<Acl, Malformed> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        #[serde(default)]
        owner: Option<Owner>,
        #[serde(default)]
        grants: Vec<AwsGrant>,
    }
    #[derive(Deserialize)]
    struct Owner {
        #[serde(rename = "ID", default)]
        id: Option<String>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct AwsGrant {
        grantee: Grantee,
        permission: String,
    }
    #[derive(Deserialize)]
    struct Grantee {
        #[serde(rename = "Type")]
        kind: String,
        #[serde(rename = "ID", default)]
        id: Option<String>,
        #[serde(rename = "URI", default)]
        uri: Option<String>,
    }
    let out: Output = shape(output)?;
    Ok(Acl {
        owner_id: out.owner.and_then(|o| o.id),
        grants: out
            .grants
            .into_iter()
            .map(|g| Grant {
                grantee_type: g.grantee.kind,
                grantee_uri: g.grantee.uri,
                grantee_id: g.grantee.id,
                permission: g.permission,
            })
            .collect(),
    })
}

/// GetBucketOwnershipControls's answer: the object ownership setting (`None` without a rule).
pub fn ownership(output: Value) -> Result<Option<String>, Malformed> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        ownership_controls: Controls,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Controls {
        #[serde(default)]
        rules: Vec<Rule>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Rule {
        object_ownership: String,
    }
    let rules = shape::<Output>(output)?.ownership_controls.rules;
    Ok(rules.into_iter().next().map(|r| r.object_ownership))
}

/// GetBucketVersioning's answer: no `Status` means versioning was never enabled.
pub fn versioning(output: Value) -> Result<Versioning, Malformed> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        #[serde(default)]
        status: Option<String>,
        #[serde(rename = "MFADelete", default)]
        mfa_delete: Option<String>,
    }
    let out: Output = shape(output)?;
    let status = match out.status.as_deref() {
        Some("Enabled") => VersioningStatus::Enabled,
        Some("Suspended") => VersioningStatus::Suspended,
        None | Some("") => VersioningStatus::Disabled,
        Some(other) => return Err(format!("unknown versioning status {other:?}")),
    };
    Ok(Versioning {
        status,
        mfa_delete: out.mfa_delete.as_deref() == Some("Enabled"),
    })
}

/// GetBucketLogging's answer: no `LoggingEnabled` means logging is off.
pub fn logging(output: Value) -> Result<Logging, Malformed> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        #[serde(default)]
        logging_enabled: Option<Enabled>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Enabled {
        target_bucket: String,
        #[serde(default)]
        target_prefix: Option<String>,
    }
    Ok(match shape::<Output>(output)?.logging_enabled {
        Some(on) => Logging {
            enabled: true,
            target_bucket: Some(on.target_bucket),
            target_prefix: on.target_prefix,
        },
        None => Logging::default(),
    })
}

/// GetBucketLifecycleConfiguration's answer: each rule's status and which actions it has.
pub fn lifecycle(output: Value) -> Result<Lifecycle, Malformed> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        #[serde(default)]
        rules: Vec<Rule>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Rule {
        #[serde(rename = "ID", default)]
        id: Option<String>,
        status: String,
        #[serde(default)]
        expiration: Option<Value>,
        #[serde(default)]
        transitions: Vec<Value>,
        #[serde(default)]
        noncurrent_version_expiration: Option<Value>,
        #[serde(default)]
        abort_incomplete_multipart_upload: Option<Value>,
    }
    let rules = shape::<Output>(output)?.rules;
    Ok(Lifecycle {
        rules: rules
            .into_iter()
            .map(|r| LifecycleRule {
                id: r.id,
                status: r.status,
                has_expiration: r.expiration.is_some(),
                has_transitions: !r.transitions.is_empty(),
                has_noncurrent_version_expiration: r.noncurrent_version_expiration.is_some(),
                has_abort_incomplete_multipart_upload: r
                    .abort_incomplete_multipart_upload
                    .is_some(),
            })
            .collect(),
    })
}

/// GetBucketReplication's answer.
pub fn replication(output: Value) -> Result<Replication, Malformed> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        replication_configuration: Configuration,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Configuration {
        #[serde(default)]
        role: Option<String>,
        #[serde(default)]
        rules: Vec<Rule>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Rule {
        #[serde(rename = "ID", default)]
        id: Option<String>,
        status: String,
        destination: Destination,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Destination {
        bucket: String,
    }
    let c = shape::<Output>(output)?.replication_configuration;
    Ok(Replication {
        role: c.role.filter(|r| !r.is_empty()),
        rules: c
            .rules
            .into_iter()
            .map(|r| ReplicationRule {
                id: r.id,
                status: r.status,
                destination_bucket: r.destination.bucket,
                // Known only once every bucket's location is: see
                // `Collected::locate_replication_destinations`.
                destination_region: None,
            })
            .collect(),
    })
}

/// GetObjectLockConfiguration's answer (`None`: no configuration).
pub fn object_lock(output: Value) -> Result<Option<ObjectLock>, Malformed> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        #[serde(default)]
        object_lock_configuration: Option<Configuration>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Configuration {
        #[serde(default)]
        object_lock_enabled: Option<String>,
        #[serde(default)]
        rule: Option<Rule>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Rule {
        #[serde(default)]
        default_retention: Option<Retention>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Retention {
        #[serde(default)]
        mode: Option<String>,
        #[serde(default)]
        days: Option<i64>,
        #[serde(default)]
        years: Option<i64>,
    }
    let Some(c) = shape::<Output>(output)?.object_lock_configuration else {
        return Ok(None);
    };
    let retention = c.rule.and_then(|r| r.default_retention);
    // A period is in days or in years, and positive; some stores (moto) answer the unused one
    // as 0, which is no period at all.
    let period = |n: Option<i64>| n.filter(|n| *n > 0);
    let (mode, days, years) = retention.map_or((None, None, None), |r| {
        (r.mode, period(r.days), period(r.years))
    });
    Ok(Some(ObjectLock {
        enabled: c.object_lock_enabled.as_deref() == Some("Enabled"),
        mode,
        days,
        years,
    }))
}

/// GetBucketNotificationConfiguration's answer.
pub fn notifications(output: Value) -> Result<Notifications, Malformed> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        #[serde(default)]
        topic_configurations: Vec<Topic>,
        #[serde(default)]
        queue_configurations: Vec<Queue>,
        #[serde(default)]
        lambda_function_configurations: Vec<Function>,
        // An empty structure when configured: its presence is the setting.
        #[serde(default)]
        event_bridge_configuration: Option<Value>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Topic {
        topic_arn: String,
        #[serde(default)]
        events: Vec<String>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Queue {
        queue_arn: String,
        #[serde(default)]
        events: Vec<String>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Function {
        lambda_function_arn: String,
        #[serde(default)]
        events: Vec<String>,
    }
    let out: Output = shape(output)?;
    let target = |arn, events| NotificationTarget { arn, events };
    Ok(Notifications {
        topics: out
            .topic_configurations
            .into_iter()
            .map(|t| target(t.topic_arn, t.events))
            .collect(),
        queues: out
            .queue_configurations
            .into_iter()
            .map(|q| target(q.queue_arn, q.events))
            .collect(),
        lambda_functions: out
            .lambda_function_configurations
            .into_iter()
            .map(|f| target(f.lambda_function_arn, f.events))
            .collect(),
        event_bridge: out.event_bridge_configuration.is_some_and(|c| !c.is_null()),
    })
}

/// GetBucketTagging's answer as a tag map.
pub fn tags(output: Value) -> Result<BTreeMap<String, String>, Malformed> {
    match output.get("TagSet") {
        None => Ok(BTreeMap::new()),
        Some(list @ Value::Array(_)) => Ok(lgp_sdk::collector::tags_from_aws(Some(list))),
        Some(other) => Err(format!("TagSet is not a list: {other}")),
    }
}

#[cfg(test)]
mod tests {
    //! Only what the emulator cannot show: legacy and unusual answers, and malformed ones. The
    //! usual answers are covered end to end against the emulator (tests/e2e/collect_s3.rs).
    use super::*;
    use serde_json::json;

    #[test]
    fn legacy_locations_name_their_regions() {
        assert_eq!(region(json!({})).as_deref(), Ok("us-east-1"));
        assert_eq!(
            region(json!({"LocationConstraint": null})).as_deref(),
            Ok("us-east-1")
        );
        assert_eq!(
            region(json!({"LocationConstraint": ""})).as_deref(),
            Ok("us-east-1")
        );
        assert_eq!(
            region(json!({"LocationConstraint": "EU"})).as_deref(),
            Ok("eu-west-1")
        );
        assert_eq!(
            region(json!({"LocationConstraint": "ap-south-2"})).as_deref(),
            Ok("ap-south-2")
        );
        assert!(region(json!({"LocationConstraint": 3})).is_err());
    }

    #[test]
    fn a_policy_that_is_not_a_json_object_is_malformed() {
        assert!(policy(json!({"Policy": "{not json"})).is_err());
        assert!(policy(json!({"Policy": "[]"})).is_err());
        assert!(policy(json!({})).is_err());
    }

    #[test]
    fn event_bridge_and_lambda_notifications() {
        let n = notifications(json!({
            "LambdaFunctionConfigurations": [{"LambdaFunctionArn": "arn:aws:lambda:us-east-1:1:function:f",
                "Events": ["s3:ObjectCreated:Put"]}],
            "EventBridgeConfiguration": {}
        }))
        .expect("reads");
        assert!(n.event_bridge);
        assert_eq!(n.lambda_functions[0].events, ["s3:ObjectCreated:Put"]);
        assert!(n.topics.is_empty() && n.queues.is_empty());
        assert_eq!(notifications(json!({})), Ok(Notifications::default()));
    }

    #[test]
    fn an_encryption_configuration_without_a_default_rule_is_not_configured() {
        let e = encryption(json!({"ServerSideEncryptionConfiguration": {}})).expect("reads");
        assert_eq!(e.status, EncryptionStatus::NotConfigured);
        assert!(encryption(json!({"Rules": []})).is_err());
    }

    #[test]
    fn unknown_versioning_states_are_malformed() {
        assert!(versioning(json!({"Status": "Paused"})).is_err());
        assert_eq!(
            versioning(json!({})).map(|v| v.status),
            Ok(VersioningStatus::Disabled)
        );
    }

    #[test]
    fn object_lock_in_years_and_without_a_rule() {
        let years = object_lock(
            json!({"ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 7}}}}),
        )
        .expect("reads")
        .expect("configured");
        assert_eq!(
            (years.mode.as_deref(), years.days, years.years),
            (Some("COMPLIANCE"), None, Some(7))
        );
        let bare =
            object_lock(json!({"ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled"}}))
                .expect("reads")
                .expect("configured");
        assert!(bare.enabled && bare.mode.is_none());
        assert_eq!(object_lock(json!({})), Ok(None));
    }
}
