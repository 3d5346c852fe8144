//! The root user and the roles every account needs (`aws:iam:account`); the password policy is
//! [`super::password_policy`].

use super::{ROOT_MFA, ROOT_USE, meta};
use lgp_sdk::kinds::iam::{ACCOUNT_KIND, RootCredentials, account, aws_policy};
use lgp_sdk::{Check, CheckError, CheckResult, Context, Outcome, Remediation, Resource, Severity};
use std::collections::BTreeMap;

/// CIS 1.7: root use within this many whole days counts as recent (a use today or yesterday);
/// the credential report is at most four hours old.
const ROOT_RECENT_USE_DAYS: i64 = 1;

/// `iam_root_mfa_enabled`: the root user has MFA.
pub fn root_mfa_enabled() -> Check {
    Check::new(
        meta("iam_root_mfa_enabled", "Root user has MFA enabled", Severity::Critical, ACCOUNT_KIND)
            .description("Checks that the account's root user has an MFA device (GetAccountSummary AccountMFAEnabled).")
            .rationale(
                "The root user can do anything in the account, including closing it; with MFA a stolen \
                 root password alone is not enough to sign in.",
            )
            .remediation(
                Remediation::new("Sign in as the root user and assign an MFA device (preferably hardware or a FIDO key).")
                    .cli("aws iam create-virtual-mfa-device --virtual-mfa-device-name root-account-mfa-device --outfile qr.png --bootstrap-method QRCodePNG  # then enable it as the root user in the console")
                    .console("IAM > Security credentials (as root) > Multi-factor authentication (MFA) > Assign MFA device")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html"),
            )
            .reference("cis-aws-3.0", "1.5")
            .reference("cis-aws-7.0", "2.5")
            .reference("aws-fsbp", "IAM.9")
            .references(ROOT_MFA)
            .equivalent("prowler", "iam_root_mfa_enabled")
            .equivalent("security-hub", "IAM.9"),
        check_root_mfa_enabled,
    )
}

fn check_root_mfa_enabled(acct: &Resource, _: &Context) -> CheckResult {
    let enabled: bool = acct.get(account::ACCOUNT_MFA_ENABLED)?;
    Ok(Outcome::pass_if(
        enabled,
        format!("The root user of account {} has MFA enabled.", acct.account),
        format!(
            "The root user of account {} has no MFA device.",
            acct.account
        ),
    )
    .evidence(account::ACCOUNT_MFA_ENABLED, enabled))
}

/// `iam_root_hardware_mfa_enabled`: the root user's MFA is a hardware device.
pub fn root_hardware_mfa_enabled() -> Check {
    Check::new(
        meta("iam_root_hardware_mfa_enabled", "Root user has hardware MFA", Severity::Critical, ACCOUNT_KIND)
            .description("Checks that the root user has MFA and that it is not a virtual (authenticator app) device.")
            .rationale(
                "A virtual MFA device lives on a phone or laptop that can be lost, cloned or compromised; a \
                 hardware token or security key for the root user is kept offline.",
            )
            .remediation(
                Remediation::new("As the root user, replace the virtual MFA device with a hardware TOTP token or a FIDO security key.")
                    .cli("aws iam list-virtual-mfa-devices --assignment-status Assigned  # find the root's virtual device, then replace it in the console as root")
                    .console("IAM > Security credentials (as root) > Multi-factor authentication (MFA) > Assign MFA device > Security key / Hardware TOTP token")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-hw-mfa-for-root.html"),
            )
            .reference("cis-aws-3.0", "1.6")
            .reference("cis-aws-7.0", "2.6")
            .reference("aws-fsbp", "IAM.6")
            .references(ROOT_MFA)
            .equivalent("prowler", "iam_root_hardware_mfa_enabled")
            .equivalent("security-hub", "IAM.6"),
        check_root_hardware_mfa_enabled,
    )
}

