//! Recoverability: versioning and MFA delete.

use super::meta;
use lgp_sdk::kinds::s3::{Versioning, VersioningStatus, props};
use lgp_sdk::{Check, CheckResult, Context, Outcome, Remediation, Resource, Severity};

/// `s3_bucket_versioning_enabled`: versioning is on.
pub fn versioning_enabled() -> Check {
    Check::new(
        meta("s3_bucket_versioning_enabled", "S3 bucket has versioning enabled", Severity::Medium)
            .description("Checks that versioning is enabled on the bucket (not suspended, not never enabled).")
            .rationale(
                "Versioning keeps every version of every object, so overwritten or deleted data, including \
                 data destroyed by ransomware or a mistaken job, can be recovered.",
            )
            .remediation(
                Remediation::new("Enable versioning and add a lifecycle rule that expires noncurrent versions to control cost.")
                    .cli("aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled")
                    .console("S3 > Buckets > <bucket> > Properties > Bucket Versioning > Edit")
                    .url("https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html"),
            )
            .reference("aws-fsbp", "S3.14")
            .reference("soc2", "A1.2")
            .reference("hipaa", "164.308(a)(7)(ii)(A)")
            .reference("hipaa", "164.312(c)(1)")
            .reference("nist-800-53-r5", "CP-9")
            .reference("nist-800-53-r5", "CP-10")
            .reference("iso-27001-2022", "A.8.13")
            .equivalent("prowler", "s3_bucket_object_versioning")
            .equivalent("security-hub", "S3.14"),
        check_versioning_enabled,
    )
}

fn check_versioning_enabled(bucket: &Resource, _: &Context) -> CheckResult {
    let v: Versioning = bucket.get(props::VERSIONING)?;
    let name = &bucket.name;
    let state = match v.status {
        VersioningStatus::Enabled => "enabled",
        VersioningStatus::Suspended => "suspended",
        VersioningStatus::Disabled => "never enabled",
    };
    Ok(Outcome::pass_if(
        v.status == VersioningStatus::Enabled,
        format!("Bucket {name} has versioning enabled."),
        format!("Bucket {name} has versioning {state}."),
    )
    .evidence(props::VERSIONING, v))
}

/// `s3_bucket_mfa_delete_enabled`: MFA delete is on.
pub fn mfa_delete_enabled() -> Check {
    Check::new(
        meta("s3_bucket_mfa_delete_enabled", "S3 bucket has MFA delete enabled", Severity::Medium)
            .description("Checks that MFA delete is enabled in the bucket's versioning configuration.")
            .rationale(
                "With MFA delete, permanently deleting an object version or changing the versioning state \
                 needs the root user's MFA code, so stolen credentials alone cannot destroy the history.",
            )
            .remediation(
                Remediation::new("As the root user with an MFA device, enable versioning with MFA delete (it cannot be set from the console).")
                    .cli(r#"aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa "arn:aws:iam::<account>:mfa/root-account-mfa-device <code>""#)
                    .url("https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html"),
            )
            .reference("cis-aws-3.0", "2.1.2")
            .reference("cis-aws-7.0", "3.1.2")
            .reference("aws-fsbp", "S3.20")
            .reference("soc2", "A1.2")
            .reference("hipaa", "164.312(c)(1)")
            .reference("nist-800-53-r5", "CP-9")
            .reference("iso-27001-2022", "A.8.13")
            .equivalent("prowler", "s3_bucket_no_mfa_delete")
            .equivalent("security-hub", "S3.20"),
        check_mfa_delete_enabled,
    )
}

fn check_mfa_delete_enabled(bucket: &Resource, _: &Context) -> CheckResult {
    let v: Versioning = bucket.get(props::VERSIONING)?;
    let name = &bucket.name;
    Ok(Outcome::pass_if(
        v.mfa_delete,
        format!("Bucket {name} has MFA delete enabled."),
        format!("Bucket {name} has MFA delete disabled."),
    )
    .evidence(props::VERSIONING, v))
}

#[cfg(test)]
mod tests {
    use crate::S3Rules;
    use crate::test_support::{ARN, bucket};
    use lgp_sdk::Status;
    use lgp_sdk::testing::{assert_status, run};
    use serde_json::json;

    #[test]
    fn versioning_and_mfa_delete() {
        let cases = [
            (
                json!({"status": "enabled", "mfa_delete": true}),
                Status::Pass,
                Status::Pass,
            ),
            (
                json!({"status": "enabled", "mfa_delete": false}),
                Status::Pass,
                Status::Fail,
            ),
            (
                json!({"status": "suspended", "mfa_delete": false}),
                Status::Fail,
                Status::Fail,
            ),
            (
                json!({"status": "disabled", "mfa_delete": false}),
                Status::Fail,
                Status::Fail,
            ),
            (json!({"status": "enabled"}), Status::Error, Status::Error),
            (json!("Enabled"), Status::Error, Status::Error),
        ];
        for (versioning, v, mfa) in cases {
            let findings = run::<S3Rules>(&[bucket("b", json!({ "versioning": versioning }))]);
            assert_status(&findings, "s3_bucket_versioning_enabled", ARN, v);
            assert_status(&findings, "s3_bucket_mfa_delete_enabled", ARN, mfa);
        }
    }

    #[test]
    fn missing_versioning_is_an_error() {
        let mut r = bucket("b", json!({}));
        r.properties.as_object_mut().map(|p| p.remove("versioning"));
        let findings = run::<S3Rules>(&[r]);
        let f = assert_status(
            &findings,
            "s3_bucket_versioning_enabled",
            ARN,
            Status::Error,
        );
        assert!(
            f.message.contains("`versioning` is missing"),
            "{}",
            f.message
        );
    }
}
