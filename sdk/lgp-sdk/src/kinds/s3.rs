//! `aws:s3:bucket`: the properties of an S3 general purpose bucket; and
//! `aws:s3:account-public-access-block`: the account's S3 Block Public Access settings
//! ([`AccountPublicAccessBlock`]).
//!
//! ```json
//! {
//!   "creation_date": "2023-04-01T10:00:00Z",
//!   "region": "eu-west-1",
//!   "encryption": {"status": "enabled", "algorithm": "aws:kms",
//!                  "kms_key_id": "arn:aws:kms:...", "bucket_key_enabled": true},
//!   "public_access_block": {"block_public_acls": true, "ignore_public_acls": true,
//!                           "block_public_policy": true, "restrict_public_buckets": true},
//!   "account_public_access_block": null,
//!   "policy": {"Version": "2012-10-17", "Statement": [...]},
//!   "policy_status": {"is_public": false},
//!   "acl": {"owner_id": "abc...", "grants": [{"grantee_type": "CanonicalUser",
//!           "grantee_id": "abc...", "grantee_uri": null, "permission": "FULL_CONTROL"}]},
//!   "ownership": "BucketOwnerEnforced",
//!   "versioning": {"status": "enabled", "mfa_delete": false},
//!   "logging": {"enabled": true, "target_bucket": "logs-bucket", "target_prefix": "s3/"},
//!   "lifecycle": {"rules": [{"id": "archive", "status": "Enabled", "has_expiration": true,
//!                 "has_transitions": true, "has_noncurrent_version_expiration": false,
//!                 "has_abort_incomplete_multipart_upload": true}]},
//!   "replication": {"role": "arn:aws:iam::...:role/s3-replication", "rules": [{"id": "to-eu",
//!                   "status": "Enabled", "destination_bucket": "arn:aws:s3:::replica",
//!                   "destination_region": "eu-west-1"}]},
//!   "object_lock": {"enabled": true, "mode": "GOVERNANCE", "days": 30, "years": null},
//!   "notifications": {"topics": [{"arn": "arn:aws:sns:...", "events": ["s3:ObjectRemoved:*"]}],
//!                     "queues": [], "lambda_functions": [], "event_bridge": false},
//!   "errors": {"policy": {"code": "AccessDenied", "category": "access_denied"}}
//! }
//! ```
//!
//! | property | AWS source | `null` means |
//! |---|---|---|
//! | `creation_date` | ListBuckets `CreationDate` | unknown |
//! | `region` | GetBucketLocation (`null`/empty = us-east-1, `EU` = eu-west-1) | unknown |
//! | `encryption` | GetBucketEncryption | never (`status` says `not_configured`) |
//! | `public_access_block` | GetPublicAccessBlock | not configured at bucket level |
//! | `account_public_access_block` | s3control GetPublicAccessBlock | not configured for the account |
//! | `policy` | GetBucketPolicy (document parsed to JSON) | no bucket policy |
//! | `policy_status` | GetBucketPolicyStatus | no bucket policy |
//! | `acl` | GetBucketAcl | never |
//! | `ownership` | GetBucketOwnershipControls | not configured (ACLs enabled, `ObjectWriter` behaviour) |
//! | `versioning` | GetBucketVersioning | never (`status` `disabled` = never enabled) |
//! | `logging` | GetBucketLogging | never (`enabled` false) |
//! | `lifecycle` | GetBucketLifecycleConfiguration | no lifecycle configuration |
//! | `replication` | GetBucketReplication | no replication configuration |
//! | `object_lock` | GetObjectLockConfiguration | object lock never enabled |
//! | `notifications` | GetBucketNotificationConfiguration | never (empty lists) |
//!
//! Tags (GetBucketTagging) go to the resource's `tags`; when they could not be read, `errors`
//! has a `tags` entry.
//!
//! Read one property at a time in rules (`resource.get::<Option<PublicAccessBlock>>(props::PUBLIC_ACCESS_BLOCK)`),
//! so a malformed `logging` cannot turn the encryption check into an error; [`Bucket`] is the
//! whole document, for collectors.

