//! Access from other AWS accounts through the bucket policy.
//!
//! A statement reaches outside the bucket owner's account (the resource's `account`) when it
//! allows everyone or names another account, unless its `Condition` confines callers to the
//! owner's account or an organization (`aws:PrincipalOrgID`, `aws:SourceAccount`,
//! `aws:SourceArn`…); see [`lgp_sdk::policy::Statement::cross_account_principals`]. Statements
//! open to everyone are cut back to the owner's account by RestrictPublicBuckets, so that setting
//! is read only when such a statement exists.

use super::public_access::{ignoring_level, policy};
use super::{OTHER_ACCOUNTS, meta};
use lgp_sdk::kinds::s3::props;
use lgp_sdk::policy::PolicyDocument;
use lgp_sdk::{Check, CheckError, CheckResult, Context, Outcome, Remediation, Resource, Severity};
use serde::Serialize;
use serde_json::Value;

/// The actions Security Hub S3.6 forbids granting to other accounts: each lets the grantee
/// change who can access the bucket or how its data is protected.
const SENSITIVE_ACTIONS: &[&str] = &[
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutBucketPolicy",
    "s3:PutEncryptionConfiguration",
    "s3:PutObjectAcl",
];

/// One statement reaching other accounts (evidence and message material).
#[derive(Debug, Serialize)]
struct Reach {
    /// The statement's `Sid`, or `#<index>`.
    statement: String,
    /// The other accounts, `*` for everyone.
    principals: Vec<String>,
    /// For the sensitive-actions check: the sensitive actions it allows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    actions: Vec<&'static str>,
}

impl Reach {
    fn describe(&self) -> String {
        let who: Vec<&str> = self
            .principals
            .iter()
            .map(|p| if p == "*" { "everyone" } else { p.as_str() })
            .collect();
        let what = if self.actions.is_empty() {
            "access".to_owned()
        } else {
            self.actions.join(", ")
        };
        format!(
            "{what} to {} (statement {})",
            who.join(", "),
            self.statement
        )
    }
}

/// The statements of `doc` that reach accounts other than the bucket's, each with the
/// sensitive actions it allows when `only_sensitive` (statements allowing none are dropped).
/// Statements open only to everyone are dropped when RestrictPublicBuckets is on.
fn cross_account_grants(
    bucket: &Resource,
    doc: &PolicyDocument,
    only_sensitive: bool,
) -> Result<Vec<Reach>, CheckError> {
    let owner = bucket.account.as_str();
    if owner.is_empty() {
        return Err(CheckError::new(
            "the resource's `account` is empty, so other accounts cannot be told from the owner",
        ));
    }
    let mut grants: Vec<Reach> = doc
        .statements
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let principals = s.cross_account_principals(owner);
            let actions: Vec<&'static str> = if only_sensitive {
                SENSITIVE_ACTIONS
                    .iter()
                    .copied()
                    .filter(|a| s.matches_action(a))
                    .collect()
            } else {
                Vec::new()
            };
            let relevant = !principals.is_empty() && (!only_sensitive || !actions.is_empty());
            relevant.then(|| Reach {
                statement: s.label(i),
                principals,
                actions,
            })
        })
        .collect();
    let to_everyone = |g: &Reach| g.principals.iter().all(|p| p == "*");
    if grants.iter().any(to_everyone)
        && ignoring_level(bucket, |p| p.restrict_public_buckets)?.is_some()
    {
        grants.retain(|g| !to_everyone(g));
    }
    Ok(grants)
}

