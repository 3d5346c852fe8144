//! Full administrative access (`*` on `*`) in customer managed and inline policies: the CIS
//! 1.16 question, with messages and evidence of its own.

use super::{failing_inline, managed_document};
use crate::checks::{LEAST_PRIVILEGE, kind_noun, meta};
use lgp_sdk::kinds::iam::{GROUP_KIND, POLICY_KIND, ROLE_KIND, USER_KIND};
use lgp_sdk::policy::{PolicyDocument, Statement};
use lgp_sdk::{Check, CheckResult, Context, Outcome, Remediation, Resource, Severity};

/// The `Sid`s (or positions, `#0`…) of the statements of `doc` that grant `*` on `*`.
fn admin_statements(doc: &PolicyDocument) -> Vec<String> {
    doc.statement_labels(Statement::grants_full_admin)
}

/// `iam_policy_no_administrative_privileges`: customer managed policies do not allow `*` on `*`.
pub fn policy_no_administrative_privileges() -> Check {
    Check::new(
        meta("iam_policy_no_administrative_privileges", "Customer managed policy does not grant full administrative access", Severity::High, POLICY_KIND)
            .description(
                "Checks that the default version of a customer managed policy has no Allow statement granting \
                 every action (`*`, or any NotAction) on every resource (`*`, or any NotResource).",
            )
            .rationale(
                "Full administrative access should be granted deliberately, through a small number of \
                 reviewed principals, not through general-purpose policies; least privilege limits what a \
                 compromised principal can do.",
            )
            .remediation(
                Remediation::new("Create a new default version of the policy that lists only the actions and resources needed, then delete the old version.")
                    .cli("aws iam create-policy-version --policy-arn <policy-arn> --policy-document file://least-privilege.json --set-as-default")
                    .console("IAM > Policies > <policy> > Edit")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege"),
            )
            .reference("cis-aws-3.0", "1.16")
            .reference("cis-aws-7.0", "2.14")
            .reference("aws-fsbp", "IAM.1")
            .references(LEAST_PRIVILEGE)
            .equivalent("prowler", "iam_customer_attached_policy_no_administrative_privileges")
            .equivalent("prowler", "iam_customer_unattached_policy_no_administrative_privileges")
            .equivalent("security-hub", "IAM.1"),
        check_policy_no_administrative_privileges,
    )
}

fn check_policy_no_administrative_privileges(p: &Resource, _: &Context) -> CheckResult {
    let (doc, attachments) = managed_document(p)?;
    let admin = admin_statements(&doc);
    Ok(Outcome::pass_if(
        admin.is_empty(),
        format!(
            "Policy {} does not grant full administrative access.",
            p.name
        ),
        format!(
            "Policy {} grants full administrative access (* on *) in statement(s) {}.",
            p.name,
            admin.join(", ")
        ),
    )
    .evidence("admin_statements", admin)
    .evidence("attachment_count", attachments))
}

/// `iam_inline_policy_no_administrative_privileges`: inline policies do not allow `*` on `*`.
pub fn inline_policy_no_administrative_privileges() -> Check {
    Check::new(
        meta("iam_inline_policy_no_administrative_privileges", "Inline policies do not grant full administrative access", Severity::High, USER_KIND)
            .resource_kind(GROUP_KIND)
            .resource_kind(ROLE_KIND)
            .description(
                "Checks that no inline policy of an IAM user, group or role has an Allow statement granting \
                 every action (`*`, or any NotAction) on every resource (`*`, or any NotResource).",
            )
            .rationale(
                "Inline policies escape the review that managed policies get; one that grants `*` on `*` \
                 makes its principal a full administrator.",
            )
            .remediation(
                Remediation::new("Replace the inline policy with a least-privilege managed policy, or narrow its actions and resources.")
                    .cli("aws iam delete-role-policy --role-name <role> --policy-name <policy>  # or delete-user-policy / delete-group-policy")
                    .console("IAM > Users / Groups / Roles > <name> > Permissions > <inline policy> > Edit")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html"),
            )
            .reference("cis-aws-3.0", "1.16")
            .reference("cis-aws-7.0", "2.14")
            .references(LEAST_PRIVILEGE)
            .equivalent("prowler", "iam_inline_policy_no_administrative_privileges"),
        check_inline_policy_no_administrative_privileges,
    )
}