use crate::resource::CollectionError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The resource kind of a bucket.
pub const KIND: &str = "aws:s3:bucket";

/// The resource kind of the account-level Block Public Access settings
/// ([`AccountPublicAccessBlock`]), one per account, region `global`.
pub const ACCOUNT_PUBLIC_ACCESS_BLOCK_KIND: &str = "aws:s3:account-public-access-block";

/// The ARN of an account's [`AccountPublicAccessBlock`] resource,
/// `arn:aws:s3::<account>:account-public-access-block` (S3's ARN layout for an account-level
/// resource; the region is empty because the setting is global).
pub fn account_public_access_block_arn(account: &str) -> String {
    format!("arn:aws:s3::{account}:account-public-access-block")
}

/// The property names, for [`crate::Resource::get`] and for `errors` keys.
pub mod props {
    /// `creation_date`: RFC 3339 string or null.
    pub const CREATION_DATE: &str = "creation_date";
    /// `region`: the bucket's region (string), null only when it could not be read.
    pub const REGION: &str = "region";
    /// `encryption`: [`super::Encryption`].
    pub const ENCRYPTION: &str = "encryption";
    /// `public_access_block`: [`super::PublicAccessBlock`] or null.
    pub const PUBLIC_ACCESS_BLOCK: &str = "public_access_block";
    /// `account_public_access_block`: [`super::PublicAccessBlock`] or null.
    pub const ACCOUNT_PUBLIC_ACCESS_BLOCK: &str = "account_public_access_block";
    /// `policy`: the policy document (JSON object) or null.
    pub const POLICY: &str = "policy";
    /// `policy_status`: [`super::PolicyStatus`] or null.
    pub const POLICY_STATUS: &str = "policy_status";
    /// `acl`: [`super::Acl`].
    pub const ACL: &str = "acl";
    /// `ownership`: object ownership setting or null.
    pub const OWNERSHIP: &str = "ownership";
    /// `versioning`: [`super::Versioning`].
    pub const VERSIONING: &str = "versioning";
    /// `logging`: [`super::Logging`].
    pub const LOGGING: &str = "logging";
    /// `lifecycle`: [`super::Lifecycle`] or null.
    pub const LIFECYCLE: &str = "lifecycle";
    /// `replication`: [`super::Replication`] or null.
    pub const REPLICATION: &str = "replication";
    /// `object_lock`: [`super::ObjectLock`] or null.
    pub const OBJECT_LOCK: &str = "object_lock";
    /// `notifications`: [`super::Notifications`].
    pub const NOTIFICATIONS: &str = "notifications";
    /// The `errors` key for tags that could not be read (tags live on the resource, not here).
    pub const TAGS: &str = "tags";
}

/// The grantee URI of the `AllUsers` group (anyone, anonymous included).
pub const ALL_USERS_URI: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
/// The grantee URI of the `AuthenticatedUsers` group (any AWS account).
pub const AUTHENTICATED_USERS_URI: &str =
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
/// The grantee URI of the S3 log delivery group.
pub const LOG_DELIVERY_URI: &str = "http://acs.amazonaws.com/groups/s3/LogDelivery";

/// Object ownership `BucketOwnerEnforced`: ACLs are disabled.
pub const OWNERSHIP_BUCKET_OWNER_ENFORCED: &str = "BucketOwnerEnforced";

