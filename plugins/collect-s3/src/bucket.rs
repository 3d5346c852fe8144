//! `aws:s3:bucket`: the detail calls made for every bucket, in the bucket's own region, and the
//! assembly of their answers into one resource.

use crate::normalize::{self, Malformed};
use lgp_sdk::Resource;
use lgp_sdk::collector::{Answer, AwsError, AwsRequest, GLOBAL};
use lgp_sdk::kinds::s3::{Bucket, KIND, PublicAccessBlock, props};
use lgp_sdk::resource::WHOLE_RESOURCE;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// One per-bucket detail call: which operation, which property it fills, and the error codes
/// that mean the setting is not configured (as in the host's catalogue).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// GetBucketTagging → the resource's tags.
    Tagging,
    /// GetBucketEncryption → `encryption`.
    Encryption,
    /// GetBucketVersioning → `versioning`.
    Versioning,
    /// GetBucketLogging → `logging`.
    Logging,
    /// GetPublicAccessBlock → `public_access_block`.
    PublicAccessBlock,
    /// GetBucketPolicy → `policy`.
    Policy,
    /// GetBucketPolicyStatus → `policy_status`.
    PolicyStatus,
    /// GetBucketAcl → `acl`.
    Acl,
    /// GetBucketOwnershipControls → `ownership`.
    Ownership,
    /// GetBucketLifecycleConfiguration → `lifecycle`.
    Lifecycle,
    /// GetBucketReplication → `replication`.
    Replication,
    /// GetObjectLockConfiguration → `object_lock`.
    ObjectLock,
    /// GetBucketNotificationConfiguration → `notifications`.
    Notifications,
}

impl Detail {
    /// Every detail call, in the order they are batched.
    pub const ALL: [Detail; 13] = [
        Detail::Tagging,
        Detail::Encryption,
        Detail::Versioning,
        Detail::Logging,
        Detail::PublicAccessBlock,
        Detail::Policy,
        Detail::PolicyStatus,
        Detail::Acl,
        Detail::Ownership,
        Detail::Lifecycle,
        Detail::Replication,
        Detail::ObjectLock,
        Detail::Notifications,
    ];

    /// The S3 operation.
    pub fn operation(self) -> &'static str {
        match self {
            Detail::Tagging => "GetBucketTagging",
            Detail::Encryption => "GetBucketEncryption",
            Detail::Versioning => "GetBucketVersioning",
            Detail::Logging => "GetBucketLogging",
            Detail::PublicAccessBlock => "GetPublicAccessBlock",
            Detail::Policy => "GetBucketPolicy",
            Detail::PolicyStatus => "GetBucketPolicyStatus",
            Detail::Acl => "GetBucketAcl",
            Detail::Ownership => "GetBucketOwnershipControls",
            Detail::Lifecycle => "GetBucketLifecycleConfiguration",
            Detail::Replication => "GetBucketReplication",
            Detail::ObjectLock => "GetObjectLockConfiguration",
            Detail::Notifications => "GetBucketNotificationConfiguration",
        }
    }

    /// The property it fills, which is also its `errors` key.
    pub fn property(self) -> &'static str {
        match self {
            Detail::Tagging => props::TAGS,
            Detail::Encryption => props::ENCRYPTION,
            Detail::Versioning => props::VERSIONING,
            Detail::Logging => props::LOGGING,
            Detail::PublicAccessBlock => props::PUBLIC_ACCESS_BLOCK,
            Detail::Policy => props::POLICY,
            Detail::PolicyStatus => props::POLICY_STATUS,
            Detail::Acl => props::ACL,
            Detail::Ownership => props::OWNERSHIP,
            Detail::Lifecycle => props::LIFECYCLE,
            Detail::Replication => props::REPLICATION,
            Detail::ObjectLock => props::OBJECT_LOCK,
            Detail::Notifications => props::NOTIFICATIONS,
        }
    }

    /// The call for bucket `name` in `region`.
    pub fn request(self, name: &str, region: &str) -> AwsRequest {
        AwsRequest::new("s3", self.operation(), region).input(json!({ "Bucket": name }))
    }

    /// Sets the property from an answer. Not configured leaves it `null`, except where the
    /// schema has an explicit "off" value.
    fn apply(self, collected: &mut Collected, answer: Answer) {
        let outcome = match answer {
            Answer::Found(output) => self.apply_output(collected, output),
            Answer::NotConfigured => {
                self.apply_absent(collected);
                Ok(())
            }
            Answer::Failed(err) => Err(err),
        };
        if let Err(err) = outcome {
            collected
                .properties
                .errors
                .insert(self.property().to_owned(), err.to_collection_error());
        }
    }

    fn apply_output(self, c: &mut Collected, output: Value) -> Result<(), AwsError> {
        let p = &mut c.properties;
        let read = || -> Result<(), Malformed> {
            match self {
                Detail::Tagging => c.tags = normalize::tags(output)?,
                Detail::Encryption => p.encryption = Some(normalize::encryption(output)?),
                Detail::Versioning => p.versioning = Some(normalize::versioning(output)?),
                Detail::Logging => p.logging = Some(normalize::logging(output)?),
                Detail::PublicAccessBlock => {
                    p.public_access_block = Some(normalize::public_access_block(output)?)
                }
                Detail::Policy => p.policy = Some(normalize::policy(output)?),
                Detail::PolicyStatus => p.policy_status = Some(normalize::policy_status(output)?),
                Detail::Acl => p.acl = Some(normalize::acl(output)?),
                Detail::Ownership => p.ownership = normalize::ownership(output)?,
                Detail::Lifecycle => p.lifecycle = Some(normalize::lifecycle(output)?),
                Detail::Replication => p.replication = Some(normalize::replication(output)?),
                Detail::ObjectLock => p.object_lock = normalize::object_lock(output)?,
                Detail::Notifications => p.notifications = Some(normalize::notifications(output)?),
            }
            Ok(())
        };
        read().map_err(|why| AwsError::BadOutput(format!("{}: {why}", self.operation())))
    }

    fn apply_absent(self, c: &mut Collected) {
        match self {
            Detail::Tagging => c.tags.clear(),
            Detail::Encryption => {
                c.properties.encryption = Some(normalize::not_configured_encryption())
            }
            // Everything else is `null` when not configured, which it already is.
            _ => {}
        }
    }
}

