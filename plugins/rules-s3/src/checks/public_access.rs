//! Public exposure: Block Public Access, public ACL grants, public bucket policies.
//!
//! Block Public Access settings decide whether a public grant or statement is effective:
//! `IgnorePublicAcls` (bucket or account level) neutralizes public ACL grants and
//! `RestrictPublicBuckets` neutralizes public policy statements. The checks read those settings
//! only when they matter, so a bucket with no public grant passes even if its Block Public Access
//! configuration could not be collected.

use super::{PUBLIC_ACCESS, PUBLIC_WRITE, SECURITY_HUB_S3_DOCS, meta};
use lgp_sdk::kinds::s3::{
    Acl, Grant, OWNERSHIP_BUCKET_OWNER_ENFORCED, PolicyStatus, PublicAccessBlock, props,
};
use lgp_sdk::policy::PolicyDocument;
use lgp_sdk::{
    Check, CheckResult, Context, Outcome, PropertyError, Remediation, Resource, Severity,
};
use serde_json::Value;

/// Actions that let a caller change the bucket's data or its access rules: a public statement
/// allowing any of them is public *write* access.
const WRITE_ACTIONS: &[&str] = &[
    "s3:PutObject",
    "s3:PutObjectAcl",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:DeleteBucket",
    "s3:PutLifecycleConfiguration",
    "s3:RestoreObject",
];

/// Actions that list what the bucket holds: a public statement allowing any of them is public
/// *list* access.
const LIST_ACTIONS: &[&str] = &[
    "s3:ListBucket",
    "s3:ListBucketVersions",
    "s3:ListBucketMultipartUploads",
];

/// `s3_bucket_level_public_access_block`: all four bucket-level settings are on.
pub fn level_public_access_block() -> Check {
    Check::new(
        meta("s3_bucket_level_public_access_block", "S3 bucket has all four Block Public Access settings enabled", Severity::High)
            .description(
                "Checks that the bucket-level Block Public Access configuration exists and enables \
                 BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets.",
            )
            .rationale(
                "Block Public Access overrides ACLs and policies that would make the bucket or its objects \
                 public, so one mistaken grant or statement cannot expose data.",
            )
            .remediation(
                Remediation::new("Enable all four Block Public Access settings on the bucket (unless it intentionally serves public content).")
                    .cli("aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true")
                    .console("S3 > Buckets > <bucket> > Permissions > Block public access (bucket settings) > Edit")
                    .url("https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html"),
            )
            .reference("cis-aws-3.0", "2.1.4")
            .reference("cis-aws-7.0", "3.1.4")
            .reference("aws-fsbp", "S3.8")
            .references(PUBLIC_ACCESS)
            .equivalent("prowler", "s3_bucket_level_public_access_block")
            .equivalent("security-hub", "S3.8"),
        check_level_public_access_block,
    )
}

fn check_level_public_access_block(bucket: &Resource, _: &Context) -> CheckResult {
    let name = &bucket.name;
    let pab: Option<PublicAccessBlock> = bucket.get(props::PUBLIC_ACCESS_BLOCK)?;
    Ok(match pab {
        None => Outcome::fail(format!(
            "Bucket {name} has no bucket-level Block Public Access configuration."
        ))
        .evidence(props::PUBLIC_ACCESS_BLOCK, Value::Null),
        Some(pab) => {
            let off = pab.disabled_settings();
            Outcome::pass_if(
                off.is_empty(),
                format!("Bucket {name} enables all four Block Public Access settings."),
                format!(
                    "Bucket {name} has Block Public Access settings off: {}.",
                    off.join(", ")
                ),
            )
            .evidence(props::PUBLIC_ACCESS_BLOCK, pab)
        }
    })
}