fn check_root_hardware_mfa_enabled(acct: &Resource, _: &Context) -> CheckResult {
    let hardware: bool = acct.get(account::ROOT_HARDWARE_MFA)?;
    Ok(Outcome::pass_if(
        hardware,
        format!(
            "The root user of account {} has a hardware MFA device.",
            acct.account
        ),
        format!(
            "The root user of account {} has no hardware MFA device (no MFA, or a virtual one).",
            acct.account
        ),
    )
    .evidence(account::ROOT_HARDWARE_MFA, hardware))
}

/// `iam_no_root_access_key`: the root user has no access keys.
pub fn no_root_access_key() -> Check {
    Check::new(
        meta("iam_no_root_access_key", "Root user has no access keys", Severity::Critical, ACCOUNT_KIND)
            .description("Checks that the root user has no access keys (GetAccountSummary AccountAccessKeysPresent).")
            .rationale(
                "Root access keys give unrestricted programmatic access that no IAM policy or SCP can limit; \
                 a leaked key is a full account compromise.",
            )
            .remediation(
                Remediation::new("Sign in as the root user and delete its access keys; use IAM roles for programmatic access.")
                    .cli("aws iam delete-access-key --access-key-id <root-access-key-id>  # run with the root user's credentials")
                    .console("IAM > Security credentials (as root) > Access keys > Delete")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html"),
            )
            .reference("cis-aws-3.0", "1.4")
            .reference("cis-aws-7.0", "2.4")
            .reference("aws-fsbp", "IAM.4")
            .references(ROOT_USE)
            .equivalent("prowler", "iam_no_root_access_key")
            .equivalent("security-hub", "IAM.4"),
        check_no_root_access_key,
    )
}

fn check_no_root_access_key(acct: &Resource, _: &Context) -> CheckResult {
    let present: bool = acct.get(account::ACCOUNT_ACCESS_KEYS_PRESENT)?;
    Ok(Outcome::pass_if(
        !present,
        format!(
            "The root user of account {} has no access keys.",
            acct.account
        ),
        format!("The root user of account {} has access keys.", acct.account),
    )
    .evidence(account::ACCOUNT_ACCESS_KEYS_PRESENT, present))
}

/// `iam_avoid_root_usage`: the root user was not used in the last day.
pub fn avoid_root_usage() -> Check {
    Check::new(
        meta("iam_avoid_root_usage", "Root user has not been used recently", Severity::High, ACCOUNT_KIND)
            .description(
                "Checks, in the credential report's root row, that neither the root user's password nor its access keys \
                 were used within the last day before the scan. Emulators whose report has no root row give an error: \
                 the root user's use cannot be known.",
            )
            .rationale(
                "The root user cannot be limited by IAM policies and is shared by whoever knows its password; using it \
                 for daily work multiplies the chances of its credentials leaking. Only the few tasks that require it \
                 should use it.",
            )
            .remediation(
                Remediation::new("Do daily and administrative work through IAM roles or IAM Identity Center; keep the root user for the tasks that require it, and delete its access keys.")
                    .cli("aws iam generate-credential-report && aws iam get-credential-report --query Content --output text | base64 -d | grep '<root_account>'")
                    .console("IAM > Credential report > Download; then sign out of the root user and use IAM Identity Center")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html"),
            )
            .reference("cis-aws-3.0", "1.7")
            .reference("cis-aws-7.0", "2.7")
            .references(ROOT_USE)
            .equivalent("prowler", "iam_avoid_root_usage")
            .equivalent("security-hub", "IAM.20"),
        check_avoid_root_usage,
    )
}

