//! AWS managed policies that should not be attached to users, groups or roles
//! (`attached_policies`): AdministratorAccess and AWSCloudShellFullAccess.

use super::{LEAST_PRIVILEGE, kind_noun, meta};
use lgp_sdk::kinds::iam::{AttachedPolicy, GROUP_KIND, ROLE_KIND, USER_KIND, aws_policy, user};
use lgp_sdk::{Check, CheckResult, Context, Outcome, Remediation, Resource, Severity};

/// Whether the AWS managed policy `name` is attached to the user, group or role.
fn check_not_attached(r: &Resource, name: &str, consequence: &str) -> CheckResult {
    // The property name is the same for users, groups and roles.
    let attached: Vec<AttachedPolicy> = r.get(user::ATTACHED_POLICIES)?;
    let found = attached.iter().find(|p| p.is_aws_managed_named(name));
    let what = kind_noun(&r.kind);
    Ok(Outcome::pass_if(
        found.is_none(),
        format!(
            "IAM {what} {} does not have the AWS managed {name} policy attached.",
            r.name
        ),
        format!(
            "IAM {what} {} has the AWS managed {name} policy attached: {consequence}.",
            r.name
        ),
    )
    .evidence("attached_policy_arn", found.map(|p| p.arn.as_str())))
}

