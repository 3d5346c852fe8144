//! Role trust policies (`aws:iam:role`): who may assume the role, and whether what they get
//! fits who they are.

use super::{LEAST_PRIVILEGE, ROLE_TRUST, meta};
use lgp_sdk::kinds::iam::{AttachedPolicy, ROLE_KIND, RoleLastUsed, aws_policy, role};
use lgp_sdk::policy::{Effect, PolicyDocument, Statement};
use lgp_sdk::{Check, CheckResult, Context, Outcome, Remediation, Resource, Severity};

/// Roles not assumed for this many days are unused (IAM Access Analyzer's default for unused
/// roles).
const ROLE_UNUSED_DAYS: i64 = 90;

/// The condition key that defends a cross-account trust against the confused deputy problem.
const EXTERNAL_ID: &str = "sts:ExternalId";

fn trust_policy(r: &Resource) -> Result<PolicyDocument, lgp_sdk::CheckError> {
    let document = r.value(role::TRUST_POLICY)?;
    Ok(PolicyDocument::from_value(document)?)
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
            .reference("nist-800-53-r5", "AC-6")
            .references(ROLE_TRUST),
        check_trust_policy_no_public_principal,
    )
}

fn check_trust_policy_no_public_principal(r: &Resource, _: &Context) -> CheckResult {
    let doc = trust_policy(r)?;
    let public = doc.statement_labels(Statement::is_public);
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
            .reference("iso-27001-2022", "A.5.19")
            .references(ROLE_TRUST),
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
            unguarded.push(s.label(i));
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

/// Condition keys that tie a service's use of a role to the account or resource acting for the
/// customer: AWS's cross-service confused deputy protection.
const SOURCE_KEYS: &[&str] = &[
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
];

/// Whether a trust statement lets an AWS service assume the role.
fn trusts_a_service(s: &Statement) -> bool {
    s.allows("sts:AssumeRole")
        && s.principal
            .as_ref()
            .is_some_and(|p| !p.values("Service").is_empty())
}

/// `iam_role_cross_service_confused_deputy_prevention`: service trust is tied to the account.
pub fn cross_service_confused_deputy_prevention() -> Check {
    Check::new(
        meta("iam_role_cross_service_confused_deputy_prevention", "IAM service role prevents the cross-service confused deputy", Severity::High, ROLE_KIND)
            .description(
                "Checks that every Allow statement of the role's trust policy that lets an AWS service (a `Service` \
                 principal) assume the role requires `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID` or \
                 `aws:SourceOrgPaths` with a positive, non-wildcard condition. Roles no service assumes, and \
                 service-linked roles (whose trust AWS owns), pass.",
            )
            .rationale(
                "A service trusted without a source condition can be made to assume the role while acting for \
                 another customer's resource — the cross-service confused deputy; the condition ties the trust to \
                 your account or resources.",
            )
            .remediation(
                Remediation::new("Add a StringEquals aws:SourceAccount (or ArnLike aws:SourceArn) condition naming your account or the resources that use the role.")
                    .cli("aws iam update-assume-role-policy --role-name <role> --policy-document file://trust-with-source-account.json")
                    .console("IAM > Roles > <role> > Trust relationships > Edit trust policy")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html#cross-service-confused-deputy-prevention"),
            )
            .references(ROLE_TRUST)
            .equivalent("prowler", "iam_role_cross_service_confused_deputy_prevention"),
        check_cross_service_confused_deputy_prevention,
    )
}

fn check_cross_service_confused_deputy_prevention(r: &Resource, _: &Context) -> CheckResult {
    let service_linked: bool = r.get(role::SERVICE_LINKED)?;
    if service_linked {
        return Ok(Outcome::pass(format!(
            "Role {} is service-linked: AWS owns its trust policy.",
            r.name
        ))
        .evidence(role::SERVICE_LINKED, true));
    }
    let doc = trust_policy(r)?;
    let mut services = Vec::new();
    let mut unguarded = Vec::new();
    for (i, s) in doc.statements.iter().enumerate() {
        if !trusts_a_service(s) {
            continue;
        }
        services.extend(
            s.principal
                .iter()
                .flat_map(|p| p.values("Service").to_vec()),
        );
        if !SOURCE_KEYS.iter().any(|k| s.condition_requires(k)) {
            unguarded.push(s.label(i));
        }
    }
    services.sort();
    services.dedup();
    let outcome = if services.is_empty() {
        Outcome::pass(format!("Role {} is not assumed by an AWS service.", r.name))
    } else {
        Outcome::pass_if(
            unguarded.is_empty(),
            format!(
                "Role {} lets services ({}) assume it only for your account or resources.",
                r.name,
                services.join(", ")
            ),
            format!(
                "Role {} lets services ({}) assume it without an aws:SourceAccount or aws:SourceArn condition (statement(s) {}).",
                r.name,
                services.join(", "),
                unguarded.join(", ")
            ),
        )
    };
    Ok(outcome
        .evidence("trusted_services", services)
        .evidence("statements_without_source_condition", unguarded))
}

/// `iam_role_cross_account_readonlyaccess_policy`: ReadOnlyAccess is not handed to other
/// accounts.
pub fn cross_account_readonlyaccess_policy() -> Check {
    Check::new(
        meta("iam_role_cross_account_readonlyaccess_policy", "IAM role trusted by other accounts does not have ReadOnlyAccess", Severity::High, ROLE_KIND)
            .description(
                "Checks that a role with the AWS managed ReadOnlyAccess policy attached cannot be assumed by another \
                 AWS account or by everyone (an Allow trust statement naming a foreign account, `*` or a NotPrincipal).",
            )
            .rationale(
                "ReadOnlyAccess reads nearly everything, data included (S3 objects, DynamoDB items, secrets' \
                 metadata); a third party needs a scoped policy, not a view of the whole account.",
            )
            .remediation(
                Remediation::new("Detach ReadOnlyAccess from the role and attach a policy scoped to what the trusted account needs (for auditors, SecurityAudit or ViewOnlyAccess).")
                    .cli("aws iam detach-role-policy --role-name <role> --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess")
                    .console("IAM > Roles > <role> > Permissions > ReadOnlyAccess > Remove")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html"),
            )
            .reference("iso-27001-2022", "A.5.19")
            .references(ROLE_TRUST)
            .references(LEAST_PRIVILEGE)
            .equivalent("prowler", "iam_role_cross_account_readonlyaccess_policy"),
        check_cross_account_readonlyaccess_policy,
    )
}

fn check_cross_account_readonlyaccess_policy(r: &Resource, _: &Context) -> CheckResult {
    let attached: Vec<AttachedPolicy> = r.get(role::ATTACHED_POLICIES)?;
    if !attached
        .iter()
        .any(|p| p.is_aws_managed_named(aws_policy::READ_ONLY_ACCESS))
    {
        return Ok(Outcome::pass(format!(
            "Role {} does not have ReadOnlyAccess attached.",
            r.name
        ))
        .evidence("read_only_access", false));
    }
    let doc = trust_policy(r)?;
    let mut outsiders = Vec::new();
    for s in doc.statements.iter().filter(|s| s.effect == Effect::Allow) {
        if s.applies_to_everyone() {
            outsiders.push("*".to_owned());
        }
        if let Some(p) = &s.principal {
            outsiders.extend(
                p.aws_accounts()
                    .into_iter()
                    .filter(|a| *a != r.account)
                    .map(str::to_owned),
            );
        }
    }
    outsiders.sort();
    outsiders.dedup();
    Ok(Outcome::pass_if(
        outsiders.is_empty(),
        format!(
            "Role {} has ReadOnlyAccess but only its own account can assume it.",
            r.name
        ),
        format!(
            "Role {} gives ReadOnlyAccess to other accounts: {}.",
            r.name,
            outsiders.join(", ")
        ),
    )
    .evidence("read_only_access", true)
    .evidence("outside_principals", outsiders))
}

/// `iam_role_unused`: roles were assumed within the last 90 days.
pub fn role_unused() -> Check {
    Check::new(
        meta("iam_role_unused", "IAM role was used within 90 days", Severity::Low, ROLE_KIND)
            .description(
                "Checks that the role was last assumed (RoleLastUsed) within the last 90 days or, if IAM has no \
                 record of its use (IAM tracks 400 days), that it was created within the last 90 days. \
                 Service-linked roles pass: their service owns them.",
            )
            .rationale(
                "A role nobody assumes still carries its permissions and its trust; every unused role is one more \
                 door to watch. Removing roles that are no longer needed keeps the account's access reviewable.",
            )
            .remediation(
                Remediation::new("Confirm the role is no longer needed (check its trust policy and CloudTrail), then remove its policies and instance profiles and delete it.")
                    .cli("aws iam get-role --role-name <role> --query Role.RoleLastUsed && aws iam delete-role --role-name <role>  # after detaching its policies and removing it from instance profiles")
                    .console("IAM > Roles > <role> > Last activity; then Delete")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage_delete.html"),
            )
            .reference("nist-800-53-r5", "AC-2(3)")
            .reference("soc2", "CC6.2")
            .reference("hipaa", "164.308(a)(4)(ii)(C)")
            .reference("iso-27001-2022", "A.5.18"),
        check_role_unused,
    )
}

fn check_role_unused(r: &Resource, cx: &Context) -> CheckResult {
    let service_linked: bool = r.get(role::SERVICE_LINKED)?;
    if service_linked {
        return Ok(Outcome::pass(format!(
            "Role {} is service-linked: its service uses and deletes it.",
            r.name
        ))
        .evidence(role::SERVICE_LINKED, true));
    }
    let last_used: Option<RoleLastUsed> = r.get(role::LAST_USED)?;
    let last_used = last_used.ok_or_else(|| {
        lgp_sdk::CheckError::new(format!("role {} has no `last_used` record", r.name))
    })?;
    let (when, used) = match (&last_used.date, r.get_opt::<String>("create_date")?) {
        (Some(date), _) => (date.clone(), true),
        (None, Some(created)) => (created, false),
        (None, None) => {
            return Err(lgp_sdk::CheckError::new(format!(
                "role {} has neither a last-use nor a creation date",
                r.name
            )));
        }
    };
    let age = cx.age_in_days(&when)?;
    let what = if used {
        format!("was last assumed {age} days ago")
    } else {
        format!("was created {age} days ago and IAM has no record of its use")
    };
    Ok(Outcome::pass_if(
        age < ROLE_UNUSED_DAYS,
        format!("Role {} {what}.", r.name),
        format!(
            "Role {} {what} ({ROLE_UNUSED_DAYS} days or more): remove it if it is no longer needed.",
            r.name
        ),
    )
    .evidence("last_used_date", &last_used.date)
    .evidence("judged_from", &when)
    .evidence("age_days", age))
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

    const DEPUTY: &str = "iam_role_cross_service_confused_deputy_prevention";
    const READ_ONLY: &str = "iam_role_cross_account_readonlyaccess_policy";

    fn deputy(statement: Value, overrides: Value) -> Status {
        let trust = json!({"Version": "2012-10-17", "Statement": [statement]});
        let mut props = json!({"trust_policy": trust});
        for (k, v) in overrides.as_object().expect("object") {
            props[k] = v.clone();
        }
        let f = run::<IamRules>(&[role("r", props)]);
        crate::tests::status(&f, DEPUTY, ARN)
    }

    #[test]
    fn service_trust_needs_a_source_condition() {
        let bare = json!({"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com"]}, "Action": "sts:AssumeRole"});
        assert_eq!(deputy(bare.clone(), json!({})), Status::Fail);
        let arn = json!({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole",
            "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:lambda:us-east-1:111122223333:function:*"}}});
        assert_eq!(deputy(arn, json!({})), Status::Pass);
        let org = json!({"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceOrgID": "o-abc123"}}});
        assert_eq!(deputy(org, json!({})), Status::Pass);
        // A negated or wildcard condition does not tie the service to the account.
        let negated = json!({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole",
            "Condition": {"StringNotEquals": {"aws:SourceAccount": "444455556666"}}});
        assert_eq!(deputy(negated, json!({})), Status::Fail);
        let wildcard = json!({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole",
            "Condition": {"StringLike": {"aws:SourceAccount": "*"}}});
        assert_eq!(deputy(wildcard, json!({})), Status::Fail);
        // Roles no service assumes, and service-linked roles, pass.
        let person = json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"});
        assert_eq!(deputy(person, json!({})), Status::Pass);
        assert_eq!(
            deputy(
                bare.clone(),
                json!({"service_linked": true, "path": "/aws-service-role/lambda.amazonaws.com/"})
            ),
            Status::Pass
        );
        // A Deny naming a service is not trust.
        let deny = json!({"Effect": "Deny", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"});
        assert_eq!(deputy(deny, json!({})), Status::Pass);
        let f = run::<IamRules>(&[role("r", json!({"trust_policy": {"Statement": [bare]}}))]);
        let r = assert_status(&f, DEPUTY, ARN, Status::Fail);
        assert!(
            r.message
                .contains("Role r lets services (lambda.amazonaws.com)"),
            "{}",
            r.message
        );
    }

    #[test]
    fn read_only_access_for_other_accounts() {
        let read_only =
            json!([{"name": "ReadOnlyAccess", "arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]);
        let trust = |principal: Value| json!({"Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]});
        let cases = [
            (
                json!({"AWS": "arn:aws:iam::444455556666:root"}),
                Status::Fail,
            ),
            (json!("*"), Status::Fail),
            (json!({"AWS": "111122223333"}), Status::Pass),
            (json!({"Service": "ec2.amazonaws.com"}), Status::Pass),
        ];
        for (principal, status) in cases {
            let f = run::<IamRules>(&[role(
                "r",
                json!({"attached_policies": read_only.clone(),
                "trust_policy": trust(principal.clone())}),
            )]);
            let r = assert_status(&f, READ_ONLY, ARN, status);
            assert!(r.message.contains("Role r"), "{principal}: {}", r.message);
        }
        // Without ReadOnlyAccess, foreign trust is the other checks' business.
        let f = run::<IamRules>(&[role(
            "r",
            json!({"trust_policy": trust(json!({"AWS": "444455556666"}))}),
        )]);
        assert_status(&f, READ_ONLY, ARN, Status::Pass);
        let f = run::<IamRules>(&[role(
            "r",
            json!({"attached_policies": read_only, "trust_policy": "{oops"}),
        )]);
        assert_status(&f, READ_ONLY, ARN, Status::Error);
    }

    #[test]
    fn unused_roles() {
        const UNUSED: &str = "iam_role_unused";
        // FIXED_NOW is 2025-01-01T00:00:00Z.
        let cases = [
            (
                json!({"date": "2024-12-01T00:00:00Z", "region": "us-east-1"}),
                json!("2020-01-01T00:00:00Z"),
                Status::Pass,
            ),
            (
                json!({"date": "2024-10-03T00:00:00Z", "region": "us-east-1"}),
                json!("2020-01-01T00:00:00Z"),
                Status::Fail,
            ),
            // Never used: judged by its creation.
            (
                json!({"date": null, "region": null}),
                json!("2024-12-20T00:00:00Z"),
                Status::Pass,
            ),
            (
                json!({"date": null, "region": null}),
                json!("2023-01-01T00:00:00Z"),
                Status::Fail,
            ),
            (
                json!({"date": null, "region": null}),
                json!(null),
                Status::Error,
            ),
            (json!(null), json!("2023-01-01T00:00:00Z"), Status::Error),
        ];
        for (last_used, created, status) in cases {
            let f = run::<IamRules>(&[role(
                "r",
                json!({"last_used": last_used, "create_date": created}),
            )]);
            let r = assert_status(&f, UNUSED, ARN, status);
            assert!(
                status == Status::Error || r.message.contains("Role r"),
                "{}",
                r.message
            );
        }
        let f = run::<IamRules>(&[role(
            "r",
            json!({"service_linked": true,
            "last_used": {"date": null, "region": null}}),
        )]);
        assert_status(&f, UNUSED, ARN, Status::Pass);
    }
}