/// The whole `properties` object of an `aws:s3:bucket` resource.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    /// When the bucket was created, RFC 3339.
    pub creation_date: Option<String>,
    /// The bucket's region (also the resource's `region`); `None` only when it could not be read.
    pub region: Option<String>,
    /// Default encryption.
    pub encryption: Option<Encryption>,
    /// Bucket-level Block Public Access; `None` when not configured.
    pub public_access_block: Option<PublicAccessBlock>,
    /// Account-level Block Public Access; `None` when not configured.
    pub account_public_access_block: Option<PublicAccessBlock>,
    /// The bucket policy document; `None` when there is none.
    pub policy: Option<Value>,
    /// AWS's own verdict on the policy; `None` when there is no policy.
    pub policy_status: Option<PolicyStatus>,
    /// The bucket ACL.
    pub acl: Option<Acl>,
    /// Object ownership (`BucketOwnerEnforced`, `BucketOwnerPreferred`, `ObjectWriter`);
    /// `None` when not configured.
    pub ownership: Option<String>,
    /// Versioning and MFA delete.
    pub versioning: Option<Versioning>,
    /// Server access logging.
    pub logging: Option<Logging>,
    /// Lifecycle rules; `None` when there is no lifecycle configuration.
    pub lifecycle: Option<Lifecycle>,
    /// Replication; `None` when there is no replication configuration.
    pub replication: Option<Replication>,
    /// Object Lock; `None` when Object Lock was never enabled on the bucket.
    pub object_lock: Option<ObjectLock>,
    /// Event notifications (empty lists when there are none).
    pub notifications: Option<Notifications>,
    /// Properties that could not be collected, by property name.
    #[serde(default)]
    pub errors: BTreeMap<String, CollectionError>,
}

/// The state of default encryption.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EncryptionStatus {
    /// A default encryption rule is configured; see `algorithm`.
    Enabled,
    /// GetBucketEncryption answered `ServerSideEncryptionConfigurationNotFoundError`. Real AWS
    /// applies SSE-S3 to every bucket since January 2023, so this is seen on emulators and
    /// S3-compatible stores.
    NotConfigured,
    /// Encryption is explicitly off (S3-compatible stores; not possible on AWS since 2023).
    Disabled,
}

/// Default encryption (`encryption`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Encryption {
    /// Whether a rule is configured.
    pub status: EncryptionStatus,
    /// `AES256` (SSE-S3), `aws:kms` (SSE-KMS) or `aws:kms:dsse` (DSSE-KMS).
    #[serde(default)]
    pub algorithm: Option<String>,
    /// The KMS key for `aws:kms*`, when one is named.
    #[serde(default)]
    pub kms_key_id: Option<String>,
    /// Whether an S3 Bucket Key is used.
    #[serde(default)]
    pub bucket_key_enabled: Option<bool>,
}

impl Encryption {
    /// Whether objects are encrypted with KMS keys (`aws:kms` or `aws:kms:dsse`).
    pub fn is_kms(&self) -> bool {
        self.status == EncryptionStatus::Enabled
            && matches!(self.algorithm.as_deref(), Some("aws:kms" | "aws:kms:dsse"))
    }
}

/// Block Public Access settings (`public_access_block`, `account_public_access_block`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicAccessBlock {
    /// Rejects requests that add public ACLs.
    pub block_public_acls: bool,
    /// Ignores existing public ACLs.
    pub ignore_public_acls: bool,
    /// Rejects bucket policies that grant public access.
    pub block_public_policy: bool,
    /// Restricts access under public policies to AWS services and the owner's account.
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    /// Whether all four settings are on.
    pub fn all_enabled(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }

    /// The names of the settings that are off.
    pub fn disabled_settings(&self) -> Vec<&'static str> {
        [
            ("block_public_acls", self.block_public_acls),
            ("ignore_public_acls", self.ignore_public_acls),
            ("block_public_policy", self.block_public_policy),
            ("restrict_public_buckets", self.restrict_public_buckets),
        ]
        .into_iter()
        .filter(|(_, on)| !on)
        .map(|(name, _)| name)
        .collect()
    }
}

/// AWS's verdict on the bucket policy (`policy_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyStatus {
    /// Whether AWS considers the policy public.
    pub is_public: bool,
}