fn check_avoid_root_usage(acct: &Resource, cx: &Context) -> CheckResult {
    let root: Option<RootCredentials> = acct.get(account::ROOT_CREDENTIALS)?;
    let root = root.ok_or_else(|| {
        CheckError::new(format!(
            "the credential report of account {} has no root user row (AWS always writes one; emulators do not), \
             so the root user's last use is unknown",
            acct.account
        ))
    })?;
    let mut uses: Vec<(&str, &str)> = Vec::new();
    if let Some(password) = &root.password_last_used {
        uses.push(("password", password));
    }
    for key in &root.access_keys {
        if let Some(used) = &key.last_used_date {
            uses.push(("access key", used));
        }
    }
    let mut last: Option<(&str, &str, i64)> = None;
    for (what, when) in uses {
        let age = cx.age_in_days(when)?;
        if last.is_none_or(|(_, _, a)| age < a) {
            last = Some((what, when, age));
        }
    }
    let Some((what, when, age)) = last else {
        return Ok(Outcome::pass(format!(
            "The root user of account {} has no recorded use of its password or access keys.",
            acct.account
        ))
        .evidence("root_last_used", serde_json::Value::Null));
    };
    Ok(Outcome::pass_if(
        age > ROOT_RECENT_USE_DAYS,
        format!(
            "The root user of account {} was last used {age} days ago (its {what}, {when}).",
            acct.account
        ),
        format!(
            "The root user of account {} was used {age} day(s) ago (its {what}, {when}); use IAM roles for daily work.",
            acct.account
        ),
    )
    .evidence("root_last_used", when)
    .evidence("root_last_used_credential", what)
    .evidence("age_days", age))
}

/// The roles that have the AWS managed policy `name` attached, from the account resource.
fn roles_with_aws_policy(acct: &Resource, name: &str) -> Result<Vec<String>, CheckError> {
    let by_policy: Option<BTreeMap<String, Vec<String>>> =
        acct.get(account::AWS_MANAGED_POLICY_ROLES)?;
    let mut by_policy = by_policy.ok_or_else(|| {
        CheckError::new(format!(
            "account {} does not say which roles have AWS managed policies (`{}` is null)",
            acct.account,
            account::AWS_MANAGED_POLICY_ROLES
        ))
    })?;
    Ok(by_policy.remove(name).unwrap_or_default())
}

/// `iam_support_role_created`: some role can manage AWS Support cases.
pub fn support_role_created() -> Check {
    Check::new(
        meta("iam_support_role_created", "A support role exists to manage incidents with AWS Support", Severity::Low, ACCOUNT_KIND)
            .description("Checks that at least one IAM role has the AWS managed policy AWSSupportAccess attached.")
            .rationale(
                "During an incident someone must be able to open and follow AWS Support cases without using the root \
                 user or an administrator; a dedicated role with AWSSupportAccess, assumable by the right people, \
                 gives exactly that.",
            )
            .remediation(
                Remediation::new("Create a role that your incident responders can assume and attach AWSSupportAccess to it.")
                    .cli("aws iam create-role --role-name aws-support --assume-role-policy-document file://trust.json && aws iam attach-role-policy --role-name aws-support --policy-arn arn:aws:iam::aws:policy/AWSSupportAccess")
                    .console("IAM > Roles > Create role > AWS account > Permissions: AWSSupportAccess")
                    .url("https://docs.aws.amazon.com/awssupport/latest/user/accessing-support.html"),
            )
            .reference("cis-aws-3.0", "1.17")
            .reference("cis-aws-7.0", "2.15")
            .reference("aws-fsbp", "IAM.18")
            .reference("nist-800-53-r5", "IR-4")
            .reference("soc2", "CC7.4")
            .reference("iso-27001-2022", "A.5.24")
            .equivalent("prowler", "iam_support_role_created")
            .equivalent("security-hub", "IAM.18"),
        check_support_role_created,
    )
}

fn check_support_role_created(acct: &Resource, _: &Context) -> CheckResult {
    let roles = roles_with_aws_policy(acct, aws_policy::SUPPORT_ACCESS)?;
    Ok(Outcome::pass_if(
        !roles.is_empty(),
        format!(
            "Account {} has roles with AWSSupportAccess: {}.",
            acct.account,
            roles.join(", ")
        ),
        format!(
            "Account {} has no role with the AWSSupportAccess policy to manage AWS Support cases.",
            acct.account
        ),
    )
    .evidence("support_roles", roles))
}

