//! The read-only AWS operations the host implements. A plugin may call an operation only if it
//! is listed here *and* named in its manifest; nothing that changes an account is listed.
//!
//! Each entry names the input fields the operation accepts (field names of the AWS API
//! reference; anything else is refused as invalid input) and the error codes that mean "not
//! configured" — an answer, not a failure: they are returned to the plugin like any other error
//! but not counted as collection errors.

/// One implemented operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The service, e.g. `ec2`.
    pub service: &'static str,
    /// The operation as AWS spells it.
    pub name: &'static str,
    /// Whether the service is global: callers pass region `global` (the host calls `us-east-1`,
    /// or the partition's home region).
    pub global: bool,
    /// The input fields it accepts.
    pub input: &'static [&'static str],
    /// Error codes that mean "not configured".
    pub absent: &'static [&'static str],
}

const fn op(
    service: &'static str,
    name: &'static str,
    input: &'static [&'static str],
) -> Operation {
    Operation {
        service,
        name,
        global: false,
        input,
        absent: &[],
    }
}

const fn global(
    service: &'static str,
    name: &'static str,
    input: &'static [&'static str],
) -> Operation {
    Operation {
        service,
        name,
        global: true,
        input,
        absent: &[],
    }
}

impl Operation {
    const fn absent_when(mut self, codes: &'static [&'static str]) -> Self {
        self.absent = codes;
        self
    }

    /// Whether `code` means "not configured" for this operation.
    pub fn is_absent_code(&self, code: &str) -> bool {
        self.absent.contains(&code)
    }
}

const BUCKET: &[&str] = &["Bucket"];
const USER: &[&str] = &["UserName"];
const GROUP: &[&str] = &["GroupName"];
const ROLE: &[&str] = &["RoleName"];

