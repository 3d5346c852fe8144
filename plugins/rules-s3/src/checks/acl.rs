//! ACL grants by kind of access: public listing, public write, and grants to other accounts.
//!
//! `s3_bucket_acl_not_public` (in [`super::public_access`]) reports every effective public
//! grant; these checks split that exposure by what it allows, as Prowler and Security Hub do
//! (S3.2 public read, S3.3 public write), and look at grants to named accounts as well.

use super::public_access::{PublicAcl, check_public_acl, describe_grants};
use super::{OTHER_ACCOUNTS, PUBLIC_ACCESS, PUBLIC_WRITE, meta};
use lgp_sdk::kinds::s3::{Acl, Grant, OWNERSHIP_BUCKET_OWNER_ENFORCED, props};
use lgp_sdk::{Check, CheckError, CheckResult, Context, Outcome, Remediation, Resource, Severity};

/// The permissions that let a grantee list the bucket or read its ACL.
const LIST_PERMISSIONS: &[&str] = &["READ", "READ_ACP", "FULL_CONTROL"];

/// How the public ACL checks' remediation reads: reset the ACL, then turn ACLs off.
fn public_acl_remediation() -> Remediation {
    Remediation::new("Reset the bucket ACL to private, then disable ACLs with the BucketOwnerEnforced object ownership setting and enable Block Public Access (IgnorePublicAcls).")
        .cli("aws s3api put-bucket-acl --bucket <bucket> --acl private")
        .console("S3 > Buckets > <bucket> > Permissions > Access control list (ACL) > Edit")
        .url("https://docs.aws.amazon.com/AmazonS3/latest/userguide/managing-acls.html")
}

/// `s3_bucket_public_list_acl`: no effective ACL grant lets everyone list the bucket.
pub fn public_list_acl() -> Check {
    Check::new(
        meta("s3_bucket_public_list_acl", "S3 bucket ACL does not let everyone or any AWS user list the bucket", Severity::Critical)
            .description(
                "Checks the bucket ACL for READ, READ_ACP or FULL_CONTROL grants to the AllUsers or \
                 AuthenticatedUsers groups that are in effect (not neutralized by BucketOwnerEnforced or by \
                 IgnorePublicAcls at bucket or account level).",
            )
            .rationale(
                "READ on a bucket lists every object key and READ_ACP reveals who else has access; granted \
                 to AllUsers or AuthenticatedUsers, anyone on the internet or with any AWS account can \
                 enumerate the bucket's content.",
            )
            .remediation(public_acl_remediation())
            .reference("aws-fsbp", "S3.2")
            .references(PUBLIC_ACCESS)
            .equivalent("prowler", "s3_bucket_public_list_acl")
            .equivalent("security-hub", "S3.2"),
        check_public_list_acl,
    )
}

fn check_public_list_acl(bucket: &Resource, _: &Context) -> CheckResult {
    check_public_grants(bucket, "list", |g| {
        LIST_PERMISSIONS.contains(&g.permission.as_str())
    })
}

/// `s3_bucket_public_write_acl`: no effective ACL grant lets everyone write to the bucket.
pub fn public_write_acl() -> Check {
    Check::new(
        meta("s3_bucket_public_write_acl", "S3 bucket ACL does not let everyone or any AWS user write to the bucket", Severity::Critical)
            .description(
                "Checks the bucket ACL for WRITE, WRITE_ACP or FULL_CONTROL grants to the AllUsers or \
                 AuthenticatedUsers groups that are in effect (not neutralized by BucketOwnerEnforced or by \
                 IgnorePublicAcls at bucket or account level).",
            )
            .rationale(
                "WRITE lets anyone upload, overwrite and delete objects and WRITE_ACP lets anyone rewrite the \
                 ACL itself; public write is used to plant malware, destroy data and run up storage costs.",
            )
            .remediation(public_acl_remediation())
            .reference("aws-fsbp", "S3.3")
            .references(PUBLIC_WRITE)
            .equivalent("prowler", "s3_bucket_public_write_acl")
            .equivalent("security-hub", "S3.3"),
        check_public_write_acl,
    )
}

fn check_public_write_acl(bucket: &Resource, _: &Context) -> CheckResult {
    check_public_grants(bucket, "write", Grant::allows_write)
}

