//! Encryption in transit: the bucket policy denies plain-HTTP requests.

use super::meta;
use super::public_access::policy;
use lgp_sdk::kinds::s3::props;
use lgp_sdk::policy::Statement;
use lgp_sdk::{Check, CheckResult, Context, Outcome, Remediation, Resource, Severity};
use serde_json::Value;

/// `s3_bucket_secure_transport_policy`: a Deny statement rejects requests without TLS.
pub fn secure_transport_policy() -> Check {
    Check::new(
        meta("s3_bucket_secure_transport_policy", "S3 bucket policy denies requests over plain HTTP", Severity::Medium)
            .description(
                "Checks that the bucket policy has a Deny statement for every principal (\"*\") covering \
                 both object reads and writes (s3:GetObject and s3:PutObject, e.g. through s3:*) under the \
                 condition aws:SecureTransport = false.",
            )
            .rationale(
                "Without it, clients may read and write objects over unencrypted HTTP, exposing data and \
                 credentials-derived signatures to anyone on the network path.",
            )
            .remediation(
                Remediation::new("Add a statement denying s3:* to every principal when aws:SecureTransport is false (merge it into the existing policy).")
                    .cli(r#"aws s3api put-bucket-policy --bucket <bucket> --policy '{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::<bucket>","arn:aws:s3:::<bucket>/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}'"#)
                    .console("S3 > Buckets > <bucket> > Permissions > Bucket policy > Edit")
                    .url("https://repost.aws/knowledge-center/s3-bucket-policy-for-config-rule"),
            )
            .reference("cis-aws-3.0", "2.1.1")
            .reference("cis-aws-7.0", "3.1.1")
            .reference("aws-fsbp", "S3.5")
            .reference("pci-dss-4.0", "4.2.1")
            .reference("soc2", "CC6.7")
            .reference("hipaa", "164.312(e)(1)")
            .reference("hipaa", "164.312(e)(2)(ii)")
            .reference("nist-800-53-r5", "SC-8")
            .reference("nist-800-53-r5", "SC-8(1)")
            .reference("iso-27001-2022", "A.5.14")
            .reference("iso-27001-2022", "A.8.24")
            .equivalent("prowler", "s3_bucket_secure_transport_policy")
            .equivalent("security-hub", "S3.5"),
        check_secure_transport_policy,
    )
}

/// Whether `s` denies plain-HTTP reads and writes to everyone.
fn denies_insecure_transport(s: &Statement) -> bool {
    let everyone = s.principal.as_ref().is_some_and(|p| p.is_everyone());
    let insecure = ["Bool", "BoolIfExists"].iter().any(|op| {
        s.condition_values(op, "aws:SecureTransport")
            .iter()
            .any(|v| v.eq_ignore_ascii_case("false"))
    });
    everyone && insecure && s.denies("s3:GetObject") && s.denies("s3:PutObject")
}

fn check_secure_transport_policy(bucket: &Resource, _: &Context) -> CheckResult {
    let name = &bucket.name;
    let Some(doc) = policy(bucket)? else {
        return Ok(Outcome::fail(format!(
            "Bucket {name} has no bucket policy, so it accepts requests over plain HTTP."
        ))
        .evidence(props::POLICY, Value::Null));
    };
    let denying = doc.statement_labels(denies_insecure_transport);
    Ok(Outcome::pass_if(
        !denying.is_empty(),
        format!("Bucket {name} policy denies requests over plain HTTP."),
        format!("Bucket {name} policy does not deny requests over plain HTTP (no Deny on aws:SecureTransport=false for s3:GetObject and s3:PutObject)."),
    )
    .evidence("denying_statements", denying))
}

#[cfg(test)]
mod tests {
    use crate::S3Rules;
    use crate::test_support::{ARN, bucket};
    use lgp_sdk::Status;
    use lgp_sdk::testing::{finding, run};
    use serde_json::{Value, json};

    const ID: &str = "s3_bucket_secure_transport_policy";

    fn deny(principal: Value, action: Value, condition: Value) -> Value {
        json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "AllowOwner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
             "Action": "s3:*", "Resource": "*"},
            {"Sid": "DenyHttp", "Effect": "Deny", "Principal": principal, "Action": action,
             "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], "Condition": condition}]})
    }

    fn status(policy: Value) -> Status {
        let findings = run::<S3Rules>(&[bucket("b", json!({ "policy": policy }))]);
        finding(&findings, ID, ARN).status
    }

    #[test]
    fn deny_http_policies() {
        let insecure = json!({"Bool": {"aws:SecureTransport": "false"}});
        assert_eq!(
            status(deny(json!("*"), json!("s3:*"), insecure.clone())),
            Status::Pass
        );
        assert_eq!(
            status(deny(
                json!({"AWS": "*"}),
                json!(["s3:GetObject", "s3:PutObject"]),
                insecure.clone()
            )),
            Status::Pass
        );
        assert_eq!(
            status(deny(
                json!("*"),
                json!("*"),
                json!({"Bool": {"aws:SecureTransport": false}})
            )),
            Status::Pass
        );
        // Only writes denied: reads still travel over HTTP.
        assert_eq!(
            status(deny(json!("*"), json!("s3:PutObject"), insecure.clone())),
            Status::Fail
        );
        // Not everyone.
        assert_eq!(
            status(deny(
                json!({"AWS": "arn:aws:iam::111122223333:root"}),
                json!("s3:*"),
                insecure
            )),
            Status::Fail
        );
        // Wrong condition value.
        assert_eq!(
            status(deny(
                json!("*"),
                json!("s3:*"),
                json!({"Bool": {"aws:SecureTransport": "true"}})
            )),
            Status::Fail
        );
        assert_eq!(status(json!(null)), Status::Fail);
    }

    #[test]
    fn allow_with_secure_transport_is_not_a_deny() {
        let policy = json!({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}});
        assert_eq!(status(policy), Status::Fail);
    }
}
