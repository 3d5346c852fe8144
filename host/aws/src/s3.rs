//! S3 operations of the catalogue. `ListBuckets` is global; bucket calls go to the bucket's
//! region (the caller's `region`).

use crate::answer::{send, send_all_pages};
use crate::errors::not_implemented;
use crate::input::Input;
use crate::json::{ToJson, json_enum, json_object};
use aws_sdk_s3::Client;
use aws_sdk_s3::operation as op;
use aws_sdk_s3::types as t;
use lgp_aws_api::AwsCallError;
use serde_json::{Value, json};

/// Answers one S3 operation.
pub(crate) async fn call(
    client: &Client,
    operation: &str,
    input: &Input<'_>,
) -> Result<Value, AwsCallError> {
    let c = client;
    let bucket = || input.required_string("Bucket");
    match operation {
        "ListBuckets" => send_all_pages!(c.list_buckets()),
        "GetBucketLocation" => send!(c.get_bucket_location().bucket(bucket()?)),
        "GetBucketTagging" => send!(c.get_bucket_tagging().bucket(bucket()?)),
        "GetBucketEncryption" => send!(c.get_bucket_encryption().bucket(bucket()?)),
        "GetBucketVersioning" => send!(c.get_bucket_versioning().bucket(bucket()?)),
        "GetBucketLogging" => send!(c.get_bucket_logging().bucket(bucket()?)),
        "GetPublicAccessBlock" => send!(c.get_public_access_block().bucket(bucket()?)),
        "GetBucketPolicy" => send!(c.get_bucket_policy().bucket(bucket()?)),
        "GetBucketPolicyStatus" => send!(c.get_bucket_policy_status().bucket(bucket()?)),
        "GetBucketAcl" => send!(c.get_bucket_acl().bucket(bucket()?)),
        "GetBucketOwnershipControls" => {
            send!(c.get_bucket_ownership_controls().bucket(bucket()?))
        }
        "GetBucketLifecycleConfiguration" => {
            send!(c.get_bucket_lifecycle_configuration().bucket(bucket()?))
        }
        "GetBucketReplication" => send!(c.get_bucket_replication().bucket(bucket()?)),
        "GetObjectLockConfiguration" => {
            send!(c.get_object_lock_configuration().bucket(bucket()?))
        }
        "GetBucketNotificationConfiguration" => {
            send!(c.get_bucket_notification_configuration().bucket(bucket()?))
        }
        _ => Err(not_implemented("s3", operation)),
    }
}

/// `{"LocationConstraint": …}`, `null` for us-east-1 (which S3 answers with an empty
/// constraint), as boto3 gives it.
impl ToJson for op::get_bucket_location::GetBucketLocationOutput {
    fn to_json(&self) -> Value {
        let constraint = self
            .location_constraint()
            .map(|c| c.as_str())
            .filter(|c| !c.is_empty());
        json!({ "LocationConstraint": constraint })
    }
}

json_enum!(
    t::BucketLogsPermission,
    t::BucketVersioningStatus,
    t::DeleteMarkerReplicationStatus,
    t::EncryptionType,
    t::Event,
    t::ExistingObjectReplicationStatus,
    t::ExpirationStatus,
    t::FilterRuleName,
    t::MetricsStatus,
    t::MfaDeleteStatus,
    t::ObjectLockEnabled,
    t::ObjectLockRetentionMode,
    t::ObjectOwnership,
    t::OwnerOverride,
    t::PartitionDateSource,
    t::Permission,
    t::ReplicaModificationsStatus,
    t::ReplicationRuleStatus,
    t::ReplicationTimeStatus,
    t::ServerSideEncryption,
    t::SseKmsEncryptedObjectsStatus,
    t::StorageClass,
    t::TransitionDefaultMinimumObjectSize,
    t::TransitionStorageClass,
    t::Type,
);