/// Fails on effective public grants picked by `pick`, which give `access` (e.g. `list`).
fn check_public_grants(bucket: &Resource, access: &str, pick: fn(&Grant) -> bool) -> CheckResult {
    let name = &bucket.name;
    check_public_acl(bucket, pick, |found| match found {
        PublicAcl::None => format!("Bucket {name} ACL gives no public {access} access."),
        PublicAcl::Ignored(why) => format!(
            "Bucket {name} ACL grants public {access} access, but {why} so the grants have no effect."
        ),
        PublicAcl::Effective(public) => format!(
            "Bucket {name} ACL gives public {access} access: {}.",
            describe_grants(public)
        ),
    })
}

/// `s3_bucket_acl_no_cross_account_grants`: the ACL grants nothing to other accounts.
pub fn acl_no_cross_account_grants() -> Check {
    Check::new(
        meta("s3_bucket_acl_no_cross_account_grants", "S3 bucket ACL grants no access to other AWS accounts", Severity::Medium)
            .description(
                "Checks the bucket ACL for grants to canonical users other than the bucket owner, or to \
                 accounts named by e-mail, while ACLs are in effect (object ownership is not \
                 BucketOwnerEnforced). Group grants are left to the public ACL checks; the S3 log delivery \
                 group is not another account.",
            )
            .rationale(
                "ACL grants to other accounts are invisible in IAM and bucket policies, are easily forgotten \
                 after a partnership ends, and give the other account rights its own administrators control.",
            )
            .remediation(
                Remediation::new("Move the access the other account needs into the bucket policy (scoped to its principals and actions), reset the ACL to private and set object ownership to BucketOwnerEnforced.")
                    .cli("aws s3api put-bucket-acl --bucket <bucket> --acl private && aws s3api put-bucket-ownership-controls --bucket <bucket> --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'")
                    .console("S3 > Buckets > <bucket> > Permissions > Access control list (ACL) > Edit")
                    .url("https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html"),
            )
            .references(OTHER_ACCOUNTS),
        check_acl_no_cross_account_grants,
    )
}

fn check_acl_no_cross_account_grants(bucket: &Resource, _: &Context) -> CheckResult {
    let name = &bucket.name;
    let acl: Acl = bucket.get(props::ACL)?;
    let foreign: Vec<&Grant> = acl
        .grants
        .iter()
        .filter(|g| match g.grantee_type.as_str() {
            "CanonicalUser" => g.grantee_id != acl.owner_id,
            "AmazonCustomerByEmail" => true,
            _ => false,
        })
        .collect();
    if foreign.is_empty() {
        return Ok(Outcome::pass(format!(
            "Bucket {name} ACL grants nothing to other accounts."
        ))
        .evidence("cross_account_grants", &foreign));
    }
    // Without the owner's id, a canonical-user grant cannot be told apart from a foreign one.
    if acl.owner_id.is_none() {
        return Err(CheckError::new(
            "property `acl.owner_id` is missing, so grants to other accounts cannot be told from the owner's",
        ));
    }
    let ownership: Option<&str> = bucket.get(props::OWNERSHIP)?;
    if ownership == Some(OWNERSHIP_BUCKET_OWNER_ENFORCED) {
        return Ok(Outcome::pass(format!(
            "Bucket {name} ACL names other accounts, but ACLs are disabled (BucketOwnerEnforced) so the grants have no effect."
        ))
        .evidence("cross_account_grants", &foreign)
        .evidence(props::OWNERSHIP, ownership));
    }
    Ok(Outcome::fail(format!(
        "Bucket {name} ACL grants access to other accounts: {}.",
        describe_grants(&foreign)
    ))
    .evidence("cross_account_grants", &foreign)
    .evidence("owner_id", &acl.owner_id)
    .evidence(props::OWNERSHIP, ownership))
}

#[cfg(test)]
mod tests {
    use crate::S3Rules;
    use crate::test_support::{ARN, bucket};
    use lgp_sdk::Status;
    use lgp_sdk::kinds::s3::{ALL_USERS_URI, AUTHENTICATED_USERS_URI, LOG_DELIVERY_URI};
    use lgp_sdk::testing::{assert_status, finding, run};
    use serde_json::{Value, json};

    const LIST: &str = "s3_bucket_public_list_acl";
    const WRITE: &str = "s3_bucket_public_write_acl";
    const FOREIGN: &str = "s3_bucket_acl_no_cross_account_grants";

    fn acl(extra: Value) -> Value {
        json!({"owner_id": "o", "grants": [
            {"grantee_type": "CanonicalUser", "grantee_id": "o", "grantee_uri": null, "permission": "FULL_CONTROL"},
            extra]})
    }

    fn group(uri: &str, permission: &str) -> Value {
        json!({"grantee_type": "Group", "grantee_uri": uri, "grantee_id": null, "permission": permission})
    }