/// `iam_securityaudit_role_created`: some role can audit the account's security configuration.
pub fn securityaudit_role_created() -> Check {
    Check::new(
        meta("iam_securityaudit_role_created", "A security audit role exists", Severity::Low, ACCOUNT_KIND)
            .description("Checks that at least one IAM role has the AWS managed policy SecurityAudit attached.")
            .rationale(
                "Auditors and security tools need read access to security configuration; a dedicated SecurityAudit \
                 role gives it without handing out broader read or write permissions.",
            )
            .remediation(
                Remediation::new("Create a role for your auditors or security tooling and attach SecurityAudit to it.")
                    .cli("aws iam create-role --role-name security-audit --assume-role-policy-document file://trust.json && aws iam attach-role-policy --role-name security-audit --policy-arn arn:aws:iam::aws:policy/SecurityAudit")
                    .console("IAM > Roles > Create role > AWS account > Permissions: SecurityAudit")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html#jf_security-auditor"),
            )
            .reference("nist-800-53-r5", "CA-7")
            .reference("soc2", "CC4.1")
            .reference("iso-27001-2022", "A.5.35")
            .equivalent("prowler", "iam_securityaudit_role_created"),
        check_securityaudit_role_created,
    )
}

fn check_securityaudit_role_created(acct: &Resource, _: &Context) -> CheckResult {
    let roles = roles_with_aws_policy(acct, aws_policy::SECURITY_AUDIT)?;
    Ok(Outcome::pass_if(
        !roles.is_empty(),
        format!(
            "Account {} has roles with SecurityAudit: {}.",
            acct.account,
            roles.join(", ")
        ),
        format!(
            "Account {} has no role with the SecurityAudit policy for auditors and security tools.",
            acct.account
        ),
    )
    .evidence("security_audit_roles", roles))
}

#[cfg(test)]
mod tests {
    use crate::IamRules;
    use crate::test_support::{ACCOUNT_ARN, account};
    use lgp_sdk::Status;
    use lgp_sdk::testing::{assert_status, run};
    use serde_json::json;

    #[test]
    fn root_mfa_hardware_and_keys() {
        let f = run::<IamRules>(&[account(json!({"account_mfa_enabled": false,
            "root_hardware_mfa": false, "account_access_keys_present": true}))]);
        assert_status(&f, "iam_root_mfa_enabled", ACCOUNT_ARN, Status::Fail);
        assert_status(
            &f,
            "iam_root_hardware_mfa_enabled",
            ACCOUNT_ARN,
            Status::Fail,
        );
        let keys = assert_status(&f, "iam_no_root_access_key", ACCOUNT_ARN, Status::Fail);
        assert_eq!(keys.evidence, json!({"account_access_keys_present": true}));
        // Virtual MFA: MFA passes, hardware MFA fails.
        let f = run::<IamRules>(&[account(json!({"root_hardware_mfa": false}))]);
        assert_status(&f, "iam_root_mfa_enabled", ACCOUNT_ARN, Status::Pass);
        assert_status(
            &f,
            "iam_root_hardware_mfa_enabled",
            ACCOUNT_ARN,
            Status::Fail,
        );
    }

    #[test]
    fn uncollected_summary_is_an_error() {
        let f = run::<IamRules>(&[account(json!({"account_mfa_enabled": null,
            "account_access_keys_present": null, "root_hardware_mfa": null,
            "errors": {"account_mfa_enabled": {"code": "AccessDenied", "category": "access_denied"},
                "account_access_keys_present": {"code": "AccessDenied", "category": "access_denied"},
                "root_hardware_mfa": {"code": "AccessDenied", "category": "access_denied"}}}))]);
        for id in [
            "iam_root_mfa_enabled",
            "iam_root_hardware_mfa_enabled",
            "iam_no_root_access_key",
        ] {
            assert_status(&f, id, ACCOUNT_ARN, Status::Error);
        }
        assert_status(
            &f,
            "iam_password_policy_minimum_length_14",
            ACCOUNT_ARN,
            Status::Pass,
        );
    }

    const ROOT_USAGE: &str = "iam_avoid_root_usage";