/// The metadata every AdministratorAccess check shares.
fn administrator_access_meta(id: &str, kind: &str, severity: Severity) -> lgp_sdk::CheckMeta {
    let what = kind_noun(kind);
    let detach = match what {
        "user" => "aws iam detach-user-policy --user-name <user>",
        "group" => "aws iam detach-group-policy --group-name <group>",
        _ => "aws iam detach-role-policy --role-name <role>",
    };
    meta(
        id,
        &format!("IAM {what} does not have AdministratorAccess attached"),
        severity,
        kind,
    )
    .description(format!(
        "Checks that the AWS managed policy AdministratorAccess (every action on every resource) is not attached \
         to the IAM {what}."
    ))
    .rationale(
        "AdministratorAccess makes its holder able to do anything in the account, including removing logs and \
         granting itself more; full administrators should be few, reviewed, and reached through roles assumed \
         with MFA, not standing attachments.",
    )
    .remediation(
        Remediation::new(format!(
            "Detach AdministratorAccess from the {what} and attach least-privilege policies for what it really does."
        ))
        .cli(format!(
            "{detach} --policy-arn arn:aws:iam::aws:policy/AdministratorAccess"
        ))
        .console(format!(
            "IAM > {}s > <name> > Permissions > AdministratorAccess > Remove",
            capitalized(what)
        ))
        .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege"),
    )
    .reference("cis-aws-3.0", "1.16")
    .reference("cis-aws-7.0", "2.14")
    .references(LEAST_PRIVILEGE)
    .equivalent("prowler", id)
    .equivalent(
        "prowler",
        "iam_aws_attached_policy_no_administrative_privileges",
    )
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

fn check_administrator_access(r: &Resource, _: &Context) -> CheckResult {
    check_not_attached(
        r,
        aws_policy::ADMINISTRATOR_ACCESS,
        "it can do anything in the account",
    )
}

/// `iam_user_administrator_access_policy`: no user has AdministratorAccess.
pub fn user_administrator_access_policy() -> Check {
    Check::new(
        administrator_access_meta(
            "iam_user_administrator_access_policy",
            USER_KIND,
            Severity::Critical,
        ),
        check_administrator_access,
    )
}

/// `iam_group_administrator_access_policy`: no group has AdministratorAccess.
pub fn group_administrator_access_policy() -> Check {
    Check::new(
        administrator_access_meta(
            "iam_group_administrator_access_policy",
            GROUP_KIND,
            Severity::High,
        ),
        check_administrator_access,
    )
}

/// `iam_role_administratoraccess_policy`: no role has AdministratorAccess.
pub fn role_administratoraccess_policy() -> Check {
    Check::new(
        administrator_access_meta(
            "iam_role_administratoraccess_policy",
            ROLE_KIND,
            Severity::High,
        ),
        check_administrator_access,
    )
}

/// `iam_policy_cloudshell_admin_not_attached`: AWSCloudShellFullAccess is attached to no one.
pub fn cloudshell_admin_not_attached() -> Check {
    Check::new(
        meta("iam_policy_cloudshell_admin_not_attached", "IAM identity does not have AWSCloudShellFullAccess attached", Severity::Medium, USER_KIND)
            .resource_kind(GROUP_KIND)
            .resource_kind(ROLE_KIND)
            .description("Checks that the AWS managed policy AWSCloudShellFullAccess is not attached to the IAM user, group or role.")
            .rationale(
                "AWSCloudShellFullAccess allows uploading and downloading files to and from a CloudShell environment \
                 with internet access, an easy path to move data out of the account; grant a narrower CloudShell \
                 policy that denies file transfer instead.",
            )
            .remediation(
                Remediation::new("Detach AWSCloudShellFullAccess and grant a custom CloudShell policy that denies cloudshell:GetFileDownloadUrls and cloudshell:GetFileUploadUrls.")
                    .cli("aws iam detach-user-policy --user-name <user> --policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess  # or detach-group-policy / detach-role-policy")
                    .console("IAM > Policies > AWSCloudShellFullAccess > Entities attached > Detach")
                    .url("https://docs.aws.amazon.com/cloudshell/latest/userguide/sec-auth-with-identities.html"),
            )
            .reference("cis-aws-3.0", "1.22")
            .reference("cis-aws-7.0", "2.20")
            .reference("aws-fsbp", "IAM.27")
            .references(LEAST_PRIVILEGE)
            .equivalent("prowler", "iam_policy_cloudshell_admin_not_attached")
            .equivalent("security-hub", "IAM.27"),
        |r, _| {
            check_not_attached(
                r,
                aws_policy::CLOUDSHELL_FULL_ACCESS,
                "it can move files in and out through CloudShell",
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::IamRules;
    use crate::test_support::{group, role, user, user_arn};
    use lgp_sdk::Status;
    use lgp_sdk::testing::{assert_status, run};
    use serde_json::json;

    const GROUP_ARN: &str = "arn:aws:iam::111122223333:group/g";
    const ROLE_ARN: &str = "arn:aws:iam::111122223333:role/r";

    fn attached(name: &str, arn: &str) -> serde_json::Value {
        json!({"attached_policies": [{"name": name, "arn": arn}]})
    }

    #[test]
    fn administrator_access_on_users_groups_and_roles() {
        let admin = attached(
            "AdministratorAccess",
            "arn:aws:iam::aws:policy/AdministratorAccess",
        );
        let f = run::<IamRules>(&[
            user("u", admin.clone()),
            group("g", admin.clone()),
            role("r", admin),
        ]);
        let u = assert_status(
            &f,
            "iam_user_administrator_access_policy",
            &user_arn("u"),
            Status::Fail,
        );
        assert!(u.message.contains("user u"), "{}", u.message);
        assert_eq!(
            u.evidence["attached_policy_arn"],
            "arn:aws:iam::aws:policy/AdministratorAccess"
        );
        assert_status(
            &f,
            "iam_group_administrator_access_policy",
            GROUP_ARN,
            Status::Fail,
        );
        assert_status(
            &f,
            "iam_role_administratoraccess_policy",
            ROLE_ARN,
            Status::Fail,
        );
        // A customer managed policy that happens to have the same name is not AWS's.
        let own = attached(
            "AdministratorAccess",
            "arn:aws:iam::111122223333:policy/AdministratorAccess",
        );
        let f = run::<IamRules>(&[user("u", own)]);
        assert_status(
            &f,
            "iam_user_administrator_access_policy",
            &user_arn("u"),
            Status::Pass,
        );
    }

    #[test]
    fn cloudshell_full_access() {
        let shell = attached(
            "AWSCloudShellFullAccess",
            "arn:aws:iam::aws:policy/AWSCloudShellFullAccess",
        );
        let f = run::<IamRules>(&[group("g", shell.clone()), role("r", json!({}))]);
        let id = "iam_policy_cloudshell_admin_not_attached";
        let g = assert_status(&f, id, GROUP_ARN, Status::Fail);
        assert!(g.message.contains("group g"), "{}", g.message);
        assert_status(&f, id, ROLE_ARN, Status::Pass);
    }

    #[test]
    fn uncollected_attachments_are_errors() {
        let f = run::<IamRules>(&[user(
            "u",
            json!({"attached_policies": null,
            "errors": {"attached_policies": {"code": "AccessDenied", "category": "access_denied"}}}),
        )]);
        for id in [
            "iam_user_administrator_access_policy",
            "iam_policy_cloudshell_admin_not_attached",
        ] {
            assert_status(&f, id, &user_arn("u"), Status::Error);
        }
    }
}