/// The bucket ACL (`acl`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acl {
    /// The canonical id of the bucket owner.
    #[serde(default)]
    pub owner_id: Option<String>,
    /// The grants.
    #[serde(default)]
    pub grants: Vec<Grant>,
}

/// One ACL grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// `CanonicalUser`, `Group` or `AmazonCustomerByEmail`.
    pub grantee_type: String,
    /// The group URI, for `Group` grantees.
    #[serde(default)]
    pub grantee_uri: Option<String>,
    /// The canonical id, for `CanonicalUser` grantees.
    #[serde(default)]
    pub grantee_id: Option<String>,
    /// `FULL_CONTROL`, `READ`, `WRITE`, `READ_ACP` or `WRITE_ACP`.
    pub permission: String,
}

impl Grant {
    /// Whether the grantee is everyone (`AllUsers`) or every AWS account (`AuthenticatedUsers`).
    pub fn is_public(&self) -> bool {
        matches!(
            self.grantee_uri.as_deref(),
            Some(ALL_USERS_URI | AUTHENTICATED_USERS_URI)
        )
    }

    /// Whether the grant lets the grantee write objects or change the ACL.
    pub fn allows_write(&self) -> bool {
        matches!(
            self.permission.as_str(),
            "WRITE" | "WRITE_ACP" | "FULL_CONTROL"
        )
    }
}

/// The versioning state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VersioningStatus {
    /// Versioning is on.
    Enabled,
    /// Versioning was on and is suspended.
    Suspended,
    /// Versioning was never enabled.
    Disabled,
}

/// Versioning and MFA delete (`versioning`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Versioning {
    /// The versioning state.
    pub status: VersioningStatus,
    /// Whether MFA delete is on.
    pub mfa_delete: bool,
}

/// Server access logging (`logging`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logging {
    /// Whether access logs are delivered.
    pub enabled: bool,
    /// The bucket receiving the logs.
    #[serde(default)]
    pub target_bucket: Option<String>,
    /// The key prefix of the logs.
    #[serde(default)]
    pub target_prefix: Option<String>,
}

/// Lifecycle configuration (`lifecycle`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lifecycle {
    /// The rules, in AWS's order.
    pub rules: Vec<LifecycleRule>,
}

impl Lifecycle {
    /// The rules whose status is `Enabled`.
    pub fn enabled_rules(&self) -> impl Iterator<Item = &LifecycleRule> {
        self.rules.iter().filter(|r| r.is_enabled())
    }
}

/// One lifecycle rule: which actions it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecycleRule {
    /// The rule's `ID`, when it has one.
    #[serde(default)]
    pub id: Option<String>,
    /// `Enabled` or `Disabled`.
    pub status: String,
    /// Whether current objects expire (`Expiration`: days, a date, or expired delete markers).
    pub has_expiration: bool,
    /// Whether current objects move to other storage classes (`Transitions`).
    pub has_transitions: bool,
    /// Whether noncurrent versions expire (`NoncurrentVersionExpiration`).
    pub has_noncurrent_version_expiration: bool,
    /// Whether incomplete multipart uploads are aborted (`AbortIncompleteMultipartUpload`).
    pub has_abort_incomplete_multipart_upload: bool,
}

impl LifecycleRule {
    /// Whether the rule is in effect.
    pub fn is_enabled(&self) -> bool {
        self.status == "Enabled"
    }
}

/// Replication configuration (`replication`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replication {
    /// The IAM role S3 assumes to replicate.
    #[serde(default)]
    pub role: Option<String>,
    /// The rules, in AWS's order.
    pub rules: Vec<ReplicationRule>,
}

