//! Access model: ACLs disabled through object ownership.

use super::meta;
use lgp_sdk::kinds::s3::{OWNERSHIP_BUCKET_OWNER_ENFORCED, props};
use lgp_sdk::{Check, CheckResult, Context, Outcome, Remediation, Resource, Severity};

/// `s3_bucket_acl_disabled`: object ownership is `BucketOwnerEnforced`.
pub fn acl_disabled() -> Check {
    Check::new(
        meta("s3_bucket_acl_disabled", "S3 bucket has ACLs disabled (BucketOwnerEnforced)", Severity::Medium)
            .description(
                "Checks that the bucket's object ownership setting is BucketOwnerEnforced, which disables \
                 ACLs so that only policies control access.",
            )
            .rationale(
                "ACLs are a second, hard-to-audit access model, and objects uploaded by other accounts stay \
                 owned by them; disabling ACLs leaves IAM and bucket policies as the single source of truth.",
            )
            .remediation(
                Remediation::new("Set object ownership to BucketOwnerEnforced (after moving any access that relies on ACLs into the bucket policy).")
                    .cli("aws s3api put-bucket-ownership-controls --bucket <bucket> --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'")
                    .console("S3 > Buckets > <bucket> > Permissions > Object Ownership > Edit")
                    .url("https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html"),
            )
            .reference("aws-fsbp", "S3.12")
            .reference("pci-dss-4.0", "7.2.1")
            .reference("soc2", "CC6.1")
            .reference("soc2", "CC6.3")
            .reference("nist-800-53-r5", "AC-3")
            .reference("nist-800-53-r5", "AC-6")
            .reference("iso-27001-2022", "A.5.15")
            .equivalent("prowler", "s3_bucket_acl_prohibited")
            .equivalent("security-hub", "S3.12"),
        check_acl_disabled,
    )
}

fn check_acl_disabled(bucket: &Resource, _: &Context) -> CheckResult {
    let ownership: Option<&str> = bucket.get(props::OWNERSHIP)?;
    let name = &bucket.name;
    Ok(Outcome::pass_if(
        ownership == Some(OWNERSHIP_BUCKET_OWNER_ENFORCED),
        format!("Bucket {name} has ACLs disabled (BucketOwnerEnforced)."),
        match ownership {
            Some(other) => format!("Bucket {name} has ACLs enabled (object ownership {other})."),
            None => format!("Bucket {name} has no object ownership setting, so ACLs are enabled."),
        },
    )
    .evidence(props::OWNERSHIP, ownership))
}

#[cfg(test)]
mod tests {
    use crate::S3Rules;
    use crate::test_support::{ARN, bucket};
    use lgp_sdk::Status;
    use lgp_sdk::testing::{assert_status, run};
    use serde_json::json;

    #[test]
    fn ownership_settings() {
        for (ownership, expected) in [
            (json!("BucketOwnerEnforced"), Status::Pass),
            (json!("BucketOwnerPreferred"), Status::Fail),
            (json!("ObjectWriter"), Status::Fail),
            (json!(null), Status::Fail),
            (json!(3), Status::Error),
        ] {
            let findings = run::<S3Rules>(&[bucket("b", json!({ "ownership": ownership }))]);
            assert_status(&findings, "s3_bucket_acl_disabled", ARN, expected);
        }
    }
}
