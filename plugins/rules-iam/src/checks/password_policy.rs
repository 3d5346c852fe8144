//! The account password policy (`aws:iam:account`): length, reuse, character classes and
//! expiry.

use super::{PASSWORDS, meta};
use lgp_sdk::kinds::iam::{ACCOUNT_KIND, PasswordPolicy, account};
use lgp_sdk::{Check, CheckResult, Context, Outcome, Remediation, Resource, Severity};

/// CIS 1.8: the minimum password length.
const MIN_PASSWORD_LENGTH: i64 = 14;
/// CIS 1.9: how many previous passwords must not be reused.
const MIN_REUSE_PREVENTION: i64 = 24;
/// IAM.7 / IAM.17: passwords expire within this many days.
const MAX_PASSWORD_AGE: i64 = 90;

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
            .reference("cis-aws-7.0", "2.8")
            .reference("aws-fsbp", "IAM.15")
            .reference("aws-fsbp", "IAM.7")
            .reference("pci-dss-4.0", "8.3.6")
            .references(PASSWORDS)
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
            .reference("cis-aws-7.0", "2.9")
            .reference("aws-fsbp", "IAM.16")
            .reference("aws-fsbp", "IAM.7")
            .reference("pci-dss-4.0", "8.3.7")
            .references(PASSWORDS)
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

/// The account's failing outcome when it has no password policy at all.
fn no_password_policy(acct: &Resource, consequence: &str) -> Outcome {
    Outcome::fail(format!(
        "Account {} has no password policy, so {consequence}.",
        acct.account
    ))
    .evidence(account::PASSWORD_POLICY, serde_json::Value::Null)
}

/// A character class the password policy can require.
struct CharacterRule {
    /// The property of [`PasswordPolicy`], e.g. `require_symbols`.
    field: &'static str,
    /// What is required, e.g. `a symbol`.
    what: &'static str,
    /// Reads the requirement.
    required: fn(&PasswordPolicy) -> bool,
}

fn check_character_rule(acct: &Resource, rule: &CharacterRule) -> CheckResult {
    let Some(policy) = password_policy(acct)? else {
        return Ok(no_password_policy(
            acct,
            &format!("passwords need not contain {}", rule.what),
        ));
    };
    let required = (rule.required)(&policy);
    Ok(Outcome::pass_if(
        required,
        format!(
            "Account {} requires passwords to contain {}.",
            acct.account, rule.what
        ),
        format!(
            "Account {}'s password policy does not require {}.",
            acct.account, rule.what
        ),
    )
    .evidence(
        format!("{}.{}", account::PASSWORD_POLICY, rule.field),
        required,
    ))
}

/// The metadata of a character-class check: `flag` is the CLI option that turns it on.
fn character_check_meta(
    id: &str,
    title: &str,
    severity: Severity,
    what: &str,
    flag: &str,
    security_hub: &str,
) -> lgp_sdk::CheckMeta {
    meta(id, title, severity, ACCOUNT_KIND)
        .description(format!(
            "Checks that the account password policy requires at least {what}; an account without a password policy fails."
        ))
        .rationale(
            "Requiring several character classes widens the space a guessing or brute-force attack must search; \
             without a policy IAM accepts passwords of any composition.",
        )
        .remediation(
            Remediation::new(format!(
                "Require {what} in the password policy (keep the other settings you need: the call replaces the whole policy)."
            ))
            .cli(format!(
                "aws iam update-account-password-policy {flag} --minimum-password-length 14 --password-reuse-prevention 24"
            ))
            .console("IAM > Account settings > Password policy > Edit")
            .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html"),
        )
        .reference("aws-fsbp", security_hub)
        .reference("aws-fsbp", "IAM.7")
        .reference("pci-dss-4.0", "8.3.6")
        .references(PASSWORDS)
        .equivalent("prowler", id)
        .equivalent("security-hub", security_hub)
}