/// One replication rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicationRule {
    /// The rule's `ID`, when it has one.
    #[serde(default)]
    pub id: Option<String>,
    /// `Enabled` or `Disabled`.
    pub status: String,
    /// The ARN of the destination bucket.
    pub destination_bucket: String,
    /// The destination bucket's region, when the collector knows it (the destination is a
    /// bucket of the same account); `None` when unknown, e.g. a bucket of another account.
    #[serde(default)]
    pub destination_region: Option<String>,
}

impl ReplicationRule {
    /// Whether the rule is in effect.
    pub fn is_enabled(&self) -> bool {
        self.status == "Enabled"
    }
}

/// Object Lock (`object_lock`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectLock {
    /// Whether Object Lock is enabled (`ObjectLockEnabled: Enabled`).
    pub enabled: bool,
    /// The default retention mode, `GOVERNANCE` or `COMPLIANCE`; `None` without a default
    /// retention rule.
    #[serde(default)]
    pub mode: Option<String>,
    /// The default retention period in days, when given in days.
    #[serde(default)]
    pub days: Option<i64>,
    /// The default retention period in years, when given in years.
    #[serde(default)]
    pub years: Option<i64>,
}

/// Event notifications (`notifications`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notifications {
    /// SNS topics notified.
    pub topics: Vec<NotificationTarget>,
    /// SQS queues notified.
    pub queues: Vec<NotificationTarget>,
    /// Lambda functions invoked.
    pub lambda_functions: Vec<NotificationTarget>,
    /// Whether events also go to Amazon EventBridge.
    pub event_bridge: bool,
}

impl Notifications {
    /// Whether any notification is configured.
    pub fn any(&self) -> bool {
        self.event_bridge
            || !self.topics.is_empty()
            || !self.queues.is_empty()
            || !self.lambda_functions.is_empty()
    }
}

/// One notification destination and the events sent to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationTarget {
    /// The topic, queue or function ARN.
    pub arn: String,
    /// The event types, e.g. `s3:ObjectCreated:*`.
    pub events: Vec<String>,
}

/// The `properties` of the `aws:s3:account-public-access-block` resource: the account-level
/// Block Public Access settings (s3control GetPublicAccessBlock), which apply to every bucket of
/// the account on top of the bucket's own settings.
///
/// Not configured: `configured` is false and the four settings are `None`. Not readable: every
/// field is `None` and `errors` has a `*` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountPublicAccessBlock {
    /// Whether the account has a Block Public Access configuration.
    pub configured: Option<bool>,
    /// Rejects requests that add public ACLs.
    pub block_public_acls: Option<bool>,
    /// Ignores existing public ACLs.
    pub ignore_public_acls: Option<bool>,
    /// Rejects bucket policies that grant public access.
    pub block_public_policy: Option<bool>,
    /// Restricts access under public policies to AWS services and the owner's account.
    pub restrict_public_buckets: Option<bool>,
    /// What could not be collected (`*`: the whole resource).
    #[serde(default)]
    pub errors: BTreeMap<String, CollectionError>,
}

impl AccountPublicAccessBlock {
    /// The properties for an account whose settings are `settings` (`None`: not configured).
    pub fn from_settings(settings: Option<PublicAccessBlock>) -> Self {
        Self {
            configured: Some(settings.is_some()),
            block_public_acls: settings.map(|s| s.block_public_acls),
            ignore_public_acls: settings.map(|s| s.ignore_public_acls),
            block_public_policy: settings.map(|s| s.block_public_policy),
            restrict_public_buckets: settings.map(|s| s.restrict_public_buckets),
            errors: BTreeMap::new(),
        }
    }