    /// The status of `check` with ACL `acl`, ACLs in effect and Block Public Access off.
    fn status(acl: Value, check: &str) -> Status {
        let r = bucket(
            "b",
            json!({"acl": acl, "ownership": "ObjectWriter", "public_access_block": null}),
        );
        finding(&run::<S3Rules>(&[r]), check, ARN).status
    }

    #[test]
    fn public_list_and_write_by_permission() {
        let cases = [
            (ALL_USERS_URI, "READ", Status::Fail, Status::Pass),
            (ALL_USERS_URI, "READ_ACP", Status::Fail, Status::Pass),
            (AUTHENTICATED_USERS_URI, "WRITE", Status::Pass, Status::Fail),
            (ALL_USERS_URI, "WRITE_ACP", Status::Pass, Status::Fail),
            (
                AUTHENTICATED_USERS_URI,
                "FULL_CONTROL",
                Status::Fail,
                Status::Fail,
            ),
            (LOG_DELIVERY_URI, "WRITE", Status::Pass, Status::Pass),
            (LOG_DELIVERY_URI, "READ_ACP", Status::Pass, Status::Pass),
        ];
        for (uri, permission, list, write) in cases {
            let a = acl(group(uri, permission));
            assert_eq!(status(a.clone(), LIST), list, "{uri} {permission}");
            assert_eq!(status(a, WRITE), write, "{uri} {permission}");
        }
    }

    #[test]
    fn public_grants_name_the_group_and_respect_block_public_access() {
        let a = acl(group(ALL_USERS_URI, "FULL_CONTROL"));
        let open = bucket(
            "b",
            json!({"acl": a, "ownership": null, "public_access_block": null}),
        );
        let findings = run::<S3Rules>(&[open]);
        let f = assert_status(&findings, WRITE, ARN, Status::Fail);
        assert!(
            f.message.contains("FULL_CONTROL to AllUsers"),
            "{}",
            f.message
        );
        // Neutralized at account level, or by ACLs being disabled.
        let ignored = bucket(
            "b",
            json!({"acl": a, "ownership": null, "public_access_block": null,
                "account_public_access_block": {"block_public_acls": true, "ignore_public_acls": true,
                    "block_public_policy": false, "restrict_public_buckets": false}}),
        );
        let findings = run::<S3Rules>(&[ignored]);
        let f = assert_status(&findings, LIST, ARN, Status::Pass);
        assert!(f.message.contains("account level"), "{}", f.message);
        let enforced = bucket("b", json!({"acl": a, "public_access_block": null}));
        assert_status(&run::<S3Rules>(&[enforced]), WRITE, ARN, Status::Pass);
        // The settings matter here, so not having them is an error.
        let unknown = bucket(
            "b",
            json!({"acl": a, "ownership": null, "public_access_block": null,
                "errors": {"public_access_block": {"code": "AccessDenied", "category": "access_denied"}}}),
        );
        assert_status(&run::<S3Rules>(&[unknown]), LIST, ARN, Status::Error);
    }

    #[test]
    fn grants_to_other_accounts() {
        let other = json!({"grantee_type": "CanonicalUser", "grantee_id": "other", "grantee_uri": null, "permission": "READ"});
        assert_eq!(status(acl(other.clone()), FOREIGN), Status::Fail);
        let email = json!({"grantee_type": "AmazonCustomerByEmail", "grantee_id": null, "grantee_uri": null, "permission": "WRITE"});
        assert_eq!(status(acl(email), FOREIGN), Status::Fail);
        assert_eq!(
            status(acl(group(LOG_DELIVERY_URI, "WRITE")), FOREIGN),
            Status::Pass
        );
        assert_eq!(
            status(acl(group(ALL_USERS_URI, "READ")), FOREIGN),
            Status::Pass
        );
        let mut no_owner = acl(other.clone());
        no_owner["owner_id"] = Value::Null;
        assert_eq!(status(no_owner, FOREIGN), Status::Error);
        let disabled = bucket("b", json!({"acl": acl(other)}));
        assert_status(&run::<S3Rules>(&[disabled]), FOREIGN, ARN, Status::Pass);
        let uncollected = bucket(
            "b",
            json!({"acl": null, "errors": {"acl": {"code": "AccessDenied", "category": "access_denied"}}}),
        );
        let findings = run::<S3Rules>(&[uncollected]);
        for id in [LIST, WRITE, FOREIGN] {
            assert_status(&findings, id, ARN, Status::Error);
        }
    }
}