const UPPERCASE: CharacterRule = CharacterRule {
    field: "require_uppercase_characters",
    what: "an uppercase letter",
    required: |p| p.require_uppercase_characters,
};
const LOWERCASE: CharacterRule = CharacterRule {
    field: "require_lowercase_characters",
    what: "a lowercase letter",
    required: |p| p.require_lowercase_characters,
};
const SYMBOL: CharacterRule = CharacterRule {
    field: "require_symbols",
    what: "a symbol",
    required: |p| p.require_symbols,
};
const NUMBER: CharacterRule = CharacterRule {
    field: "require_numbers",
    what: "a number",
    required: |p| p.require_numbers,
};

/// `iam_password_policy_uppercase`: passwords need an uppercase letter.
pub fn password_policy_uppercase() -> Check {
    Check::new(
        character_check_meta(
            "iam_password_policy_uppercase",
            "Password policy requires an uppercase letter",
            Severity::Medium,
            UPPERCASE.what,
            "--require-uppercase-characters",
            "IAM.11",
        ),
        |acct, _| check_character_rule(acct, &UPPERCASE),
    )
}

/// `iam_password_policy_lowercase`: passwords need a lowercase letter.
pub fn password_policy_lowercase() -> Check {
    Check::new(
        character_check_meta(
            "iam_password_policy_lowercase",
            "Password policy requires a lowercase letter",
            Severity::Medium,
            LOWERCASE.what,
            "--require-lowercase-characters",
            "IAM.12",
        ),
        |acct, _| check_character_rule(acct, &LOWERCASE),
    )
}

/// `iam_password_policy_symbol`: passwords need a symbol.
pub fn password_policy_symbol() -> Check {
    Check::new(
        character_check_meta(
            "iam_password_policy_symbol",
            "Password policy requires a symbol",
            Severity::Medium,
            SYMBOL.what,
            "--require-symbols",
            "IAM.13",
        ),
        |acct, _| check_character_rule(acct, &SYMBOL),
    )
}

/// `iam_password_policy_number`: passwords need a number.
pub fn password_policy_number() -> Check {
    Check::new(
        character_check_meta(
            "iam_password_policy_number",
            "Password policy requires a number",
            Severity::Medium,
            NUMBER.what,
            "--require-numbers",
            "IAM.14",
        ),
        |acct, _| check_character_rule(acct, &NUMBER),
    )
}

/// `iam_password_policy_expires_passwords_within_90_days_or_less`: passwords expire within 90
/// days.
pub fn password_policy_expires_within_90_days() -> Check {
    Check::new(
        meta("iam_password_policy_expires_passwords_within_90_days_or_less", "Password policy expires passwords within 90 days", Severity::Medium, ACCOUNT_KIND)
            .description("Checks that the account password policy makes passwords expire after at most 90 days; an account without a password policy, or whose passwords never expire, fails.")
            .rationale("Expiry bounds how long a leaked password stays useful when it is the only factor; PCI DSS requires a change at least every 90 days in that case.")
            .remediation(
                Remediation::new("Set a maximum password age of 90 days or less (keep the other settings you need: the call replaces the whole policy).")
                    .cli("aws iam update-account-password-policy --max-password-age 90 --minimum-password-length 14 --password-reuse-prevention 24")
                    .console("IAM > Account settings > Password policy > Edit > Turn on password expiration")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html"),
            )
            .reference("aws-fsbp", "IAM.17")
            .reference("aws-fsbp", "IAM.7")
            .reference("pci-dss-4.0", "8.3.9")
            .references(PASSWORDS)
            .equivalent("prowler", "iam_password_policy_expires_passwords_within_90_days_or_less")
            .equivalent("security-hub", "IAM.17"),
        check_password_policy_expires_within_90_days,
    )
}