/// `s3_bucket_cross_account_access`: the policy grants nothing to other accounts.
pub fn cross_account_access() -> Check {
    Check::new(
        meta("s3_bucket_cross_account_access", "S3 bucket policy does not grant access to other AWS accounts", Severity::High)
            .description(
                "Checks that no Allow statement of the bucket policy lets in principals outside the bucket \
                 owner's account: everyone (\"*\", {\"AWS\": \"*\"}, NotPrincipal) or another account named by \
                 id or ARN, unless the statement's condition confines callers to the owner's account or an \
                 organization (aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceAccount, aws:SourceArn…). \
                 Statements open to everyone do not count when RestrictPublicBuckets is on. Service \
                 principals are not other accounts.",
            )
            .rationale(
                "Access granted to another account is controlled by that account's administrators, outlives \
                 the business reason for it and is a common path for data exfiltration; every such grant \
                 should be deliberate and confined.",
            )
            .remediation(
                Remediation::new("Remove statements for accounts that no longer need access; confine the others with a condition such as aws:PrincipalOrgID, or list the exact role ARNs and actions.")
                    .cli("aws s3api put-bucket-policy --bucket <bucket> --policy file://policy-without-foreign-accounts.json")
                    .console("S3 > Buckets > <bucket> > Permissions > Bucket policy > Edit")
                    .url("https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html"),
            )
            .reference("pci-dss-4.0", "7.2.1")
            .reference("soc2", "CC6.1")
            .reference("soc2", "CC6.3")
            .reference("hipaa", "164.308(a)(4)(ii)(B)")
            .reference("hipaa", "164.312(a)(1)")
            .reference("nist-800-53-r5", "AC-3")
            .reference("nist-800-53-r5", "AC-6")
            .reference("nist-800-53-r5", "AC-21")
            .reference("iso-27001-2022", "A.5.15")
            .reference("iso-27001-2022", "A.8.3")
            .equivalent("prowler", "s3_bucket_cross_account_access"),
        check_cross_account_access,
    )
}

fn check_cross_account_access(bucket: &Resource, _: &Context) -> CheckResult {
    let name = &bucket.name;
    let Some(doc) = policy(bucket)? else {
        return Ok(Outcome::pass(format!(
            "Bucket {name} has no bucket policy, so it grants nothing to other accounts."
        ))
        .evidence(props::POLICY, Value::Null));
    };
    let grants = cross_account_grants(bucket, &doc, false)?;
    let described: Vec<String> = grants.iter().map(Reach::describe).collect();
    Ok(Outcome::pass_if(
        grants.is_empty(),
        format!("Bucket {name} policy grants nothing to other accounts."),
        format!(
            "Bucket {name} policy grants other accounts access without confining them: {}.",
            described.join("; ")
        ),
    )
    .evidence("owner_account", &bucket.account)
    .evidence("cross_account_statements", grants))
}

/// `s3_bucket_cross_account_sensitive_actions`: other accounts cannot change access or
/// encryption.
pub fn cross_account_sensitive_actions() -> Check {
    Check::new(
        meta("s3_bucket_cross_account_sensitive_actions", "S3 bucket policy does not let other AWS accounts change its access rules or encryption", Severity::High)
            .description(
                "Checks that no statement of the bucket policy reaching other accounts (see \
                 s3_bucket_cross_account_access) allows s3:DeleteBucketPolicy, s3:PutBucketAcl, \
                 s3:PutBucketPolicy, s3:PutEncryptionConfiguration or s3:PutObjectAcl, including through \
                 wildcards and NotAction.",
            )
            .rationale(
                "These actions let another account rewrite who may access the bucket or how its data is \
                 encrypted, effectively taking control of the bucket away from its owner.",
            )
            .remediation(
                Remediation::new("Remove the listed actions from statements for other accounts (grant them data actions such as s3:GetObject only).")
                    .cli("aws s3api put-bucket-policy --bucket <bucket> --policy file://policy-without-sensitive-grants.json")
                    .console("S3 > Buckets > <bucket> > Permissions > Bucket policy > Edit")
                    .url("https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-6"),
            )
            .reference("aws-fsbp", "S3.6")
            .references(OTHER_ACCOUNTS)
            .reference("iso-27001-2022", "A.8.2")
            .equivalent("security-hub", "S3.6"),
        check_cross_account_sensitive_actions,
    )
}

fn check_cross_account_sensitive_actions(bucket: &Resource, _: &Context) -> CheckResult {
    let name = &bucket.name;
    let Some(doc) = policy(bucket)? else {
        return Ok(Outcome::pass(format!(
            "Bucket {name} has no bucket policy, so no other account can change its access rules."
        ))
        .evidence(props::POLICY, Value::Null));
    };
    let grants = cross_account_grants(bucket, &doc, true)?;
    let described: Vec<String> = grants.iter().map(Reach::describe).collect();
    Ok(Outcome::pass_if(
        grants.is_empty(),
        format!(
            "Bucket {name} policy lets no other account change its access rules or encryption."
        ),
        format!(
            "Bucket {name} policy lets other accounts change its access rules or encryption: {}.",
            described.join("; ")
        ),
    )
    .evidence("owner_account", &bucket.account)
    .evidence("cross_account_statements", grants))
}

