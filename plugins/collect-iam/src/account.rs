//! `aws:iam:account`: one resource per account for its IAM-wide settings and its root user —
//! GetAccountSummary, GetAccountPasswordPolicy, the credential report's `<root_account>` row,
//! whether the root user's MFA device is a virtual one, and which roles have which AWS managed
//! policies (from GetAccountAuthorizationDetails).

use crate::credential_report::CredentialReport;
use crate::json::{attached_policies, list, text};
use crate::mfa_devices::root_has_virtual_device;
use lgp_sdk::CollectionError;
use lgp_sdk::collector::AwsError;
use lgp_sdk::kinds::iam::{Account, PasswordPolicy, account as props};
use serde_json::Value;
use std::collections::BTreeMap;

/// The answers the account's properties come from.
pub struct Sources<'a> {
    /// GetAccountSummary.
    pub summary: &'a Result<Value, AwsError>,
    /// GetAccountPasswordPolicy.
    pub password_policy: &'a Result<Value, AwsError>,
    /// ListVirtualMFADevices.
    pub virtual_mfa_devices: &'a Result<Value, AwsError>,
    /// The credential report.
    pub report: &'a Result<CredentialReport, CollectionError>,
    /// GetAccountAuthorizationDetails.
    pub authorization: &'a Result<Value, AwsError>,
}

/// The account's properties.
pub fn build(sources: &Sources<'_>) -> Account {
    let mut account = Account::default();
    let errors = &mut account.errors;

    match sources.summary {
        Ok(answer) => {
            let map: BTreeMap<String, Value> = answer
                .get("SummaryMap")
                .and_then(Value::as_object)
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default();
            let flag = |key: &str| map.get(key).and_then(Value::as_i64).map(|n| n != 0);
            account.account_mfa_enabled = flag("AccountMFAEnabled");
            account.account_access_keys_present = flag("AccountAccessKeysPresent");
            account.account_signing_certificates_present =
                flag("AccountSigningCertificatesPresent");
            account.summary = Some(map);
        }
        Err(e) => {
            for p in [
                props::ACCOUNT_MFA_ENABLED,
                props::ACCOUNT_ACCESS_KEYS_PRESENT,
                props::ACCOUNT_SIGNING_CERTIFICATES_PRESENT,
                props::SUMMARY,
            ] {
                errors.insert(p.into(), e.to_collection_error());
            }
        }
    }

    // Hardware MFA on root: MFA is on and it is not one of the virtual devices.
    account.root_hardware_mfa = match (account.account_mfa_enabled, sources.virtual_mfa_devices) {
        (Some(false), _) => Some(false),
        (Some(true), Ok(listing)) => Some(!root_has_virtual_device(listing)),
        (Some(true), Err(e)) => {
            errors.insert(props::ROOT_HARDWARE_MFA.into(), e.to_collection_error());
            None
        }
        (None, _) => {
            if let Some(e) = errors.get(props::ACCOUNT_MFA_ENABLED).cloned() {
                errors.insert(props::ROOT_HARDWARE_MFA.into(), e);
            }
            None
        }
    };

    match sources.password_policy {
        Ok(answer) => account.password_policy = answer.get("PasswordPolicy").map(password_policy),
        Err(e) if e.is_not_configured() => {}
        Err(e) => {
            errors.insert(props::PASSWORD_POLICY.into(), e.to_collection_error());
        }
    }

    match sources.report {
        Ok(report) => {
            account.root_credentials = report.root_credentials();
            account.credential_report_generated = report.generated.clone();
        }
        Err(e) => {
            errors.insert(props::ROOT_CREDENTIALS.into(), e.clone());
            errors.insert(props::CREDENTIAL_REPORT_GENERATED.into(), e.clone());
        }
    }

    match sources.authorization {
        Ok(answer) => account.aws_managed_policy_roles = Some(aws_managed_policy_roles(answer)),
        Err(e) => {
            errors.insert(
                props::AWS_MANAGED_POLICY_ROLES.into(),
                e.to_collection_error(),
            );
        }
    }
    account
}

/// AWS managed policy name → the sorted names of the roles it is attached to.
fn aws_managed_policy_roles(answer: &Value) -> BTreeMap<String, Vec<String>> {
    let mut by_policy: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for role in list(answer, "RoleDetailList") {
        let Some(name) = text(role, "RoleName") else {
            continue;
        };
        for policy in attached_policies(role)
            .into_iter()
            .filter(|p| p.is_aws_managed())
        {
            by_policy.entry(policy.name).or_default().push(name.clone());
        }
    }
    for roles in by_policy.values_mut() {
        roles.sort();
        roles.dedup();
    }
    by_policy
}

