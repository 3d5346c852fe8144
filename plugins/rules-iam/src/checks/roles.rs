//! Role trust policies (`aws:iam:role`): who may assume the role.

use super::meta;
use lgp_sdk::kinds::iam::{ROLE_KIND, role};
use lgp_sdk::policy::{Effect, PolicyDocument};
use lgp_sdk::{Check, CheckResult, Context, Outcome, Remediation, Resource, Severity};

/// The condition key that defends a cross-account trust against the confused deputy problem.
const EXTERNAL_ID: &str = "sts:ExternalId";

fn trust_policy(r: &Resource) -> Result<PolicyDocument, lgp_sdk::CheckError> {
    let document = r.value(role::TRUST_POLICY)?;
    Ok(PolicyDocument::from_value(document)?)
}

fn label(i: usize, sid: Option<&String>) -> String {
    sid.cloned().unwrap_or_else(|| format!("#{i}"))
}

/// `iam_role_trust_policy_no_public_principal`: no one-and-all may assume the role.
pub fn trust_policy_no_public_principal() -> Check {
    Check::new(
        meta("iam_role_trust_policy_no_public_principal", "IAM role cannot be assumed by any principal", Severity::Critical, ROLE_KIND)
            .description(
                "Checks that no Allow statement of the role's trust policy names every principal (`\"*\"`, \
                 `{\"AWS\": \"*\"}` or a NotPrincipal) without a Condition that narrows the caller to known \
                 identities (such as `aws:PrincipalOrgID`, `aws:PrincipalArn`, `aws:SourceAccount`).",
            )
            .rationale(
                "A role any AWS principal can assume hands its permissions to every AWS account in the world. \
                 `sts:ExternalId` alone does not narrow who: it is a shared string, not an identity.",
            )
            .remediation(
                Remediation::new("Name the accounts or roles allowed to assume the role in the trust policy's Principal, or add an aws:PrincipalOrgID condition.")
                    .cli("aws iam update-assume-role-policy --role-name <role> --policy-document file://trust.json")
                    .console("IAM > Roles > <role> > Trust relationships > Edit trust policy")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-trust-policy.html"),
            )
            .reference("nist-800-53-r5", "AC-3")
            .reference("nist-800-53-r5", "AC-6"),
        check_trust_policy_no_public_principal,
    )
}

fn check_trust_policy_no_public_principal(r: &Resource, _: &Context) -> CheckResult {
    let doc = trust_policy(r)?;
    let public: Vec<String> = doc
        .statements
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_public())
        .map(|(i, s)| label(i, s.sid.as_ref()))
        .collect();
    Ok(Outcome::pass_if(
        public.is_empty(),
        format!("Role {} can only be assumed by the principals its trust policy names.", r.name),
        format!(
            "Role {} can be assumed by any AWS principal (statement(s) {}) without a condition restricting the caller.",
            r.name,
            public.join(", ")
        ),
    )
    .evidence("public_statements", public))
}

/// `iam_role_cross_account_trust_external_id`: cross-account trust requires an external id.
pub fn cross_account_trust_external_id() -> Check {
    Check::new(
        meta("iam_role_cross_account_trust_external_id", "IAM role trusting another account requires an external id", Severity::High, ROLE_KIND)
            .description(
                "Checks that every Allow statement of the role's trust policy that names another AWS account \
                 (an account id or an ARN in another account) requires `sts:ExternalId` with a positive \
                 string condition.",
            )
            .rationale(
                "A third party that assumes roles for many customers can be tricked into using its access to \
                 your account on someone else's behalf (the confused deputy); a per-customer external id \
                 prevents it.",
            )
            .remediation(
                Remediation::new("Add a StringEquals condition on sts:ExternalId with the id agreed with the trusted party.")
                    .cli("aws iam update-assume-role-policy --role-name <role> --policy-document file://trust-with-external-id.json")
                    .console("IAM > Roles > <role> > Trust relationships > Edit trust policy")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html"),
            )
            .reference("nist-800-53-r5", "AC-3"),
        check_cross_account_trust_external_id,
    )
}

