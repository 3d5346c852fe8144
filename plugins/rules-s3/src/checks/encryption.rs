//! Encryption at rest: default encryption, KMS encryption, customer managed KMS keys.

use super::meta;
use lgp_sdk::kinds::s3::{Encryption, EncryptionStatus, props};
use lgp_sdk::{Check, CheckError, CheckResult, Context, Outcome, Remediation, Resource, Severity};

/// The algorithms AWS accepts as a default encryption rule.
const KNOWN_ALGORITHMS: &[&str] = &["AES256", "aws:kms", "aws:kms:dsse"];

/// `s3_bucket_default_encryption`: the bucket encrypts new objects by default.
pub fn default_encryption() -> Check {
    Check::new(
        meta("s3_bucket_default_encryption", "S3 bucket encrypts objects at rest by default", Severity::Medium)
            .description(
                "Checks that the bucket has a default server-side encryption rule (SSE-S3, SSE-KMS or \
                 DSSE-KMS). A bucket without an explicit rule passes, because AWS has applied SSE-S3 to \
                 every new object since January 2023; it fails only when encryption is explicitly off.",
            )
            .rationale(
                "Objects stored unencrypted are readable by anyone who obtains the underlying media or an \
                 unintended copy; default encryption makes protection independent of every uploader.",
            )
            .remediation(
                Remediation::new("Configure a default encryption rule on the bucket (SSE-S3 at least, SSE-KMS for sensitive data).")
                    .cli(r#"aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'"#)
                    .console("S3 > Buckets > <bucket> > Properties > Default encryption > Edit")
                    .url("https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html"),
            )
            .reference("pci-dss-4.0", "3.5.1")
            .reference("soc2", "CC6.1")
            .reference("hipaa", "164.312(a)(2)(iv)")
            .reference("nist-800-53-r5", "SC-28")
            .reference("nist-800-53-r5", "SC-28(1)")
            .reference("iso-27001-2022", "A.8.24")
            .equivalent("prowler", "s3_bucket_default_encryption"),
        check_default_encryption,
    )
}

fn check_default_encryption(bucket: &Resource, _: &Context) -> CheckResult {
    let enc: Encryption = bucket.get(props::ENCRYPTION)?;
    let name = &bucket.name;
    let outcome = match enc.status {
        EncryptionStatus::Enabled => {
            let algorithm = known_algorithm(&enc)?;
            Outcome::pass(format!("Bucket {name} has default encryption {algorithm}."))
        }
        EncryptionStatus::NotConfigured => Outcome::pass(format!(
            "Bucket {name} has no default encryption rule; AWS applies SSE-S3 (AES256) to new objects by default."
        )),
        EncryptionStatus::Disabled => Outcome::fail(format!(
            "Bucket {name} has default encryption explicitly disabled."
        )),
    };
    Ok(outcome.evidence(props::ENCRYPTION, &enc))
}

/// `s3_bucket_kms_encryption`: the bucket encrypts new objects with KMS keys.
pub fn kms_encryption() -> Check {
    Check::new(
        meta("s3_bucket_kms_encryption", "S3 bucket encrypts objects at rest with AWS KMS keys", Severity::Medium)
            .description(
                "Checks that the bucket's default encryption uses AWS KMS keys (SSE-KMS `aws:kms` or \
                 DSSE-KMS `aws:kms:dsse`). SSE-S3, including the AWS default, fails.",
            )
            .rationale(
                "KMS keys add a second, separately audited permission on every read and let you revoke \
                 access to the data by disabling the key; every use is logged in CloudTrail.",
            )
            .remediation(
                Remediation::new("Set the bucket's default encryption to SSE-KMS with a customer managed key and enable S3 Bucket Keys to keep KMS costs down.")
                    .cli(r#"aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"<key-arn>"},"BucketKeyEnabled":true}]}'"#)
                    .console("S3 > Buckets > <bucket> > Properties > Default encryption > Edit")
                    .url("https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html"),
            )
            .reference("aws-fsbp", "S3.17")
            .reference("pci-dss-4.0", "3.5.1")
            .reference("soc2", "CC6.1")
            .reference("hipaa", "164.312(a)(2)(iv)")
            .reference("nist-800-53-r5", "SC-12")
            .reference("nist-800-53-r5", "SC-28(1)")
            .reference("iso-27001-2022", "A.8.24")
            .equivalent("prowler", "s3_bucket_kms_encryption")
            .equivalent("security-hub", "S3.17"),
        check_kms_encryption,
    )
}

fn check_kms_encryption(bucket: &Resource, _: &Context) -> CheckResult {
    let enc: Encryption = bucket.get(props::ENCRYPTION)?;
    let name = &bucket.name;
    let outcome = match enc.status {
        EncryptionStatus::Enabled => {
            let algorithm = known_algorithm(&enc)?;
            Outcome::pass_if(
                enc.is_kms(),
                format!("Bucket {name} encrypts objects with KMS ({algorithm})."),
                format!("Bucket {name} uses {algorithm}, not a KMS key."),
            )
        }
        EncryptionStatus::NotConfigured => Outcome::fail(format!(
            "Bucket {name} has no default encryption rule, so only the AWS default SSE-S3 applies, not a KMS key."
        )),
        EncryptionStatus::Disabled => Outcome::fail(format!(
            "Bucket {name} has default encryption explicitly disabled."
        )),
    };
    Ok(outcome.evidence(props::ENCRYPTION, &enc))
}

/// `s3_bucket_kms_cmk_encryption`: the default KMS key is a customer managed key.
pub fn kms_cmk_encryption() -> Check {
    Check::new(
        meta("s3_bucket_kms_cmk_encryption", "S3 bucket encrypts objects with a customer managed KMS key", Severity::Medium)
            .description(
                "Checks that the bucket's default encryption uses KMS (SSE-KMS or DSSE-KMS) with a key it \
                 names, not the AWS managed key aws/s3 (used when the rule names no key, or names the \
                 alias/aws/s3 alias). A key named by id or ARN is taken as customer managed: telling it from \
                 aws/s3 addressed by ARN would need the key's own metadata.",
            )
            .rationale(
                "Only a customer managed key has a key policy you control: you decide who may decrypt, can \
                 share encrypted data across accounts deliberately, and can disable the key to cut off \
                 access; the AWS managed key lets every principal of the account with S3 access decrypt.",
            )
            .remediation(
                Remediation::new("Create a customer managed KMS key with a key policy limited to the bucket's users and set it as the bucket's default encryption key, with S3 Bucket Keys enabled.")
                    .cli(r#"aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"<customer-managed-key-arn>"},"BucketKeyEnabled":true}]}'"#)
                    .console("S3 > Buckets > <bucket> > Properties > Default encryption > Edit > Choose from your AWS KMS keys")
                    .url("https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#customer-cmk"),
            )
            .reference("pci-dss-4.0", "3.6.1")
            .reference("soc2", "CC6.1")
            .reference("hipaa", "164.312(a)(2)(iv)")
            .reference("nist-800-53-r5", "SC-12")
            .reference("nist-800-53-r5", "SC-28(1)")
            .reference("iso-27001-2022", "A.8.24"),
        check_kms_cmk_encryption,
    )
}

fn check_kms_cmk_encryption(bucket: &Resource, _: &Context) -> CheckResult {
    let enc: Encryption = bucket.get(props::ENCRYPTION)?;
    let name = &bucket.name;
    let outcome = match enc.status {
        EncryptionStatus::Enabled => {
            let algorithm = known_algorithm(&enc)?;
            match enc.kms_key_id.as_deref() {
                _ if !enc.is_kms() => Outcome::fail(format!(
                    "Bucket {name} uses {algorithm}, not a customer managed KMS key."
                )),
                None => Outcome::fail(format!(
                    "Bucket {name} uses {algorithm} with the AWS managed key aws/s3 (the rule names no key)."
                )),
                Some(key) if key.contains("alias/aws/") => Outcome::fail(format!(
                    "Bucket {name} uses {algorithm} with the AWS managed key {key}."
                )),
                Some(key) => Outcome::pass(format!(
                    "Bucket {name} encrypts objects with the customer managed key {key} ({algorithm})."
                )),
            }
        }
        EncryptionStatus::NotConfigured => Outcome::fail(format!(
            "Bucket {name} has no default encryption rule, so only the AWS default SSE-S3 applies, not a customer managed key."
        )),
        EncryptionStatus::Disabled => Outcome::fail(format!(
            "Bucket {name} has default encryption explicitly disabled."
        )),
    };
    Ok(outcome.evidence(props::ENCRYPTION, &enc))
}

/// The algorithm of an enabled rule; an unknown or absent one is an input error, not a verdict.
fn known_algorithm(enc: &Encryption) -> Result<&str, CheckError> {
    match enc.algorithm.as_deref() {
        Some(a) if KNOWN_ALGORITHMS.contains(&a) => Ok(a),
        Some(a) => Err(CheckError::new(format!(
            "property `encryption.algorithm` has unknown value {a:?}"
        ))),
        None => Err(CheckError::new(
            "property `encryption.algorithm` is missing although `encryption.status` is enabled",
        )),
    }
}

#[cfg(test)]
mod tests {
    use crate::S3Rules;
    use crate::test_support::bucket;
    use lgp_sdk::Status;
    use lgp_sdk::testing::{assert_status, run};
    use serde_json::json;

    fn enc(value: serde_json::Value) -> lgp_sdk::Resource {
        bucket("b", json!({ "encryption": value }))
    }

    #[test]
    fn default_and_kms_encryption() {
        let cases = [
            (
                json!({"status": "enabled", "algorithm": "AES256"}),
                Status::Pass,
                Status::Fail,
            ),
            (
                json!({"status": "enabled", "algorithm": "aws:kms", "kms_key_id": "arn:aws:kms:us-east-1:111122223333:key/k"}),
                Status::Pass,
                Status::Pass,
            ),
            (
                json!({"status": "enabled", "algorithm": "aws:kms:dsse"}),
                Status::Pass,
                Status::Pass,
            ),
            (
                json!({"status": "not_configured"}),
                Status::Pass,
                Status::Fail,
            ),
            (json!({"status": "disabled"}), Status::Fail, Status::Fail),
            (
                json!({"status": "enabled", "algorithm": "ROT13"}),
                Status::Error,
                Status::Error,
            ),
            (json!({"status": "enabled"}), Status::Error, Status::Error),
            (json!({"status": "maybe"}), Status::Error, Status::Error),
            (json!(null), Status::Error, Status::Error),
        ];
        for (value, default, kms) in cases {
            let findings = run::<S3Rules>(&[enc(value.clone())]);
            let f = assert_status(
                &findings,
                "s3_bucket_default_encryption",
                "arn:aws:s3:::b",
                default,
            );
            assert!(f.message.contains('b'), "{value}: {}", f.message);
            assert_status(&findings, "s3_bucket_kms_encryption", "arn:aws:s3:::b", kms);
        }
    }

    #[test]
    fn customer_managed_keys() {
        const CMK: &str = "s3_bucket_kms_cmk_encryption";
        let cases = [
            (
                json!({"status": "enabled", "algorithm": "aws:kms", "kms_key_id": "arn:aws:kms:us-east-1:111122223333:key/k"}),
                Status::Pass,
            ),
            (
                json!({"status": "enabled", "algorithm": "aws:kms:dsse", "kms_key_id": "alias/data"}),
                Status::Pass,
            ),
            (
                json!({"status": "enabled", "algorithm": "aws:kms"}),
                Status::Fail,
            ),
            (
                json!({"status": "enabled", "algorithm": "aws:kms", "kms_key_id": "arn:aws:kms:us-east-1:111122223333:alias/aws/s3"}),
                Status::Fail,
            ),
            (
                json!({"status": "enabled", "algorithm": "AES256", "kms_key_id": null}),
                Status::Fail,
            ),
            (json!({"status": "not_configured"}), Status::Fail),
            (json!({"status": "disabled"}), Status::Fail),
            (
                json!({"status": "enabled", "kms_key_id": "k"}),
                Status::Error,
            ),
            (json!(null), Status::Error),
        ];
        for (value, expected) in cases {
            let findings = run::<S3Rules>(&[enc(value.clone())]);
            let f = assert_status(&findings, CMK, "arn:aws:s3:::b", expected);
            if expected != Status::Error {
                assert!(f.message.contains("Bucket b"), "{value}: {}", f.message);
            }
        }
    }

    #[test]
    fn not_configured_says_aws_default_applies() {
        let findings = run::<S3Rules>(&[enc(json!({"status": "not_configured"}))]);
        let f = assert_status(
            &findings,
            "s3_bucket_default_encryption",
            "arn:aws:s3:::b",
            Status::Pass,
        );
        assert!(f.message.contains("AWS applies SSE-S3"), "{}", f.message);
    }

    #[test]
    fn uncollected_encryption_is_an_error() {
        let mut r = enc(json!(null));
        r.properties["errors"] =
            json!({"encryption": {"code": "AccessDenied", "category": "permission"}});
        let findings = run::<S3Rules>(&[r]);
        for id in [
            "s3_bucket_default_encryption",
            "s3_bucket_kms_encryption",
            "s3_bucket_kms_cmk_encryption",
        ] {
            let f = assert_status(&findings, id, "arn:aws:s3:::b", Status::Error);
            assert!(f.message.contains("AccessDenied"), "{}", f.message);
        }
    }
}