/// `s3_bucket_acl_not_public`: no effective ACL grant to AllUsers or AuthenticatedUsers.
pub fn acl_not_public() -> Check {
    Check::new(
        meta("s3_bucket_acl_not_public", "S3 bucket ACL grants no access to everyone or to any AWS user", Severity::Critical)
            .description(
                "Checks the bucket ACL for grants to the AllUsers or AuthenticatedUsers groups that are \
                 in effect: grants are ignored when ACLs are disabled (BucketOwnerEnforced) or when \
                 IgnorePublicAcls is on at bucket or account level.",
            )
            .rationale(
                "AllUsers is anyone on the internet and AuthenticatedUsers is anyone with an AWS account; \
                 either grant exposes the bucket's listing or contents, or lets strangers write to it.",
            )
            .remediation(
                Remediation::new("Remove the public grants (reset the ACL to private), then disable ACLs with the BucketOwnerEnforced object ownership setting and enable Block Public Access.")
                    .cli("aws s3api put-bucket-acl --bucket <bucket> --acl private")
                    .console("S3 > Buckets > <bucket> > Permissions > Access control list (ACL) > Edit")
                    .url("https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html"),
            )
            .reference("aws-fsbp", "S3.2")
            .reference("aws-fsbp", "S3.3")
            .references(PUBLIC_ACCESS)
            .equivalent("prowler", "s3_bucket_public_access")
            .equivalent("security-hub", "S3.2")
            .equivalent("security-hub", "S3.3"),
        check_acl_not_public,
    )
}

fn check_acl_not_public(bucket: &Resource, _: &Context) -> CheckResult {
    let name = &bucket.name;
    check_public_acl(
        bucket,
        |_| true,
        |found| match found {
            PublicAcl::None => {
                format!("Bucket {name} has no ACL grant to everyone or to any AWS user.")
            }
            PublicAcl::Ignored(why) => {
                format!("Bucket {name} has public ACL grants, but {why} so they have no effect.")
            }
            PublicAcl::Effective(public) => format!(
                "Bucket {name} ACL grants {}{}.",
                describe_grants(public),
                if public.iter().any(|g| g.allows_write()) {
                    " (public write)"
                } else {
                    ""
                }
            ),
        },
    )
}

/// What a public-ACL check found: the message of each case is the check's own.
pub(crate) enum PublicAcl<'a> {
    /// No public grant of the kind the check looks for.
    None,
    /// Public grants without effect, and why they have none (see [`acl_ignored`]).
    Ignored(&'a str),
    /// Public grants in effect.
    Effective(&'a [&'a Grant]),
}

/// Judges the public grants of `bucket`'s ACL that `pick` selects: passes when there are none
/// or when they have no effect, fails otherwise; `message` words each case.
pub(crate) fn check_public_acl(
    bucket: &Resource,
    pick: impl Fn(&Grant) -> bool,
    message: impl Fn(PublicAcl) -> String,
) -> CheckResult {
    let acl: Acl = bucket.get(props::ACL)?;
    let public: Vec<&Grant> = acl
        .grants
        .iter()
        .filter(|g| g.is_public() && pick(g))
        .collect();
    if public.is_empty() {
        return Ok(Outcome::pass(message(PublicAcl::None)).evidence("public_grants", &public));
    }
    if let Some(why) = acl_ignored(bucket)? {
        return Ok(
            Outcome::pass(message(PublicAcl::Ignored(&why))).evidence("public_grants", &public)
        );
    }
    Ok(Outcome::fail(message(PublicAcl::Effective(&public)))
        .evidence("public_grants", &public)
        .evidence(
            props::OWNERSHIP,
            bucket.get::<Option<&str>>(props::OWNERSHIP)?,
        ))
}

/// Why public ACL grants have no effect on `bucket`, if they have none: ACLs are disabled
/// (BucketOwnerEnforced), or IgnorePublicAcls is on at bucket or account level. Errors only
/// when a setting that could matter was not collected.
fn acl_ignored(bucket: &Resource) -> Result<Option<String>, PropertyError> {
    let ownership: Option<&str> = bucket.get(props::OWNERSHIP)?;
    if ownership == Some(OWNERSHIP_BUCKET_OWNER_ENFORCED) {
        return Ok(Some("ACLs are disabled (BucketOwnerEnforced)".to_owned()));
    }
    Ok(ignoring_level(bucket, |p| p.ignore_public_acls)?
        .map(|level| format!("IgnorePublicAcls is on at {level} level")))
}