json_object! {
    // Shared structures.
    t::Tag { "Key" => key, "Value" => value }
    t::Owner { "DisplayName" => display_name, "ID" => id }
    t::Grantee {
        "Type" => r#type,
        "ID" => id,
        "DisplayName" => display_name,
        "EmailAddress" => email_address,
        "URI" => uri,
    }

    // ListBuckets
    op::list_buckets::ListBucketsOutput { "Buckets" => buckets, "Owner" => owner }
    t::Bucket {
        "Name" => name,
        "CreationDate" => creation_date,
        "BucketRegion" => bucket_region,
        "BucketArn" => bucket_arn,
    }

    // GetBucketTagging
    op::get_bucket_tagging::GetBucketTaggingOutput { "TagSet" => tag_set }

    // GetBucketEncryption
    op::get_bucket_encryption::GetBucketEncryptionOutput {
        "ServerSideEncryptionConfiguration" => server_side_encryption_configuration,
    }
    t::ServerSideEncryptionConfiguration { "Rules" => rules }
    t::ServerSideEncryptionRule {
        "ApplyServerSideEncryptionByDefault" => apply_server_side_encryption_by_default,
        "BucketKeyEnabled" => bucket_key_enabled,
        "BlockedEncryptionTypes" => blocked_encryption_types,
    }
    t::ServerSideEncryptionByDefault {
        "SSEAlgorithm" => sse_algorithm,
        "KMSMasterKeyID" => kms_master_key_id,
    }
    t::BlockedEncryptionTypes { "EncryptionType" => encryption_type }

    // GetBucketVersioning
    op::get_bucket_versioning::GetBucketVersioningOutput {
        "Status" => status,
        "MFADelete" => mfa_delete,
    }

    // GetBucketLogging
    op::get_bucket_logging::GetBucketLoggingOutput { "LoggingEnabled" => logging_enabled }
    t::LoggingEnabled {
        "TargetBucket" => target_bucket,
        "TargetPrefix" => target_prefix,
        "TargetGrants" => target_grants,
        "TargetObjectKeyFormat" => target_object_key_format,
    }
    t::TargetGrant { "Grantee" => grantee, "Permission" => permission }
    t::TargetObjectKeyFormat {
        "SimplePrefix" => simple_prefix,
        "PartitionedPrefix" => partitioned_prefix,
    }
    t::SimplePrefix {}
    t::PartitionedPrefix { "PartitionDateSource" => partition_date_source }

    // GetPublicAccessBlock
    op::get_public_access_block::GetPublicAccessBlockOutput {
        "PublicAccessBlockConfiguration" => public_access_block_configuration,
    }
    t::PublicAccessBlockConfiguration {
        "BlockPublicAcls" => block_public_acls,
        "IgnorePublicAcls" => ignore_public_acls,
        "BlockPublicPolicy" => block_public_policy,
        "RestrictPublicBuckets" => restrict_public_buckets,
    }

    // GetBucketPolicy, GetBucketPolicyStatus
    op::get_bucket_policy::GetBucketPolicyOutput { "Policy" => policy }
    op::get_bucket_policy_status::GetBucketPolicyStatusOutput { "PolicyStatus" => policy_status }
    t::PolicyStatus { "IsPublic" => is_public }

    // GetBucketAcl
    op::get_bucket_acl::GetBucketAclOutput { "Owner" => owner, "Grants" => grants }
    t::Grant { "Grantee" => grantee, "Permission" => permission }

    // GetBucketOwnershipControls
    op::get_bucket_ownership_controls::GetBucketOwnershipControlsOutput {
        "OwnershipControls" => ownership_controls,
    }
    t::OwnershipControls { "Rules" => rules }
    t::OwnershipControlsRule { "ObjectOwnership" => object_ownership }

    // GetBucketLifecycleConfiguration
    op::get_bucket_lifecycle_configuration::GetBucketLifecycleConfigurationOutput {
        "Rules" => rules,
        "TransitionDefaultMinimumObjectSize" => transition_default_minimum_object_size,
    }
    t::LifecycleRule {
        "ID" => id,
        "Status" => status,
        "Prefix" => prefix,
        "Filter" => filter,
        "Expiration" => expiration,
        "Transitions" => transitions,
        "NoncurrentVersionTransitions" => noncurrent_version_transitions,
        "NoncurrentVersionExpiration" => noncurrent_version_expiration,
        "AbortIncompleteMultipartUpload" => abort_incomplete_multipart_upload,
    }
    t::LifecycleRuleFilter {
        "Prefix" => prefix,
        "Tag" => tag,
        "ObjectSizeGreaterThan" => object_size_greater_than,
        "ObjectSizeLessThan" => object_size_less_than,
        "And" => and,
    }
    t::LifecycleRuleAndOperator {
        "Prefix" => prefix,
        "Tags" => tags,
        "ObjectSizeGreaterThan" => object_size_greater_than,
        "ObjectSizeLessThan" => object_size_less_than,
    }
    t::LifecycleExpiration {
        "Date" => date,
        "Days" => days,
        "ExpiredObjectDeleteMarker" => expired_object_delete_marker,
    }
    t::Transition { "Date" => date, "Days" => days, "StorageClass" => storage_class }
    t::NoncurrentVersionTransition {
        "NoncurrentDays" => noncurrent_days,
        "StorageClass" => storage_class,
        "NewerNoncurrentVersions" => newer_noncurrent_versions,
    }
    t::NoncurrentVersionExpiration {
        "NoncurrentDays" => noncurrent_days,
        "NewerNoncurrentVersions" => newer_noncurrent_versions,
    }
    t::AbortIncompleteMultipartUpload { "DaysAfterInitiation" => days_after_initiation }

    // GetBucketReplication
    op::get_bucket_replication::GetBucketReplicationOutput {
        "ReplicationConfiguration" => replication_configuration,
    }
    t::ReplicationConfiguration { "Role" => role, "Rules" => rules }
    t::ReplicationRule {
        "ID" => id,
        "Priority" => priority,
        "Prefix" => prefix,
        "Filter" => filter,
        "Status" => status,
        "SourceSelectionCriteria" => source_selection_criteria,
        "ExistingObjectReplication" => existing_object_replication,
        "Destination" => destination,
        "DeleteMarkerReplication" => delete_marker_replication,
    }
    t::ReplicationRuleFilter { "Prefix" => prefix, "Tag" => tag, "And" => and }
    t::ReplicationRuleAndOperator { "Prefix" => prefix, "Tags" => tags }
    t::Destination {
        "Bucket" => bucket,
        "Account" => account,
        "StorageClass" => storage_class,
        "AccessControlTranslation" => access_control_translation,
        "EncryptionConfiguration" => encryption_configuration,
        "ReplicationTime" => replication_time,
        "Metrics" => metrics,
    }
    t::AccessControlTranslation { "Owner" => owner }
    t::EncryptionConfiguration { "ReplicaKmsKeyID" => replica_kms_key_id }
    t::ReplicationTime { "Status" => status, "Time" => time }
    t::ReplicationTimeValue { "Minutes" => minutes }
    t::Metrics { "Status" => status, "EventThreshold" => event_threshold }
    t::DeleteMarkerReplication { "Status" => status }
    t::SourceSelectionCriteria {
        "SseKmsEncryptedObjects" => sse_kms_encrypted_objects,
        "ReplicaModifications" => replica_modifications,
    }
    t::SseKmsEncryptedObjects { "Status" => status }
    t::ReplicaModifications { "Status" => status }
    t::ExistingObjectReplication { "Status" => status }

    // GetObjectLockConfiguration
    op::get_object_lock_configuration::GetObjectLockConfigurationOutput {
        "ObjectLockConfiguration" => object_lock_configuration,
    }
    t::ObjectLockConfiguration {
        "ObjectLockEnabled" => object_lock_enabled,
        "Rule" => rule,
    }
    t::ObjectLockRule { "DefaultRetention" => default_retention }
    t::DefaultRetention { "Mode" => mode, "Days" => days, "Years" => years }

    // GetBucketNotificationConfiguration
    op::get_bucket_notification_configuration::GetBucketNotificationConfigurationOutput {
        "TopicConfigurations" => topic_configurations,
        "QueueConfigurations" => queue_configurations,
        "LambdaFunctionConfigurations" => lambda_function_configurations,
        "EventBridgeConfiguration" => event_bridge_configuration,
    }
    t::TopicConfiguration {
        "Id" => id,
        "TopicArn" => topic_arn,
        "Events" => events,
        "Filter" => filter,
    }
    t::QueueConfiguration {
        "Id" => id,
        "QueueArn" => queue_arn,
        "Events" => events,
        "Filter" => filter,
    }
    t::LambdaFunctionConfiguration {
        "Id" => id,
        "LambdaFunctionArn" => lambda_function_arn,
        "Events" => events,
        "Filter" => filter,
    }
    t::EventBridgeConfiguration {}
    t::NotificationConfigurationFilter { "Key" => key }
    t::S3KeyFilter { "FilterRules" => filter_rules }
    t::FilterRule { "Name" => name, "Value" => value }
}