    /// The four settings, when the account has a configuration.
    pub fn settings(&self) -> Option<PublicAccessBlock> {
        if self.configured != Some(true) {
            return None;
        }
        Some(PublicAccessBlock {
            block_public_acls: self.block_public_acls.unwrap_or(false),
            ignore_public_acls: self.ignore_public_acls.unwrap_or(false),
            block_public_policy: self.block_public_policy.unwrap_or(false),
            restrict_public_buckets: self.restrict_public_buckets.unwrap_or(false),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bucket_document_round_trips() {
        let doc = json!({
            "creation_date": "2023-04-01T10:00:00Z",
            "region": "eu-west-1",
            "encryption": {"status": "enabled", "algorithm": "aws:kms", "kms_key_id": "k", "bucket_key_enabled": true},
            "public_access_block": {"block_public_acls": true, "ignore_public_acls": true,
                "block_public_policy": true, "restrict_public_buckets": false},
            "account_public_access_block": null,
            "policy": null, "policy_status": null,
            "acl": {"owner_id": "o", "grants": [{"grantee_type": "Group", "grantee_uri": ALL_USERS_URI,
                "grantee_id": null, "permission": "READ"}]},
            "ownership": "BucketOwnerEnforced",
            "versioning": {"status": "suspended", "mfa_delete": false},
            "logging": {"enabled": false, "target_bucket": null, "target_prefix": null},
            "lifecycle": {"rules": [{"id": "archive", "status": "Enabled", "has_expiration": true,
                "has_transitions": false, "has_noncurrent_version_expiration": false,
                "has_abort_incomplete_multipart_upload": true}]},
            "replication": {"role": "r", "rules": [{"id": null, "status": "Disabled",
                "destination_bucket": "arn:aws:s3:::d", "destination_region": null}]},
            "object_lock": {"enabled": true, "mode": "GOVERNANCE", "days": 30, "years": null},
            "notifications": {"topics": [], "queues": [{"arn": "q", "events": ["s3:ObjectCreated:*"]}],
                "lambda_functions": [], "event_bridge": false},
            "errors": {"policy": {"code": "AccessDenied", "category": "access_denied"}}
        });
        let bucket: Bucket = serde_json::from_value(doc.clone()).expect("schema");
        assert!(bucket.encryption.as_ref().is_some_and(Encryption::is_kms));
        let pab = bucket.public_access_block.expect("set");
        assert!(!pab.all_enabled());
        assert_eq!(pab.disabled_settings(), vec!["restrict_public_buckets"]);
        let grants = &bucket.acl.as_ref().expect("acl").grants;
        assert!(grants[0].is_public() && !grants[0].allows_write());
        let lifecycle = bucket.lifecycle.as_ref().expect("lifecycle");
        assert_eq!(lifecycle.enabled_rules().count(), 1);
        let replication = bucket.replication.as_ref().expect("replication");
        assert!(!replication.rules[0].is_enabled());
        assert!(
            bucket
                .notifications
                .as_ref()
                .is_some_and(Notifications::any)
        );
        assert_eq!(serde_json::to_value(&bucket).expect("serializes"), doc);
    }

    #[test]
    fn documents_of_older_collectors_still_read() {
        let bucket: Bucket =
            serde_json::from_value(json!({"creation_date": null})).expect("schema");
        assert_eq!(bucket.lifecycle, None);
        assert_eq!(bucket.notifications, None);
    }

    #[test]
    fn account_public_access_block() {
        assert_eq!(
            account_public_access_block_arn("123"),
            "arn:aws:s3::123:account-public-access-block"
        );
        let none = AccountPublicAccessBlock::from_settings(None);
        assert_eq!(
            serde_json::to_value(&none).expect("serializes"),
            json!({"configured": false, "block_public_acls": null, "ignore_public_acls": null,
                "block_public_policy": null, "restrict_public_buckets": null, "errors": {}})
        );
        assert_eq!(none.settings(), None);
        let some = PublicAccessBlock {
            block_public_acls: true,
            ..PublicAccessBlock::default()
        };
        let set = AccountPublicAccessBlock::from_settings(Some(some));
        assert_eq!(set.block_public_acls, Some(true));
        assert_eq!(set.ignore_public_acls, Some(false));
        assert_eq!(set.settings(), Some(some));
    }
}