/// A bucket as ListBuckets names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The bucket's name.
    pub name: String,
    /// `CreationDate`.
    pub creation_date: Option<String>,
    /// `BucketRegion`, which ListBuckets gives in some answers; the fallback when
    /// GetBucketLocation fails.
    pub region_hint: Option<String>,
}

/// ListBuckets's answer: the buckets it names.
pub fn listed(output: &Value) -> Vec<Listed> {
    let buckets = output.get("Buckets").and_then(Value::as_array);
    let text = |b: &Value, key: &str| b.get(key).and_then(Value::as_str).map(str::to_owned);
    buckets
        .into_iter()
        .flatten()
        .filter_map(|b| {
            Some(Listed {
                name: text(b, "Name")?,
                creation_date: text(b, "CreationDate"),
                region_hint: text(b, "BucketRegion").filter(|r| !r.is_empty()),
            })
        })
        .collect()
}

/// What is known about one bucket while its answers come in.
#[derive(Debug, Clone)]
pub struct Collected {
    /// The bucket's name.
    pub name: String,
    /// The bucket's region, when known; the detail calls go there.
    pub region: Option<String>,
    /// The tags.
    pub tags: BTreeMap<String, String>,
    /// The properties.
    pub properties: Bucket,
}

impl Collected {
    /// A listed bucket with what the account-level calls told: its region (GetBucketLocation,
    /// else ListBuckets's `BucketRegion`) and the account's Block Public Access settings.
    pub fn new(
        listed: Listed,
        location: Result<String, AwsError>,
        account_pab: &Result<Option<PublicAccessBlock>, AwsError>,
    ) -> Self {
        let mut properties = Bucket {
            creation_date: listed.creation_date,
            ..Bucket::default()
        };
        let region = match (location, listed.region_hint) {
            (Ok(region), _) | (Err(_), Some(region)) => Some(region),
            (Err(err), None) => {
                // Without its region no detail call can reach the bucket: nothing is known.
                let error = err.to_collection_error();
                properties
                    .errors
                    .insert(props::REGION.to_owned(), error.clone());
                properties.errors.insert(WHOLE_RESOURCE.to_owned(), error);
                None
            }
        };
        properties.region = region.clone();
        match account_pab {
            Ok(settings) => properties.account_public_access_block = *settings,
            Err(err) => {
                properties.errors.insert(
                    props::ACCOUNT_PUBLIC_ACCESS_BLOCK.to_owned(),
                    err.to_collection_error(),
                );
            }
        }
        Self {
            name: listed.name,
            region,
            tags: BTreeMap::new(),
            properties,
        }
    }

    /// The detail calls to make for this bucket (none when its region is unknown).
    pub fn requests(&self) -> Vec<AwsRequest> {
        match &self.region {
            Some(region) => Detail::ALL
                .iter()
                .map(|d| d.request(&self.name, region))
                .collect(),
            None => Vec::new(),
        }
    }

    /// Takes the answers to [`Collected::requests`], in order.
    pub fn apply(&mut self, answers: impl IntoIterator<Item = Result<Value, AwsError>>) {
        for (detail, result) in Detail::ALL.into_iter().zip(answers) {
            let answer = Answer::of(result);
            detail.apply(self, answer);
        }
    }