fn check_password_policy_expires_within_90_days(acct: &Resource, _: &Context) -> CheckResult {
    let Some(policy) = password_policy(acct)? else {
        return Ok(no_password_policy(acct, "passwords never expire"));
    };
    let age = policy.max_password_age.filter(|_| policy.expire_passwords);
    let outcome = match age {
        Some(days) if days <= MAX_PASSWORD_AGE => Outcome::pass(format!(
            "Account {} makes passwords expire after {days} days.",
            acct.account
        )),
        Some(days) => Outcome::fail(format!(
            "Account {} makes passwords expire only after {days} days (at most {MAX_PASSWORD_AGE} expected).",
            acct.account
        )),
        None => Outcome::fail(format!(
            "Account {}'s passwords never expire.",
            acct.account
        )),
    };
    Ok(outcome
        .evidence("password_policy.expire_passwords", policy.expire_passwords)
        .evidence("password_policy.max_password_age", policy.max_password_age))
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

    fn policy_with(overrides: serde_json::Value) -> serde_json::Value {
        let mut policy = json!({"minimum_password_length": 14, "require_symbols": true,
            "require_numbers": true, "require_uppercase_characters": true,
            "require_lowercase_characters": true, "allow_users_to_change_password": true,
            "expire_passwords": true, "max_password_age": 90,
            "password_reuse_prevention": 24, "hard_expiry": false});
        for (k, v) in overrides.as_object().expect("object") {
            policy[k] = v.clone();
        }
        json!({"password_policy": policy})
    }

    const CHARACTER_RULES: [(&str, &str); 4] = [
        (
            "require_uppercase_characters",
            "iam_password_policy_uppercase",
        ),
        (
            "require_lowercase_characters",
            "iam_password_policy_lowercase",
        ),
        ("require_symbols", "iam_password_policy_symbol"),
        ("require_numbers", "iam_password_policy_number"),
    ];
    const EXPIRY: &str = "iam_password_policy_expires_passwords_within_90_days_or_less";

    #[test]
    fn each_character_rule_fails_alone() {
        for (field, id) in CHARACTER_RULES {
            let f = run::<IamRules>(&[account(policy_with(json!({field: false})))]);
            let r = assert_status(&f, id, ACCOUNT_ARN, Status::Fail);
            assert!(r.message.contains("does not require"), "{}", r.message);
            assert_eq!(r.evidence[format!("password_policy.{field}")], json!(false));
            for (_, other) in CHARACTER_RULES.iter().filter(|(_, o)| *o != id) {
                assert_status(&f, other, ACCOUNT_ARN, Status::Pass);
            }
        }
    }

    #[test]
    fn password_expiry() {
        let cases = [
            (json!(true), json!(90), Status::Pass),
            (json!(true), json!(30), Status::Pass),
            (json!(true), json!(91), Status::Fail),
            (json!(false), json!(null), Status::Fail),
            (json!(true), json!(null), Status::Fail),
        ];
        for (expire, age, status) in cases {
            let f = run::<IamRules>(&[account(policy_with(
                json!({"expire_passwords": expire, "max_password_age": age}),
            ))]);
            assert_status(&f, EXPIRY, ACCOUNT_ARN, status);
        }
    }

    #[test]
    fn new_password_rules_without_or_with_uncollected_policy() {
        let f = run::<IamRules>(&[account(json!({"password_policy": null}))]);
        for id in CHARACTER_RULES.iter().map(|(_, id)| *id).chain([EXPIRY]) {
            let r = assert_status(&f, id, ACCOUNT_ARN, Status::Fail);
            assert!(r.message.contains("no password policy"), "{}", r.message);
        }
        let f = run::<IamRules>(&[account(json!({"password_policy": null,
            "errors": {"password_policy": {"code": "AccessDenied", "category": "access_denied"}}}))]);
        for id in CHARACTER_RULES.iter().map(|(_, id)| *id).chain([EXPIRY]) {
            assert_status(&f, id, ACCOUNT_ARN, Status::Error);
        }
    }
}