#[cfg(test)]
mod tests {
    use crate::S3Rules;
    use crate::test_support::{ARN, bucket};
    use lgp_sdk::Status;
    use lgp_sdk::testing::{assert_status, finding, run};
    use serde_json::{Value, json};

    const ACCESS: &str = "s3_bucket_cross_account_access";
    const SENSITIVE: &str = "s3_bucket_cross_account_sensitive_actions";

    fn allow(principal: Value, action: Value) -> Value {
        json!({"Sid": "Grant", "Effect": "Allow", "Principal": principal, "Action": action,
            "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]})
    }

    /// The status of `check` on a bucket of account 111122223333 whose policy has `statements`,
    /// Block Public Access off.
    fn status(statements: Value, check: &str) -> Status {
        let r = bucket(
            "b",
            json!({"policy": {"Version": "2012-10-17", "Statement": statements},
                "public_access_block": null}),
        );
        finding(&run::<S3Rules>(&[r]), check, ARN).status
    }

    #[test]
    fn principal_shapes() {
        let cases = [
            (json!("*"), Status::Fail),
            (json!({"AWS": "*"}), Status::Fail),
            (
                json!({"AWS": ["arn:aws:iam::111122223333:root", "*"]}),
                Status::Fail,
            ),
            (json!({"AWS": "444455556666"}), Status::Fail),
            (
                json!({"AWS": "arn:aws:iam::444455556666:role/reader"}),
                Status::Fail,
            ),
            (json!({"AWS": "111122223333"}), Status::Pass),
            (
                json!({"AWS": ["arn:aws:iam::111122223333:role/app"]}),
                Status::Pass,
            ),
            (json!({"Service": "logging.s3.amazonaws.com"}), Status::Pass),
            (
                json!({"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}),
                Status::Pass,
            ),
        ];
        for (principal, expected) in cases {
            assert_eq!(
                status(
                    json!([allow(principal.clone(), json!("s3:GetObject"))]),
                    ACCESS
                ),
                expected,
                "{principal}"
            );
        }
        // NotPrincipal lets in everyone but the named principals.
        let not_principal = json!({"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"});
        assert_eq!(status(json!(not_principal), ACCESS), Status::Fail);
        // A Deny naming another account grants nothing.
        let deny = json!({"Effect": "Deny", "Principal": {"AWS": "444455556666"}, "Action": "s3:*",
            "Resource": "arn:aws:s3:::b/*"});
        assert_eq!(status(json!([deny]), ACCESS), Status::Pass);
    }

    #[test]
    fn conditions_confining_the_caller() {
        let with = |principal: Value, condition: Value| {
            let mut s = allow(principal, json!(["s3:GetObject"]));
            s["Condition"] = condition;
            status(json!([s]), ACCESS)
        };
        let org = json!({"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}});
        assert_eq!(with(json!("*"), org.clone()), Status::Pass);
        assert_eq!(with(json!({"AWS": "444455556666"}), org), Status::Pass);
        let cloudfront = json!({"StringEquals": {"aws:SourceArn": "arn:aws:cloudfront::111122223333:distribution/E1"}});
        assert_eq!(
            with(
                json!({"Service": "cloudfront.amazonaws.com"}),
                cloudfront.clone()
            ),
            Status::Pass
        );
        assert_eq!(with(json!("*"), cloudfront), Status::Pass);
        let own = json!({"StringEquals": {"aws:SourceAccount": "111122223333"}});
        assert_eq!(with(json!("*"), own), Status::Pass);
        let foreign = json!({"StringEquals": {"aws:SourceAccount": "444455556666"}});
        assert_eq!(with(json!("*"), foreign), Status::Fail);
        // A network condition narrows where calls come from, not whose they are.
        let vpce = json!({"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}});
        assert_eq!(with(json!({"AWS": "444455556666"}), vpce), Status::Fail);
    }

    #[test]
    fn evidence_and_message_name_the_accounts() {
        let r = bucket(
            "b",
            json!({"policy": {"Statement": allow(json!({"AWS": ["444455556666", "arn:aws:iam::777788889999:root"]}), json!("s3:GetObject"))}}),
        );
        let findings = run::<S3Rules>(&[r]);
        let f = assert_status(&findings, ACCESS, ARN, Status::Fail);
        assert!(
            f.message
                .contains("access to 444455556666, 777788889999 (statement Grant)"),
            "{}",
            f.message
        );
        assert_eq!(f.evidence["owner_account"], json!("111122223333"));
        assert_eq!(
            f.evidence["cross_account_statements"],
            json!([{"statement": "Grant", "principals": ["444455556666", "777788889999"]}])
        );
        // Reading only: not sensitive.
        assert_status(&findings, SENSITIVE, ARN, Status::Pass);
    }

    #[test]
    fn restrict_public_buckets_confines_statements_to_everyone() {
        let public = json!({"Statement": allow(json!("*"), json!("s3:GetObject"))});
        let restricted = bucket("b", json!({"policy": public}));
        assert_status(&run::<S3Rules>(&[restricted]), ACCESS, ARN, Status::Pass);
        let named =
            json!({"Statement": allow(json!({"AWS": "444455556666"}), json!("s3:GetObject"))});
        let restricted = bucket("b", json!({"policy": named}));
        assert_status(&run::<S3Rules>(&[restricted]), ACCESS, ARN, Status::Fail);
        let unknown = bucket(
            "b",
            json!({"policy": public, "public_access_block": null,
                "errors": {"public_access_block": {"code": "AccessDenied", "category": "access_denied"}}}),
        );
        assert_status(&run::<S3Rules>(&[unknown]), ACCESS, ARN, Status::Error);
    }

    #[test]
    fn sensitive_actions() {
        let account = json!({"AWS": "arn:aws:iam::444455556666:root"});
        let cases = [
            (json!("s3:GetObject"), Status::Pass),
            (json!(["s3:GetObject", "s3:PutBucketPolicy"]), Status::Fail),
            (json!("s3:Put*"), Status::Fail),
            (json!("s3:*"), Status::Fail),
            (json!("*"), Status::Fail),
        ];
        for (action, expected) in cases {
            assert_eq!(
                status(json!([allow(account.clone(), action.clone())]), SENSITIVE),
                expected,
                "{action}"
            );
        }
        let not_action = json!({"Effect": "Allow", "Principal": account, "NotAction": ["s3:Get*", "s3:List*"],
            "Resource": "*"});
        assert_eq!(status(json!([not_action]), SENSITIVE), Status::Fail);
        let own = allow(json!({"AWS": "111122223333"}), json!("s3:*"));
        assert_eq!(status(json!([own]), SENSITIVE), Status::Pass);
    }

    #[test]
    fn no_malformed_or_uncollected_policy_is_an_error() {
        assert_eq!(status(json!([]), ACCESS), Status::Pass);
        let r = bucket("b", json!({"policy": null}));
        assert_status(&run::<S3Rules>(&[r]), ACCESS, ARN, Status::Pass);
        let bad = bucket(
            "b",
            json!({"policy": {"Statement": [{"Effect": "Permit", "Principal": "*", "Action": "*"}]}}),
        );
        let denied = bucket(
            "b",
            json!({"policy": null, "errors": {"policy": {"code": "AccessDenied", "category": "access_denied"}}}),
        );
        for r in [bad, denied] {
            let findings = run::<S3Rules>(&[r]);
            assert_status(&findings, ACCESS, ARN, Status::Error);
            assert_status(&findings, SENSITIVE, ARN, Status::Error);
        }
        let mut orphan = bucket(
            "b",
            json!({"policy": {"Statement": allow(json!({"AWS": "444455556666"}), json!("s3:GetObject"))}}),
        );
        orphan.account.clear();
        assert_status(&run::<S3Rules>(&[orphan]), ACCESS, ARN, Status::Error);
    }
}
