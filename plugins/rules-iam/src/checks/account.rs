//! The root user and the account password policy (`aws:iam:account`).

use super::meta;
use lgp_sdk::kinds::iam::{ACCOUNT_KIND, PasswordPolicy, account};
use lgp_sdk::{Check, CheckResult, Context, Outcome, Remediation, Resource, Severity};

/// CIS 1.8: the minimum password length.
const MIN_PASSWORD_LENGTH: i64 = 14;
/// CIS 1.9: how many previous passwords must not be reused.
const MIN_REUSE_PREVENTION: i64 = 24;

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
            .reference("aws-fsbp", "IAM.9")
            .reference("nist-800-53-r5", "IA-2(1)")
            .reference("pci-dss-4.0", "8.4.2")
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
            .reference("aws-fsbp", "IAM.6")
            .reference("nist-800-53-r5", "IA-2(1)")
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
            .reference("aws-fsbp", "IAM.4")
            .reference("nist-800-53-r5", "AC-6(10)")
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

/// The password policy, `None` when the account has none (a not-collected one is an error).
fn password_policy(acct: &Resource) -> Result<Option<PasswordPolicy>, lgp_sdk::PropertyError> {
    acct.get(account::PASSWORD_POLICY)
}

/// `iam_password_policy_minimum_length_14`: passwords are at least 14 characters.
pub fn password_policy_minimum_length_14() -> Check {
    Check::new(
        meta("iam_password_policy_minimum_length_14", "Password policy requires at least 14 characters", Severity::Medium, ACCOUNT_KIND)
            .description("Checks that the account password policy sets a minimum password length of 14 or more; an account without a password policy fails.")
            .rationale("Longer passwords resist guessing and brute force; without a policy IAM accepts 8-character passwords.")
            .remediation(
                Remediation::new("Set a password policy with a minimum length of 14 (keep the other settings you need: the call replaces the whole policy).")
                    .cli("aws iam update-account-password-policy --minimum-password-length 14 --password-reuse-prevention 24")
                    .console("IAM > Account settings > Password policy > Edit")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html"),
            )
            .reference("cis-aws-3.0", "1.8")
            .reference("aws-fsbp", "IAM.15")
            .equivalent("prowler", "iam_password_policy_minimum_length_14")
            .equivalent("security-hub", "IAM.15"),
        check_password_policy_minimum_length_14,
    )
}

fn check_password_policy_minimum_length_14(acct: &Resource, _: &Context) -> CheckResult {
    let Some(policy) = password_policy(acct)? else {
        return Ok(Outcome::fail(format!(
            "Account {} has no password policy, so passwords need only 8 characters.",
            acct.account
        ))
        .evidence(account::PASSWORD_POLICY, serde_json::Value::Null));
    };
    let length = policy.minimum_password_length;
    Ok(Outcome::pass_if(
        length.is_some_and(|l| l >= MIN_PASSWORD_LENGTH),
        format!("Account {} requires passwords of at least {} characters.", acct.account, length.unwrap_or(0)),
        format!(
            "Account {} requires passwords of only {} characters (at least {MIN_PASSWORD_LENGTH} expected).",
            acct.account,
            length.map_or_else(|| "an unset number of".to_owned(), |l| l.to_string())
        ),
    )
    .evidence("password_policy.minimum_password_length", length))
}

/// `iam_password_policy_reuse_24`: the last 24 passwords cannot be reused.
pub fn password_policy_reuse_24() -> Check {
    Check::new(
        meta("iam_password_policy_reuse_24", "Password policy prevents reuse of the last 24 passwords", Severity::Medium, ACCOUNT_KIND)
            .description("Checks that the account password policy prevents reusing at least the last 24 passwords; an account without a password policy fails.")
            .rationale("Preventing reuse stops users from cycling back to a password that may already have leaked.")
            .remediation(
                Remediation::new("Set password reuse prevention to 24 (keep the other settings you need: the call replaces the whole policy).")
                    .cli("aws iam update-account-password-policy --minimum-password-length 14 --password-reuse-prevention 24")
                    .console("IAM > Account settings > Password policy > Edit > Prevent password reuse")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html"),
            )
            .reference("cis-aws-3.0", "1.9")
            .reference("aws-fsbp", "IAM.16")
            .equivalent("prowler", "iam_password_policy_reuse_24")
            .equivalent("security-hub", "IAM.16"),
        check_password_policy_reuse_24,
    )
}