fn check_cross_account_trust_external_id(r: &Resource, _: &Context) -> CheckResult {
    let doc = trust_policy(r)?;
    let mut foreign = Vec::new();
    let mut unguarded = Vec::new();
    for (i, s) in doc.statements.iter().enumerate() {
        let Some(principal) = (s.effect == Effect::Allow)
            .then_some(s.principal.as_ref())
            .flatten()
        else {
            continue;
        };
        let others: Vec<&str> = principal
            .aws_accounts()
            .into_iter()
            .filter(|a| *a != r.account)
            .collect();
        if others.is_empty() {
            continue;
        }
        foreign.extend(others.iter().map(|a| (*a).to_owned()));
        if !s.condition_requires(EXTERNAL_ID) {
            unguarded.push(label(i, s.sid.as_ref()));
        }
    }
    foreign.sort();
    foreign.dedup();
    let message_pass = if foreign.is_empty() {
        format!("Role {} trusts no other AWS account.", r.name)
    } else {
        format!(
            "Role {} trusts other accounts ({}) only with an sts:ExternalId condition.",
            r.name,
            foreign.join(", ")
        )
    };
    Ok(Outcome::pass_if(
        unguarded.is_empty(),
        message_pass,
        format!(
            "Role {} trusts other accounts ({}) without an sts:ExternalId condition (statement(s) {}).",
            r.name,
            foreign.join(", "),
            unguarded.join(", ")
        ),
    )
    .evidence("trusted_accounts", foreign)
    .evidence("statements_without_external_id", unguarded))
}

#[cfg(test)]
mod tests {
    use crate::IamRules;
    use crate::test_support::role;
    use lgp_sdk::Status;
    use lgp_sdk::testing::{assert_status, run};
    use serde_json::{Value, json};

    const ARN: &str = "arn:aws:iam::111122223333:role/r";
    const PUBLIC: &str = "iam_role_trust_policy_no_public_principal";
    const CROSS: &str = "iam_role_cross_account_trust_external_id";

    fn statuses(statement: Value) -> (Status, Status) {
        let trust = json!({"Version": "2012-10-17", "Statement": [statement]});
        let f = run::<IamRules>(&[role("r", json!({"trust_policy": trust}))]);
        let public = crate::tests::status(&f, PUBLIC, ARN);
        let cross = crate::tests::status(&f, CROSS, ARN);
        (public, cross)
    }

    #[test]
    fn service_and_same_account_trust_pass() {
        let svc = json!({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"});
        assert_eq!(statuses(svc), (Status::Pass, Status::Pass));
        let same = json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"});
        assert_eq!(statuses(same), (Status::Pass, Status::Pass));
    }

    #[test]
    fn any_principal() {
        for principal in [json!("*"), json!({"AWS": "*"}), json!({"AWS": ["*"]})] {
            let s = json!({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"});
            assert_eq!(statuses(s).0, Status::Fail, "{principal}");
        }
        // A condition naming the caller's organization restricts it.
        let org = json!({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}});
        assert_eq!(statuses(org).0, Status::Pass);
        // A wildcard value or a negated operator does not.
        let wildcard = json!({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
            "Condition": {"StringLike": {"aws:PrincipalOrgID": "*"}}});
        assert_eq!(statuses(wildcard).0, Status::Fail);
        // An external id is a shared string, not an identity.
        let ext = json!({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "secret"}}});
        assert_eq!(statuses(ext).0, Status::Fail);
        // A Deny to everyone is not a grant.
        let deny = json!({"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"});
        assert_eq!(statuses(deny), (Status::Pass, Status::Pass));
    }

    #[test]
    fn cross_account_needs_external_id() {
        let bare = json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole"});
        assert_eq!(statuses(bare), (Status::Pass, Status::Fail));
        let by_id = json!({"Effect": "Allow", "Principal": {"AWS": ["444455556666"]}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}});
        assert_eq!(statuses(by_id), (Status::Pass, Status::Fail));
        let guarded = json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/vendor"},
            "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:externalid": "c0ffee"}}});
        assert_eq!(statuses(guarded), (Status::Pass, Status::Pass));
        let negated = json!({"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "sts:AssumeRole",
            "Condition": {"StringNotEquals": {"sts:ExternalId": "x"}}});
        assert_eq!(statuses(negated), (Status::Pass, Status::Fail));
    }

    #[test]
    fn unreadable_trust_policy_is_an_error() {
        let f = run::<IamRules>(&[role("r", json!({"trust_policy": "{oops"}))]);
        assert_status(&f, PUBLIC, ARN, Status::Error);
        assert_status(&f, CROSS, ARN, Status::Error);
        let f = run::<IamRules>(&[role(
            "r",
            json!({"trust_policy": null,
            "errors": {"trust_policy": {"code": "AccessDenied", "category": "access_denied"}}}),
        )]);
        assert_status(&f, PUBLIC, ARN, Status::Error);
    }
}