/// GetAccountPasswordPolicy's `PasswordPolicy` in snake case. A `MaxPasswordAge` of 0 is AWS's
/// "never expires", as is its absence.
fn password_policy(p: &Value) -> PasswordPolicy {
    let flag = |key: &str| p.get(key).and_then(Value::as_bool).unwrap_or(false);
    let number = |key: &str| p.get(key).and_then(Value::as_i64);
    PasswordPolicy {
        minimum_password_length: number("MinimumPasswordLength"),
        require_symbols: flag("RequireSymbols"),
        require_numbers: flag("RequireNumbers"),
        require_uppercase_characters: flag("RequireUppercaseCharacters"),
        require_lowercase_characters: flag("RequireLowercaseCharacters"),
        allow_users_to_change_password: flag("AllowUsersToChangePassword"),
        expire_passwords: flag("ExpirePasswords"),
        max_password_age: number("MaxPasswordAge").filter(|&days| days > 0),
        password_reuse_prevention: number("PasswordReusePrevention"),
        hard_expiry: p.get("HardExpiry").and_then(Value::as_bool),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn error(code: &str) -> AwsError {
        AwsError::Service {
            code: code.into(),
            message: String::new(),
            category: "access_denied".into(),
            // What the host's catalogue says of GetAccountPasswordPolicy's NoSuchEntity.
            not_configured: code == "NoSuchEntity",
        }
    }

    #[test]
    fn an_account_from_every_source() {
        let summary = Ok(json!({"SummaryMap": {"AccountMFAEnabled": 1,
            "AccountAccessKeysPresent": 0, "AccountSigningCertificatesPresent": 0, "Users": 3}}));
        let policy = Ok(json!({"PasswordPolicy": {"MinimumPasswordLength": 14,
            "RequireSymbols": true, "ExpirePasswords": false, "MaxPasswordAge": 0}}));
        let devices = Ok(json!({"VirtualMFADevices": []}));
        let report = Ok(CredentialReport::default());
        let authorization = Ok(json!({"RoleDetailList": [
            {"RoleName": "support", "AttachedManagedPolicies": [
                {"PolicyName": "AWSSupportAccess", "PolicyArn": "arn:aws:iam::aws:policy/AWSSupportAccess"},
                {"PolicyName": "mine", "PolicyArn": "arn:aws:iam::111122223333:policy/mine"}]},
            {"RoleName": "audit", "AttachedManagedPolicies": [
                {"PolicyName": "AWSSupportAccess", "PolicyArn": "arn:aws:iam::aws:policy/AWSSupportAccess"}]},
            {"RoleName": "app"}]}));
        let account = build(&Sources {
            summary: &summary,
            password_policy: &policy,
            virtual_mfa_devices: &devices,
            report: &report,
            authorization: &authorization,
        });
        assert_eq!(
            serde_json::to_value(&account.aws_managed_policy_roles).expect("serializes"),
            json!({"AWSSupportAccess": ["audit", "support"]})
        );
        assert_eq!(account.account_mfa_enabled, Some(true));
        assert_eq!(account.account_access_keys_present, Some(false));
        assert_eq!(account.root_hardware_mfa, Some(true));
        assert_eq!(
            account.summary.as_ref().map(|s| s["Users"].clone()),
            Some(json!(3))
        );
        let p = account.password_policy.expect("a policy");
        assert_eq!(p.minimum_password_length, Some(14));
        assert!(p.require_symbols && !p.require_numbers);
        assert_eq!(p.max_password_age, None);
        assert_eq!(account.root_credentials, None);
        assert!(account.errors.is_empty());
    }

    #[test]
    fn absent_policy_is_null_and_failures_are_errors() {
        let summary = Err(error("AccessDenied"));
        let policy = Err(error("NoSuchEntity"));
        let devices = Err(error("AccessDenied"));
        let report = Err(CollectionError {
            code: "ReportInProgress".into(),
            category: "service_unavailable".into(),
            message: None,
        });
        let authorization = Err(error("AccessDenied"));
        let account = build(&Sources {
            summary: &summary,
            password_policy: &policy,
            virtual_mfa_devices: &devices,
            report: &report,
            authorization: &authorization,
        });
        assert_eq!(account.password_policy, None);
        assert_eq!(account.aws_managed_policy_roles, None);
        assert!(!account.errors.contains_key("password_policy"));
        for p in [
            "account_mfa_enabled",
            "summary",
            "root_hardware_mfa",
            "root_credentials",
            "aws_managed_policy_roles",
        ] {
            assert!(account.errors.contains_key(p), "{p}");
        }
        let enabled_but_unlisted = build(&Sources {
            summary: &Ok(json!({"SummaryMap": {"AccountMFAEnabled": 1}})),
            password_policy: &policy,
            virtual_mfa_devices: &devices,
            report: &report,
            authorization: &authorization,
        });
        assert_eq!(enabled_but_unlisted.root_hardware_mfa, None);
        assert_eq!(
            enabled_but_unlisted.errors["root_hardware_mfa"].code,
            "AccessDenied"
        );
    }
}