fn check_password_policy_reuse_24(acct: &Resource, _: &Context) -> CheckResult {
    let Some(policy) = password_policy(acct)? else {
        return Ok(Outcome::fail(format!(
            "Account {} has no password policy, so passwords can be reused.",
            acct.account
        ))
        .evidence(account::PASSWORD_POLICY, serde_json::Value::Null));
    };
    let reuse = policy.password_reuse_prevention;
    Ok(Outcome::pass_if(
        reuse.is_some_and(|r| r >= MIN_REUSE_PREVENTION),
        format!("Account {} prevents reuse of the last {} passwords.", acct.account, reuse.unwrap_or(0)),
        format!(
            "Account {} prevents reuse of {} previous passwords (at least {MIN_REUSE_PREVENTION} expected).",
            acct.account,
            reuse.map_or_else(|| "no".to_owned(), |r| r.to_string())
        ),
    )
    .evidence("password_policy.password_reuse_prevention", reuse))
}

#[cfg(test)]
mod tests {
    use crate::IamRules;
    use crate::test_support::{ACCOUNT_ARN, account};
    use lgp_sdk::Status;
    use lgp_sdk::testing::{assert_status, run};
    use serde_json::json;

    fn statuses(overrides: serde_json::Value) -> Vec<(String, Status)> {
        run::<IamRules>(&[account(overrides)])
            .into_iter()
            .map(|f| (f.check_id, f.status))
            .collect()
    }

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

    #[test]
    fn password_policy_thresholds() {
        let policy = |len: serde_json::Value, reuse: serde_json::Value| {
            json!({"password_policy": {"minimum_password_length": len, "require_symbols": true,
                "require_numbers": true, "require_uppercase_characters": true,
                "require_lowercase_characters": true, "allow_users_to_change_password": true,
                "expire_passwords": false, "max_password_age": null,
                "password_reuse_prevention": reuse, "hard_expiry": null}})
        };
        let cases = [
            (json!(14), json!(24), Status::Pass, Status::Pass),
            (json!(20), json!(5), Status::Pass, Status::Fail),
            (json!(13), json!(null), Status::Fail, Status::Fail),
            (json!(null), json!(24), Status::Fail, Status::Pass),
        ];
        for (len, reuse, l, r) in cases {
            let got = statuses(policy(len.clone(), reuse.clone()));
            assert!(
                got.contains(&("iam_password_policy_minimum_length_14".into(), l)),
                "{len} {got:?}"
            );
            assert!(
                got.contains(&("iam_password_policy_reuse_24".into(), r)),
                "{reuse} {got:?}"
            );
        }
    }

    #[test]
    fn missing_password_policy_fails_and_uncollected_is_an_error() {
        let f = run::<IamRules>(&[account(json!({"password_policy": null}))]);
        let len = assert_status(
            &f,
            "iam_password_policy_minimum_length_14",
            ACCOUNT_ARN,
            Status::Fail,
        );
        assert!(
            len.message.contains("no password policy"),
            "{}",
            len.message
        );
        assert_status(
            &f,
            "iam_password_policy_reuse_24",
            ACCOUNT_ARN,
            Status::Fail,
        );

        let f = run::<IamRules>(&[account(json!({"password_policy": null,
            "errors": {"password_policy": {"code": "AccessDenied", "category": "access_denied"}}}))]);
        assert_status(
            &f,
            "iam_password_policy_minimum_length_14",
            ACCOUNT_ARN,
            Status::Error,
        );
        assert_status(
            &f,
            "iam_password_policy_reuse_24",
            ACCOUNT_ARN,
            Status::Error,
        );
        assert_status(&f, "iam_root_mfa_enabled", ACCOUNT_ARN, Status::Pass);
    }
}