    fn root(password: serde_json::Value, key_used: serde_json::Value) -> serde_json::Value {
        json!({"root_credentials": {"password_last_used": password, "mfa_active": true,
            "access_keys": [{"active": false, "last_rotated": "2020-01-01T00:00:00Z",
                "last_used_date": key_used, "last_used_region": null, "last_used_service": null}],
            "active_signing_certificates": 0}})
    }

    #[test]
    fn root_usage_from_the_credential_report() {
        // FIXED_NOW is 2025-01-01T00:00:00Z.
        let cases = [
            (json!("2024-12-31T12:00:00Z"), json!(null), Status::Fail),
            (json!(null), json!("2024-12-30T18:00:00Z"), Status::Fail),
            (json!("2024-12-29T00:00:00Z"), json!(null), Status::Pass),
            (
                json!("2024-06-01T00:00:00Z"),
                json!("2024-12-31T23:00:00Z"),
                Status::Fail,
            ),
            (json!(null), json!(null), Status::Pass),
            (json!("last week"), json!(null), Status::Error),
        ];
        for (password, key, status) in cases {
            let f = run::<IamRules>(&[account(root(password.clone(), key.clone()))]);
            let r = assert_status(&f, ROOT_USAGE, ACCOUNT_ARN, status);
            assert!(
                status != Status::Fail
                    || r.message.contains("was used 0 day(s) ago")
                    || r.message.contains("was used 1 day(s) ago"),
                "{password} {key}: {}",
                r.message
            );
        }
    }

    #[test]
    fn no_root_row_is_an_error_not_a_pass() {
        // Emulators such as moto write no <root_account> row: the collector leaves it null.
        let f = run::<IamRules>(&[account(json!({"root_credentials": null}))]);
        let r = assert_status(&f, ROOT_USAGE, ACCOUNT_ARN, Status::Error);
        assert!(r.message.contains("no root user row"), "{}", r.message);
        let f = run::<IamRules>(&[account(json!({"root_credentials": null,
            "errors": {"root_credentials": {"code": "ReportInProgress", "category": "service_unavailable"}}}))]);
        assert_status(&f, ROOT_USAGE, ACCOUNT_ARN, Status::Error);
    }

    #[test]
    fn support_and_security_audit_roles() {
        const SUPPORT: &str = "iam_support_role_created";
        const AUDIT: &str = "iam_securityaudit_role_created";
        let f = run::<IamRules>(&[account(json!({}))]);
        let r = assert_status(&f, SUPPORT, ACCOUNT_ARN, Status::Pass);
        assert_eq!(r.evidence["support_roles"], json!(["support"]));
        assert_status(&f, AUDIT, ACCOUNT_ARN, Status::Pass);

        let f = run::<IamRules>(&[account(
            json!({"aws_managed_policy_roles": {"ReadOnlyAccess": ["x"]}}),
        )]);
        let r = assert_status(&f, SUPPORT, ACCOUNT_ARN, Status::Fail);
        assert!(
            r.message.contains("no role with the AWSSupportAccess"),
            "{}",
            r.message
        );
        assert_status(&f, AUDIT, ACCOUNT_ARN, Status::Fail);

        // Not collected, null without a reason, or absent (an older collector): never a guess.
        for overrides in [
            json!({"aws_managed_policy_roles": null, "errors": {"aws_managed_policy_roles":
                {"code": "AccessDenied", "category": "access_denied"}}}),
            json!({"aws_managed_policy_roles": null}),
        ] {
            let f = run::<IamRules>(&[account(overrides)]);
            assert_status(&f, SUPPORT, ACCOUNT_ARN, Status::Error);
            assert_status(&f, AUDIT, ACCOUNT_ARN, Status::Error);
        }
        let mut old = account(json!({}));
        old.properties
            .as_object_mut()
            .expect("object")
            .remove("aws_managed_policy_roles");
        let f = run::<IamRules>(&[old]);
        assert_status(&f, SUPPORT, ACCOUNT_ARN, Status::Error);
    }
}