fn check_inline_policy_no_administrative_privileges(r: &Resource, _: &Context) -> CheckResult {
    let answers = failing_inline(r, admin_statements)?;
    let admin: Vec<String> = answers.failing.into_iter().map(|(name, _)| name).collect();
    let what = kind_noun(&r.kind);
    Ok(Outcome::pass_if(
        admin.is_empty(),
        format!(
            "IAM {what} {} has no inline policy granting full administrative access.",
            r.name
        ),
        format!(
            "IAM {what} {} has inline policies granting full administrative access (* on *): {}.",
            r.name,
            admin.join(", ")
        ),
    )
    .evidence("inline_policy_count", answers.count)
    .evidence("admin_inline_policies", admin))
}

#[cfg(test)]
mod tests {
    use crate::IamRules;
    use crate::test_support::{group, managed_policy, policy_arn, role, user, user_arn};
    use lgp_sdk::Status;
    use lgp_sdk::policy::PolicyDocument;
    use lgp_sdk::testing::{assert_status, run};
    use serde_json::{Value, json};

    const CHECK: &str = "iam_policy_no_administrative_privileges";
    const INLINE: &str = "iam_inline_policy_no_administrative_privileges";

    fn admin(document: Value) -> bool {
        let doc = PolicyDocument::from_value(&document).expect("valid document");
        !super::admin_statements(&doc).is_empty()
    }

    #[test]
    fn statement_shapes() {
        // Action as a string and as a list.
        assert!(admin(
            json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})
        ));
        assert!(admin(
            json!({"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "*"], "Resource": ["*"]}]})
        ));
        // Resource list containing `*`.
        assert!(admin(
            json!({"Statement": [{"Effect": "Allow", "Action": ["*"],
            "Resource": ["arn:aws:s3:::b", "*"]}]})
        ));
        // NotAction with Allow allows everything but a few actions.
        assert!(admin(
            json!({"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}})
        ));
        // A Deny of everything does not make a policy admin.
        assert!(!admin(
            json!({"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}})
        ));
        assert!(!admin(
            json!({"Statement": {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}})
        ));
        // Service-wide wildcards and specific resources are not `*` on `*`.
        assert!(!admin(
            json!({"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}})
        ));
        assert!(!admin(
            json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/*"}})
        ));
        // A document AWS returned as a string.
        assert!(admin(json!(
            r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#
        )));
    }

    #[test]
    fn managed_policy_pass_fail_error() {
        let arn = policy_arn("p");
        let ok = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}]});
        let f = run::<IamRules>(&[managed_policy("p", ok)]);
        assert_status(&f, CHECK, &arn, Status::Pass);

        let bad = json!({"Version": "2012-10-17", "Statement": [{"Sid": "All", "Effect": "Allow", "Action": "*", "Resource": "*"}]});
        let f = run::<IamRules>(&[managed_policy("p", bad)]);
        let r = assert_status(&f, CHECK, &arn, Status::Fail);
        assert_eq!(r.evidence["admin_statements"], json!(["All"]));

        let f = run::<IamRules>(&[managed_policy("p", json!("{not json"))]);
        assert_status(&f, CHECK, &arn, Status::Error);
    }

    #[test]
    fn inline_policies_of_users_groups_and_roles() {
        let admin_doc =
            json!({"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}});
        let inline = json!({"inline_policies": [{"name": "god", "document": admin_doc}]});
        let f = run::<IamRules>(&[
            user("u", inline.clone()),
            group("g", inline.clone()),
            role("r", inline),
        ]);
        for arn in [
            user_arn("u"),
            "arn:aws:iam::111122223333:group/g".to_owned(),
            "arn:aws:iam::111122223333:role/r".to_owned(),
        ] {
            let r = assert_status(&f, INLINE, &arn, Status::Fail);
            assert_eq!(r.evidence["admin_inline_policies"], json!(["god"]));
        }
        let f = run::<IamRules>(&[
            user("u", json!({})),
            group("g", json!({})),
            role("r", json!({})),
        ]);
        assert_status(&f, INLINE, &user_arn("u"), Status::Pass);
        assert_status(
            &f,
            INLINE,
            "arn:aws:iam::111122223333:group/g",
            Status::Pass,
        );
        assert_status(&f, INLINE, "arn:aws:iam::111122223333:role/r", Status::Pass);
    }
}