    /// Fills each replication rule's `destination_region` from `regions` (the account's
    /// buckets by name, as GetBucketLocation told them); a destination outside the account stays
    /// unknown.
    pub fn locate_replication_destinations(&mut self, regions: &BTreeMap<String, String>) {
        let Some(replication) = &mut self.properties.replication else {
            return;
        };
        for rule in &mut replication.rules {
            // `arn:<partition>:s3:::<name>`; bucket names cannot contain `:`.
            let name = rule
                .destination_bucket
                .rsplit(':')
                .next()
                .unwrap_or_default();
            rule.destination_region = regions.get(name).cloned();
        }
    }

    /// The resource: ARN `arn:aws:s3:::<name>`, region the bucket's (`global` when unknown).
    pub fn into_resource(self, account: &str) -> Result<Resource, String> {
        let properties = serde_json::to_value(&self.properties)
            .map_err(|e| format!("cannot serialize bucket {}: {e}", self.name))?;
        let region = self.region.as_deref().unwrap_or(GLOBAL);
        let mut resource = Resource::new(
            format!("arn:aws:s3:::{}", self.name),
            KIND,
            account,
            region,
            &self.name,
        )
        .with_properties(properties);
        resource.tags = self.tags;
        Ok(resource)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lgp_sdk::HostError;

    fn denied() -> AwsError {
        AwsError::Host(HostError::Denied("aws:s3:GetBucketLocation".into()))
    }

    fn listed(hint: Option<&str>) -> Listed {
        Listed {
            name: "b".into(),
            creation_date: None,
            region_hint: hint.map(str::to_owned),
        }
    }

    #[test]
    fn every_detail_has_a_distinct_operation_and_property() {
        let mut ops: Vec<_> = Detail::ALL.iter().map(|d| d.operation()).collect();
        let mut keys: Vec<_> = Detail::ALL.iter().map(|d| d.property()).collect();
        ops.sort_unstable();
        ops.dedup();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!((ops.len(), keys.len()), (13, 13));
    }

    #[test]
    fn replication_destinations_in_the_account_get_their_region() {
        let mut c = Collected::new(listed(None), Ok("us-east-1".into()), &Ok(None));
        c.properties.replication = Some(lgp_sdk::kinds::s3::Replication {
            role: None,
            rules: ["arn:aws:s3:::replica", "arn:aws:s3:::elsewhere"]
                .into_iter()
                .map(|d| lgp_sdk::kinds::s3::ReplicationRule {
                    id: None,
                    status: "Enabled".into(),
                    destination_bucket: d.into(),
                    destination_region: None,
                })
                .collect(),
        });
        let regions = BTreeMap::from([("replica".to_owned(), "eu-west-1".to_owned())]);
        c.locate_replication_destinations(&regions);
        let rules = &c.properties.replication.as_ref().expect("set").rules;
        assert_eq!(rules[0].destination_region.as_deref(), Some("eu-west-1"));
        assert_eq!(rules[1].destination_region, None);
    }

    #[test]
    fn a_bucket_without_a_known_region_is_not_collected() {
        let c = Collected::new(listed(None), Err(denied()), &Ok(None));
        assert!(c.requests().is_empty());
        let r = c.into_resource("1").expect("serializes");
        assert_eq!(r.region, GLOBAL);
        assert!(r.ensure_collected(props::ENCRYPTION).is_err());
        assert_eq!(r.prop(props::REGION), Some(&Value::Null));
    }

    #[test]
    fn list_buckets_region_is_the_fallback_location() {
        let c = Collected::new(listed(Some("eu-west-1")), Err(denied()), &Ok(None));
        assert_eq!(c.requests()[0].region, "eu-west-1");
        assert!(c.properties.errors.is_empty());
    }

    #[test]
    fn failures_are_recorded_and_absence_is_not() {
        let mut c = Collected::new(listed(None), Ok("us-east-1".into()), &Err(denied()));
        // The host flags NoSuchBucketPolicy as "not configured" on the two policy calls only;
        // every other call failed.
        let answers: Vec<Result<Value, AwsError>> = Detail::ALL
            .iter()
            .map(|d| match d {
                Detail::Policy | Detail::PolicyStatus => Err(AwsError::Service {
                    code: "NoSuchBucketPolicy".into(),
                    message: String::new(),
                    category: "resource_not_found".into(),
                    not_configured: true,
                }),
                _ => Err(denied()),
            })
            .collect();
        c.apply(answers);
        let errors: Vec<&str> = c.properties.errors.keys().map(String::as_str).collect();
        assert!(errors.contains(&props::TAGS));
        assert!(errors.contains(&props::ACCOUNT_PUBLIC_ACCESS_BLOCK));
        assert!(!errors.contains(&props::POLICY) && !errors.contains(&props::POLICY_STATUS));
        assert_eq!(errors.len(), 13 - 2 + 1);
    }
}