/// `READ to AllUsers, WRITE to AuthenticatedUsers`: grants to groups by permission and group
/// name, others by permission and canonical id.
pub(crate) fn describe_grants(grants: &[&Grant]) -> String {
    grants
        .iter()
        .map(|g| {
            let who = match (g.grantee_uri.as_deref(), g.grantee_id.as_deref()) {
                (Some(uri), _) => uri.rsplit('/').next().unwrap_or(uri),
                (None, Some(id)) => id,
                (None, None) => g.grantee_type.as_str(),
            };
            format!("{} to {who}", g.permission)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `s3_bucket_policy_not_public`: the bucket policy grants nothing to everyone.
pub fn policy_not_public() -> Check {
    Check::new(
        meta("s3_bucket_policy_not_public", "S3 bucket policy does not grant access to everyone", Severity::Critical)
            .description(
                "Checks the bucket policy for Allow statements whose principal is everyone (\"*\", \
                 {\"AWS\": \"*\"} or NotPrincipal) without a condition that narrows the caller (source \
                 account, organization, VPC endpoint, IP range…), and AWS's own policy status. Public \
                 statements are ineffective when RestrictPublicBuckets is on at bucket or account level.",
            )
            .rationale(
                "A public bucket policy lets anyone on the internet use the actions it allows, usually \
                 reading every object; it is the most common cause of S3 data leaks.",
            )
            .remediation(
                Remediation::new("Remove the public statements or restrict them with a condition such as aws:SourceVpce or aws:PrincipalOrgID; serve public content through CloudFront with origin access control instead.")
                    .cli("aws s3api put-bucket-policy --bucket <bucket> --policy file://restricted-policy.json")
                    .console("S3 > Buckets > <bucket> > Permissions > Bucket policy > Edit")
                    .url("https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status"),
            )
            .reference("cis-aws-7.0", "2.21")
            .reference("aws-fsbp", "S3.2")
            .reference("aws-fsbp", "S3.3")
            .references(PUBLIC_ACCESS)
            .equivalent("prowler", "s3_bucket_public_access")
            .equivalent("security-hub", "S3.2")
            .equivalent("security-hub", "S3.3"),
        check_policy_not_public,
    )
}

fn check_policy_not_public(bucket: &Resource, _: &Context) -> CheckResult {
    let name = &bucket.name;
    let Some(doc) = policy(bucket)? else {
        return Ok(
            Outcome::pass(format!("Bucket {name} has no bucket policy."))
                .evidence(props::POLICY, Value::Null),
        );
    };
    // AWS's verdict is a second opinion: it only ever adds a failure. When it could not be
    // collected the document alone decides.
    let aws_says_public = bucket
        .get_opt::<PolicyStatus>(props::POLICY_STATUS)
        .ok()
        .flatten()
        .is_some_and(|s| s.is_public);
    // Labelled by their position in the whole policy, as every other check names statements.
    let public: Vec<String> = doc.statement_labels(|s| s.is_public());
    if public.is_empty() && !aws_says_public {
        return Ok(
            Outcome::pass(format!("Bucket {name} policy grants nothing to everyone."))
                .evidence("public_statements", &public),
        );
    }
    if let Some(level) = ignoring_level(bucket, |p| p.restrict_public_buckets)? {
        return Ok(Outcome::pass(format!(
            "Bucket {name} policy has public statements, but RestrictPublicBuckets is on at {level} level so only AWS services and the owner account can use them."
        ))
        .evidence("public_statements", &public));
    }
    let what = if public.is_empty() {
        "AWS reports the bucket policy as public".to_owned()
    } else {
        format!("statements {} grant access to everyone", public.join(", "))
    };
    Ok(
        Outcome::fail(format!("Bucket {name} policy is public: {what}."))
            .evidence("public_statements", &public)
            .evidence("aws_policy_status_public", aws_says_public),
    )
}

/// `s3_bucket_policy_no_public_write`: the bucket policy lets no one at large write or delete.
pub fn policy_no_public_write() -> Check {
    Check::new(
        meta("s3_bucket_policy_no_public_write", "S3 bucket policy does not allow public write access", Severity::Critical)
            .description(
                "Checks that no public statement of the bucket policy (see s3_bucket_policy_not_public) \
                 allows writing, deleting or changing access: s3:PutObject, s3:DeleteObject, \
                 s3:PutBucketPolicy, s3:PutBucketAcl and similar, including through wildcards and \
                 NotAction.",
            )
            .rationale(
                "Public write lets anyone plant malware, overwrite or delete data, or run up storage costs; \
                 it is never needed for serving public content.",
            )
            .remediation(
                Remediation::new("Remove the write actions from the public statements, or restrict them to named principals.")
                    .cli("aws s3api put-bucket-policy --bucket <bucket> --policy file://restricted-policy.json")
                    .console("S3 > Buckets > <bucket> > Permissions > Bucket policy > Edit")
                    .url(SECURITY_HUB_S3_DOCS),
            )
            .reference("cis-aws-7.0", "2.21")
            .reference("aws-fsbp", "S3.3")
            .references(PUBLIC_WRITE)
            .equivalent("prowler", "s3_bucket_policy_public_write_access")
            .equivalent("security-hub", "S3.3"),
        check_policy_no_public_write,
    )
}

fn check_policy_no_public_write(bucket: &Resource, _: &Context) -> CheckResult {
    check_public_policy_actions(bucket, WRITE_ACTIONS, "write")
}

/// `s3_bucket_policy_no_public_list`: the bucket policy lets no one at large list the objects.
pub fn policy_no_public_list() -> Check {
    Check::new(
        meta("s3_bucket_policy_no_public_list", "S3 bucket policy does not allow public listing", Severity::Critical)
            .description(
                "Checks that no public statement of the bucket policy (see s3_bucket_policy_not_public) \
                 allows listing the bucket's objects, versions or multipart uploads (s3:ListBucket, \
                 s3:ListBucketVersions, s3:ListBucketMultipartUploads), including through wildcards and \
                 NotAction.",
            )
            .rationale(
                "A public listing hands anyone the name of every object, which turns a bucket whose objects \
                 are readable by URL into a bulk download and reveals sensitive names; public websites \
                 never need it.",
            )
            .remediation(
                Remediation::new("Remove the list actions from the public statements (keep s3:GetObject only if the content is meant to be public), or restrict them to named principals.")
                    .cli("aws s3api put-bucket-policy --bucket <bucket> --policy file://restricted-policy.json")
                    .console("S3 > Buckets > <bucket> > Permissions > Bucket policy > Edit")
                    .url("https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html"),
            )
            .reference("cis-aws-7.0", "2.21")
            .reference("aws-fsbp", "S3.2")
            .references(PUBLIC_ACCESS)
            .equivalent("security-hub", "S3.2"),
        check_policy_no_public_list,
    )
}

fn check_policy_no_public_list(bucket: &Resource, _: &Context) -> CheckResult {
    check_public_policy_actions(bucket, LIST_ACTIONS, "list")
}

/// Fails when a public statement allows one of `actions` (the `access` they give, e.g.
/// `write`) and RestrictPublicBuckets does not neutralize it.
fn check_public_policy_actions(bucket: &Resource, actions: &[&str], access: &str) -> CheckResult {
    let name = &bucket.name;
    let evidence = format!("public_{access}_actions");
    let Some(doc) = policy(bucket)? else {
        return Ok(
            Outcome::pass(format!("Bucket {name} has no bucket policy."))
                .evidence(props::POLICY, Value::Null),
        );
    };
    let allowed: Vec<&str> = actions
        .iter()
        .copied()
        .filter(|a| doc.allows_public(a))
        .collect();
    if allowed.is_empty() {
        return Ok(Outcome::pass(format!(
            "Bucket {name} policy allows no public {access} access."
        ))
        .evidence(&evidence, &allowed));
    }
    if let Some(level) = ignoring_level(bucket, |p| p.restrict_public_buckets)? {
        return Ok(Outcome::pass(format!(
            "Bucket {name} policy allows public {access}, but RestrictPublicBuckets is on at {level} level so only AWS services and the owner account can use it."
        ))
        .evidence(&evidence, &allowed));
    }
    Ok(Outcome::fail(format!(
        "Bucket {name} policy allows public {access} access: {}.",
        allowed.join(", ")
    ))
    .evidence(&evidence, &allowed))
}

/// The bucket policy, `None` when the bucket has none.
pub(crate) fn policy(bucket: &Resource) -> Result<Option<PolicyDocument>, lgp_sdk::CheckError> {
    let value: &Value = bucket.value(props::POLICY)?;
    if value.is_null() {
        return Ok(None);
    }
    Ok(Some(PolicyDocument::from_value(value)?))
}

/// `bucket` or `account` when a Block Public Access setting picked by `setting` is on at that
/// level. Errors only when a level that could matter was not collected.
pub(crate) fn ignoring_level(
    bucket: &Resource,
    setting: impl Fn(&PublicAccessBlock) -> bool,
) -> Result<Option<&'static str>, PropertyError> {
    let bucket_level: Option<PublicAccessBlock> = bucket.get(props::PUBLIC_ACCESS_BLOCK)?;
    if bucket_level.as_ref().is_some_and(&setting) {
        return Ok(Some("bucket"));
    }
    // Older collectors may not report the account setting; absent means "not known to be on".
    let account_level: Option<PublicAccessBlock> =
        bucket.get_opt(props::ACCOUNT_PUBLIC_ACCESS_BLOCK)?;
    Ok(account_level
        .as_ref()
        .is_some_and(&setting)
        .then_some("account"))
}

#[cfg(test)]
mod tests {
    use crate::S3Rules;
    use crate::test_support::{ARN, bucket};
    use lgp_sdk::Status;
    use lgp_sdk::kinds::s3::{ALL_USERS_URI, AUTHENTICATED_USERS_URI};
    use lgp_sdk::testing::{assert_status, finding, run};
    use serde_json::{Value, json};

    const PAB: &str = "s3_bucket_level_public_access_block";
    const ACL: &str = "s3_bucket_acl_not_public";
    const POLICY: &str = "s3_bucket_policy_not_public";
    const WRITE: &str = "s3_bucket_policy_no_public_write";

    fn pab(all: bool) -> Value {
        json!({"block_public_acls": true, "ignore_public_acls": all,
               "block_public_policy": true, "restrict_public_buckets": all})
    }

    fn statement(principal: Value, action: Value) -> Value {
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "S", "Effect": "Allow",
            "Principal": principal, "Action": action, "Resource": "arn:aws:s3:::b/*"}]})
    }

    /// The status of `check` on a bucket with `props`, Block Public Access off unless `props`
    /// sets it (the base bucket has it on, which would neutralize every public grant).
    fn status(mut props: Value, check: &str) -> Status {
        if props.get("public_access_block").is_none() {
            props["public_access_block"] = Value::Null;
        }
        let findings = run::<S3Rules>(&[bucket("b", props)]);
        finding(&findings, check, ARN).status
    }

    #[test]
    fn public_access_block_settings() {
        assert_eq!(
            status(json!({"public_access_block": pab(true)}), PAB),
            Status::Pass
        );
        assert_eq!(
            status(json!({"public_access_block": pab(false)}), PAB),
            Status::Fail
        );
        assert_eq!(
            status(json!({"public_access_block": null}), PAB),
            Status::Fail
        );
        assert_eq!(
            status(
                json!({"public_access_block": {"block_public_acls": "yes"}}),
                PAB
            ),
            Status::Error
        );
        let findings = run::<S3Rules>(&[bucket("b", json!({"public_access_block": pab(false)}))]);
        let f = assert_status(&findings, PAB, ARN, Status::Fail);
        assert!(
            f.message
                .contains("ignore_public_acls, restrict_public_buckets"),
            "{}",
            f.message
        );
    }

    fn acl_grant(uri: &str, permission: &str) -> Value {
        json!({"owner_id": "o", "grants": [
            {"grantee_type": "CanonicalUser", "grantee_id": "o", "grantee_uri": null, "permission": "FULL_CONTROL"},
            {"grantee_type": "Group", "grantee_uri": uri, "grantee_id": null, "permission": permission}]})
    }

    #[test]
    fn public_acl_grants() {
        let open = json!({"acl": acl_grant(ALL_USERS_URI, "READ"), "ownership": "ObjectWriter", "public_access_block": null});
        assert_eq!(status(open.clone(), ACL), Status::Fail);
        let authenticated = json!({"acl": acl_grant(AUTHENTICATED_USERS_URI, "WRITE"), "ownership": null, "public_access_block": null});
        let findings = run::<S3Rules>(&[bucket("b", authenticated)]);
        let f = assert_status(&findings, ACL, ARN, Status::Fail);
        assert!(
            f.message
                .contains("WRITE to AuthenticatedUsers (public write)"),
            "{}",
            f.message
        );
        // Log delivery is not public.
        let log_delivery = json!({"acl": acl_grant(lgp_sdk::kinds::s3::LOG_DELIVERY_URI, "WRITE"), "ownership": null});
        assert_eq!(status(log_delivery, ACL), Status::Pass);
        // Neutralized by ACLs being disabled, or by IgnorePublicAcls at either level.
        let mut enforced = open.clone();
        enforced["ownership"] = json!("BucketOwnerEnforced");
        assert_eq!(status(enforced, ACL), Status::Pass);
        let mut ignored = open.clone();
        ignored["public_access_block"] = pab(true);
        assert_eq!(status(ignored, ACL), Status::Pass);
        let mut account = open.clone();
        account["account_public_access_block"] = pab(true);
        assert_eq!(status(account, ACL), Status::Pass);
    }

    #[test]
    fn public_acl_needs_block_settings_only_when_a_grant_is_public() {
        let errors =
            json!({"public_access_block": {"code": "AccessDenied", "category": "permission"}});
        let private = json!({"public_access_block": null, "errors": errors});
        assert_eq!(status(private, ACL), Status::Pass);
        let public = json!({"acl": acl_grant(ALL_USERS_URI, "READ"), "ownership": null,
                            "public_access_block": null, "errors": errors});
        assert_eq!(status(public, ACL), Status::Error);
    }

    #[test]
    fn public_policy_principals() {
        let p = |principal: Value| {
            status(
                json!({"policy": statement(principal, json!("s3:GetObject"))}),
                POLICY,
            )
        };
        assert_eq!(p(json!("*")), Status::Fail);
        assert_eq!(p(json!({"AWS": "*"})), Status::Fail);
        assert_eq!(
            p(json!({"AWS": ["arn:aws:iam::111122223333:root", "*"]})),
            Status::Fail
        );
        assert_eq!(
            p(json!({"AWS": "arn:aws:iam::444455556666:root"})),
            Status::Pass
        );
        assert_eq!(
            p(json!({"Service": "cloudtrail.amazonaws.com"})),
            Status::Pass
        );
        assert_eq!(status(json!({"policy": null}), POLICY), Status::Pass);
    }

    #[test]
    fn public_policy_conditions() {
        let with = |condition: Value| {
            let mut policy = statement(json!("*"), json!(["s3:GetObject"]));
            policy["Statement"][0]["Condition"] = condition;
            status(json!({"policy": policy}), POLICY)
        };
        assert_eq!(
            with(json!({"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}})),
            Status::Pass
        );
        assert_eq!(
            with(json!({"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}})),
            Status::Pass
        );
        assert_eq!(
            with(json!({"Bool": {"aws:SecureTransport": "true"}})),
            Status::Fail
        );
    }

    #[test]
    fn public_policy_second_opinion_and_restriction() {
        let private = statement(
            json!({"AWS": "arn:aws:iam::444455556666:root"}),
            json!("s3:GetObject"),
        );
        let aws_public = json!({"policy": private, "policy_status": {"is_public": true}});
        assert_eq!(status(aws_public, POLICY), Status::Fail);
        let public = statement(json!("*"), json!("s3:*"));
        let restricted = json!({"policy": public, "public_access_block": pab(true)});
        assert_eq!(status(restricted.clone(), POLICY), Status::Pass);
        assert_eq!(status(restricted, WRITE), Status::Pass);
        // A policy given as a JSON string is read too.
        let as_text = json!({"policy": public.to_string()});
        assert_eq!(status(as_text, WRITE), Status::Fail);
    }

    #[test]
    fn public_list_actions() {
        const LIST: &str = "s3_bucket_policy_no_public_list";
        let l = |principal: Value, action: Value| {
            status(json!({"policy": statement(principal, action)}), LIST)
        };
        assert_eq!(l(json!("*"), json!("s3:ListBucket")), Status::Fail);
        assert_eq!(l(json!({"AWS": "*"}), json!(["s3:List*"])), Status::Fail);
        assert_eq!(l(json!({"AWS": ["*"]}), json!("s3:*")), Status::Fail);
        assert_eq!(l(json!("*"), json!("s3:GetObject")), Status::Pass);
        assert_eq!(
            l(
                json!({"AWS": "arn:aws:iam::444455556666:root"}),
                json!("s3:ListBucket")
            ),
            Status::Pass
        );
        let not_action = json!({"Statement": [{"Effect": "Allow", "Principal": "*",
            "NotAction": "s3:Get*", "Resource": "arn:aws:s3:::b"}]});
        assert_eq!(status(json!({"policy": not_action}), LIST), Status::Fail);
        let deny = json!({"Statement": [{"Effect": "Deny", "Principal": "*",
            "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"}]});
        assert_eq!(status(json!({"policy": deny}), LIST), Status::Pass);
        let mut org = statement(json!("*"), json!("s3:ListBucket"));
        org["Statement"][0]["Condition"] =
            json!({"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}});
        assert_eq!(status(json!({"policy": org}), LIST), Status::Pass);
        let restricted = json!({"policy": statement(json!("*"), json!("s3:ListBucket")),
            "public_access_block": pab(true)});
        assert_eq!(status(restricted, LIST), Status::Pass);
        let findings = run::<S3Rules>(&[bucket(
            "b",
            json!({"policy": statement(json!("*"), json!("s3:List*")), "public_access_block": null}),
        )]);
        let f = assert_status(&findings, LIST, ARN, Status::Fail);
        assert_eq!(
            f.evidence["public_list_actions"],
            json!([
                "s3:ListBucket",
                "s3:ListBucketVersions",
                "s3:ListBucketMultipartUploads"
            ])
        );
        assert!(f.message.contains("public list access"), "{}", f.message);
    }

    #[test]
    fn public_write_actions() {
        let w = |action: Value| status(json!({"policy": statement(json!("*"), action)}), WRITE);
        assert_eq!(w(json!("s3:GetObject")), Status::Pass);
        assert_eq!(w(json!(["s3:GetObject", "s3:PutObject"])), Status::Fail);
        assert_eq!(w(json!("s3:Put*")), Status::Fail);
        assert_eq!(w(json!("*")), Status::Fail);
        // NotAction: everything except reads, so writes are allowed.
        let not_action = json!({"Statement": [{"Effect": "Allow", "Principal": "*",
            "NotAction": ["s3:Get*", "s3:List*"], "Resource": "arn:aws:s3:::b/*"}]});
        assert_eq!(status(json!({"policy": not_action}), WRITE), Status::Fail);
        let account =
            json!({"policy": statement(json!({"AWS": "111122223333"}), json!("s3:PutObject"))});
        assert_eq!(status(account, WRITE), Status::Pass);
    }

    #[test]
    fn malformed_or_uncollected_policy_is_an_error() {
        let bad = json!({"policy": {"Statement": [{"Effect": "Permit", "Principal": "*", "Action": "*"}]}});
        assert_eq!(status(bad.clone(), POLICY), Status::Error);
        assert_eq!(status(bad, WRITE), Status::Error);
        let denied = json!({"policy": null, "errors": {"policy": {"code": "AccessDenied", "category": "permission"}}});
        assert_eq!(status(denied.clone(), POLICY), Status::Error);
        assert_eq!(status(denied.clone(), WRITE), Status::Error);
        assert_eq!(
            status(denied, "s3_bucket_secure_transport_policy"),
            Status::Error
        );
    }
}