/// Every operation the host implements.
pub const OPERATIONS: &[Operation] = &[
    // STS
    global("sts", "GetCallerIdentity", &[]),
    // EC2 (regional)
    op("ec2", "DescribeRegions", &["AllRegions"]),
    op("ec2", "DescribeInstances", &[]),
    op(
        "ec2",
        "DescribeInstanceAttribute",
        &["InstanceId", "Attribute"],
    ),
    op("ec2", "DescribeSecurityGroups", &[]),
    op("ec2", "DescribeNetworkAcls", &[]),
    op("ec2", "DescribeVpcs", &[]),
    op("ec2", "DescribeSubnets", &[]),
    op("ec2", "DescribeFlowLogs", &[]),
    op("ec2", "DescribeVolumes", &[]),
    op("ec2", "DescribeSnapshots", &["OwnerIds"]),
    op(
        "ec2",
        "DescribeSnapshotAttribute",
        &["SnapshotId", "Attribute"],
    ),
    op("ec2", "GetEbsEncryptionByDefault", &[]),
    op("ec2", "DescribeImages", &["Owners"]),
    op("ec2", "DescribeImageAttribute", &["ImageId", "Attribute"]),
    op("ec2", "DescribeLaunchTemplates", &[]),
    op(
        "ec2",
        "DescribeLaunchTemplateVersions",
        &["LaunchTemplateId", "Versions"],
    ),
    op("ec2", "DescribeAddresses", &[]),
    op("ec2", "DescribeNetworkInterfaces", &[]),
    // S3: ListBuckets is global; bucket calls go to the bucket's region.
    global("s3", "ListBuckets", &[]),
    op("s3", "GetBucketLocation", BUCKET),
    op("s3", "GetBucketTagging", BUCKET).absent_when(&["NoSuchTagSet"]),
    op("s3", "GetBucketEncryption", BUCKET)
        .absent_when(&["ServerSideEncryptionConfigurationNotFoundError"]),
    op("s3", "GetBucketVersioning", BUCKET),
    op("s3", "GetBucketLogging", BUCKET),
    op("s3", "GetPublicAccessBlock", BUCKET).absent_when(&["NoSuchPublicAccessBlockConfiguration"]),
    op("s3", "GetBucketPolicy", BUCKET).absent_when(&["NoSuchBucketPolicy"]),
    op("s3", "GetBucketPolicyStatus", BUCKET).absent_when(&["NoSuchBucketPolicy"]),
    op("s3", "GetBucketAcl", BUCKET),
    op("s3", "GetBucketOwnershipControls", BUCKET).absent_when(&["OwnershipControlsNotFoundError"]),
    op("s3", "GetBucketLifecycleConfiguration", BUCKET)
        .absent_when(&["NoSuchLifecycleConfiguration"]),
    op("s3", "GetBucketReplication", BUCKET)
        .absent_when(&["ReplicationConfigurationNotFoundError"]),
    op("s3", "GetObjectLockConfiguration", BUCKET)
        .absent_when(&["ObjectLockConfigurationNotFoundError"]),
    op("s3", "GetBucketNotificationConfiguration", BUCKET),
    global("s3control", "GetPublicAccessBlock", &["AccountId"])
        .absent_when(&["NoSuchPublicAccessBlockConfiguration"]),
    // IAM (global)
    global("iam", "GenerateCredentialReport", &[]),
    global("iam", "GetCredentialReport", &[]).absent_when(&[
        "ReportNotPresent",
        "ReportExpired",
        "ReportInProgress",
    ]),
    global("iam", "GetAccountAuthorizationDetails", &["Filter"]),
    global("iam", "GetAccountSummary", &[]),
    global("iam", "GetAccountPasswordPolicy", &[]).absent_when(&["NoSuchEntity"]),
    global("iam", "ListUsers", &[]),
    global("iam", "ListUserTags", USER),
    global("iam", "GetLoginProfile", USER).absent_when(&["NoSuchEntity"]),
    global("iam", "ListAccessKeys", USER),
    global("iam", "GetAccessKeyLastUsed", &["AccessKeyId"]),
    global("iam", "ListMFADevices", USER),
    global("iam", "ListVirtualMFADevices", &["AssignmentStatus"]),
    global("iam", "ListAttachedUserPolicies", USER),
    global("iam", "ListUserPolicies", USER),
    global("iam", "GetUserPolicy", &["UserName", "PolicyName"]),
    global("iam", "ListGroupsForUser", USER),
    global("iam", "ListGroups", &[]),
    global("iam", "GetGroup", GROUP),
    global("iam", "ListAttachedGroupPolicies", GROUP),
    global("iam", "ListGroupPolicies", GROUP),
    global("iam", "GetGroupPolicy", &["GroupName", "PolicyName"]),
    global("iam", "ListRoles", &[]),
    global("iam", "ListAttachedRolePolicies", ROLE),
    global("iam", "ListRolePolicies", ROLE),
    global("iam", "GetRolePolicy", &["RoleName", "PolicyName"]),
    global("iam", "ListInstanceProfiles", &[]),
    global("iam", "ListPolicies", &["Scope", "OnlyAttached"]),
    global("iam", "GetPolicyVersion", &["PolicyArn", "VersionId"]),
    global("iam", "ListServerCertificates", &[]),
    global("iam", "ListSAMLProviders", &[]),
];

/// The implemented operation `service`/`name`, if there is one.
pub fn find(service: &str, name: &str) -> Option<&'static Operation> {
    OPERATIONS
        .iter()
        .find(|o| o.service == service && o.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn entries_are_unique_and_read_only() {
        let mut seen = HashSet::new();
        for o in OPERATIONS {
            assert!(seen.insert((o.service, o.name)), "{} twice", o.name);
            let read_only = ["Describe", "Get", "List", "GenerateCredentialReport"]
                .iter()
                .any(|p| o.name.starts_with(p));
            assert!(read_only, "{} is not a read operation", o.name);
        }
        assert!(
            find("s3", "GetBucketPolicy")
                .expect("test value")
                .is_absent_code("NoSuchBucketPolicy")
        );
        assert!(find("s3", "PutBucketPolicy").is_none());
    }
}
