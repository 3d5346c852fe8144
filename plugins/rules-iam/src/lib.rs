//! LG-Protect's built-in rules for IAM: the account, its password policy and root user
//! (`aws:iam:account`), users (`aws:iam:user`), customer managed policies (`aws:iam:policy`),
//! inline and attached policies of users, groups and roles, role trust policies (`aws:iam:role`)
//! and server certificates (`aws:iam:server-certificate`).
//!
//! A pure rule plugin: it reads the properties the IAM collector emits (schema in
//! [`lgp_sdk::kinds::iam`], documented in `docs/resources/aws-iam.md`) and has no I/O. Checks of
//! time (unused credentials, key rotation, root use, certificate expiry) use the scan's clock in
//! the [`lgp_sdk::Context`], never a wall clock. What policies grant (wildcards, `NotAction`,
//! `Deny`, privilege escalation paths) is decided by the SDK's [`lgp_sdk::policy`] and
//! [`lgp_sdk::privilege`], shared with every plugin. It does not look at the `aws:iam:mfa-device`
//! and `aws:iam:saml-provider` resources, or inside AWS managed policies (the collector does not
//! emit their documents: only their attachments, by name).
//!
//! # Checks
//!
//! 43 checks. References are `framework control`, several controls of one framework separated
//! by commas; `aws-fsbp` uses Security Hub control ids (for password and unused-credential checks
//! both the exact control and the FSBP standard's IAM.7 / IAM.8).
//!
//! | id | severity | references | Prowler | Security Hub |
//! |---|---|---|---|---|
//! | `iam_root_mfa_enabled` | critical | cis-aws-3.0 1.5; cis-aws-7.0 2.5; aws-fsbp IAM.9; nist-800-53-r5 IA-2(1); pci-dss-4.0 8.4.1; soc2 CC6.1; hipaa 164.312(d); iso-27001-2022 A.8.5 | `iam_root_mfa_enabled` | IAM.9 |
//! | `iam_root_hardware_mfa_enabled` | critical | cis-aws-3.0 1.6; cis-aws-7.0 2.6; aws-fsbp IAM.6; nist-800-53-r5 IA-2(1); pci-dss-4.0 8.4.1; soc2 CC6.1; hipaa 164.312(d); iso-27001-2022 A.8.5 | `iam_root_hardware_mfa_enabled` | IAM.6 |
//! | `iam_no_root_access_key` | critical | cis-aws-3.0 1.4; cis-aws-7.0 2.4; aws-fsbp IAM.4; nist-800-53-r5 AC-6(2); pci-dss-4.0 8.2.2; soc2 CC6.1; hipaa 164.312(a)(2)(i); iso-27001-2022 A.8.2 | `iam_no_root_access_key` | IAM.4 |
//! | `iam_password_policy_minimum_length_14` | medium | cis-aws-3.0 1.8; cis-aws-7.0 2.8; aws-fsbp IAM.15, IAM.7; pci-dss-4.0 8.3.6; nist-800-53-r5 IA-5(1); soc2 CC6.1; hipaa 164.308(a)(5)(ii)(D); iso-27001-2022 A.5.17 | `iam_password_policy_minimum_length_14` | IAM.15 |
//! | `iam_password_policy_reuse_24` | medium | cis-aws-3.0 1.9; cis-aws-7.0 2.9; aws-fsbp IAM.16, IAM.7; pci-dss-4.0 8.3.7; nist-800-53-r5 IA-5(1); soc2 CC6.1; hipaa 164.308(a)(5)(ii)(D); iso-27001-2022 A.5.17 | `iam_password_policy_reuse_24` | IAM.16 |
//! | `iam_password_policy_uppercase` | medium | aws-fsbp IAM.11, IAM.7; pci-dss-4.0 8.3.6; nist-800-53-r5 IA-5(1); soc2 CC6.1; hipaa 164.308(a)(5)(ii)(D); iso-27001-2022 A.5.17 | `iam_password_policy_uppercase` | IAM.11 |
//! | `iam_password_policy_lowercase` | medium | aws-fsbp IAM.12, IAM.7; pci-dss-4.0 8.3.6; nist-800-53-r5 IA-5(1); soc2 CC6.1; hipaa 164.308(a)(5)(ii)(D); iso-27001-2022 A.5.17 | `iam_password_policy_lowercase` | IAM.12 |
//! | `iam_password_policy_symbol` | medium | aws-fsbp IAM.13, IAM.7; pci-dss-4.0 8.3.6; nist-800-53-r5 IA-5(1); soc2 CC6.1; hipaa 164.308(a)(5)(ii)(D); iso-27001-2022 A.5.17 | `iam_password_policy_symbol` | IAM.13 |
//! | `iam_password_policy_number` | medium | aws-fsbp IAM.14, IAM.7; pci-dss-4.0 8.3.6; nist-800-53-r5 IA-5(1); soc2 CC6.1; hipaa 164.308(a)(5)(ii)(D); iso-27001-2022 A.5.17 | `iam_password_policy_number` | IAM.14 |
//! | `iam_password_policy_expires_passwords_within_90_days_or_less` | medium | aws-fsbp IAM.17, IAM.7; pci-dss-4.0 8.3.9; nist-800-53-r5 IA-5(1); soc2 CC6.1; hipaa 164.308(a)(5)(ii)(D); iso-27001-2022 A.5.17 | `iam_password_policy_expires_passwords_within_90_days_or_less` | IAM.17 |
//! | `iam_avoid_root_usage` | high | cis-aws-3.0 1.7; cis-aws-7.0 2.7; nist-800-53-r5 AC-6(2); pci-dss-4.0 8.2.2; soc2 CC6.1; hipaa 164.312(a)(2)(i); iso-27001-2022 A.8.2 | `iam_avoid_root_usage` | IAM.20 |
//! | `iam_support_role_created` | low | cis-aws-3.0 1.17; cis-aws-7.0 2.15; aws-fsbp IAM.18; nist-800-53-r5 IR-4; soc2 CC7.4; iso-27001-2022 A.5.24 | `iam_support_role_created` | IAM.18 |
//! | `iam_securityaudit_role_created` | low | nist-800-53-r5 CA-7; soc2 CC4.1; iso-27001-2022 A.5.35 | `iam_securityaudit_role_created` | — |
//! | `iam_user_mfa_enabled_console_access` | high | cis-aws-3.0 1.10; cis-aws-7.0 2.10; aws-fsbp IAM.5; nist-800-53-r5 IA-2(1); pci-dss-4.0 8.4.2; soc2 CC6.1; hipaa 164.312(d); iso-27001-2022 A.8.5 | `iam_user_mfa_enabled_console_access` | IAM.5 |
//! | `iam_user_hardware_mfa_enabled` | high | nist-800-53-r5 IA-2(1); pci-dss-4.0 8.4.2; soc2 CC6.1; hipaa 164.312(d); iso-27001-2022 A.8.5 | `iam_user_hardware_mfa_enabled` | — |
//! | `iam_user_console_access_unused` | medium | cis-aws-3.0 1.12; cis-aws-7.0 2.11; aws-fsbp IAM.22, IAM.8; nist-800-53-r5 AC-2(3); pci-dss-4.0 8.2.6; soc2 CC6.2; hipaa 164.308(a)(4)(ii)(C); iso-27001-2022 A.5.18 | `iam_user_console_access_unused` | IAM.22 |
//! | `iam_user_accesskey_unused` | medium | cis-aws-3.0 1.12; cis-aws-7.0 2.11; aws-fsbp IAM.22, IAM.8; nist-800-53-r5 AC-2(3); pci-dss-4.0 8.2.6; soc2 CC6.2; hipaa 164.308(a)(4)(ii)(C); iso-27001-2022 A.5.18 | `iam_user_accesskey_unused` | IAM.22 |
//! | `iam_user_no_setup_initial_access_key` | medium | cis-aws-3.0 1.11; nist-800-53-r5 IA-5; soc2 CC6.1; hipaa 164.308(a)(5)(ii)(D); iso-27001-2022 A.5.17 | `iam_user_no_setup_initial_access_key` | — |
//! | `iam_user_two_active_access_key` | medium | cis-aws-3.0 1.13; nist-800-53-r5 IA-5; soc2 CC6.1; hipaa 164.308(a)(5)(ii)(D); iso-27001-2022 A.5.17 | `iam_user_two_active_access_key` | — |
//! | `iam_rotate_access_key_90_days` | medium | cis-aws-3.0 1.14; cis-aws-7.0 2.12; aws-fsbp IAM.3; pci-dss-4.0 8.6.3; nist-800-53-r5 IA-5; soc2 CC6.1; hipaa 164.308(a)(5)(ii)(D); iso-27001-2022 A.5.17 | `iam_rotate_access_key_90_days` | IAM.3 |
//! | `iam_policy_attached_only_to_group_or_roles` | low | cis-aws-3.0 1.15; cis-aws-7.0 2.13; aws-fsbp IAM.2; nist-800-53-r5 AC-2, AC-6; pci-dss-4.0 7.2.2; soc2 CC6.3; hipaa 164.308(a)(4)(ii)(B); iso-27001-2022 A.8.2 | `iam_policy_attached_only_to_group_or_roles` | IAM.2 |
//! | `iam_user_administrator_access_policy` | critical | cis-aws-3.0 1.16; cis-aws-7.0 2.14; nist-800-53-r5 AC-6; pci-dss-4.0 7.2.2; soc2 CC6.3; hipaa 164.308(a)(4)(ii)(B); iso-27001-2022 A.8.2 | `iam_user_administrator_access_policy`, `iam_aws_attached_policy_no_administrative_privileges` | — |
//! | `iam_group_administrator_access_policy` | high | cis-aws-3.0 1.16; cis-aws-7.0 2.14; nist-800-53-r5 AC-6; pci-dss-4.0 7.2.2; soc2 CC6.3; hipaa 164.308(a)(4)(ii)(B); iso-27001-2022 A.8.2 | `iam_group_administrator_access_policy`, `iam_aws_attached_policy_no_administrative_privileges` | — |
//! | `iam_role_administratoraccess_policy` | high | cis-aws-3.0 1.16; cis-aws-7.0 2.14; nist-800-53-r5 AC-6; pci-dss-4.0 7.2.2; soc2 CC6.3; hipaa 164.308(a)(4)(ii)(B); iso-27001-2022 A.8.2 | `iam_role_administratoraccess_policy`, `iam_aws_attached_policy_no_administrative_privileges` | — |
//! | `iam_policy_cloudshell_admin_not_attached` | medium | cis-aws-3.0 1.22; cis-aws-7.0 2.20; aws-fsbp IAM.27; nist-800-53-r5 AC-6; pci-dss-4.0 7.2.2; soc2 CC6.3; hipaa 164.308(a)(4)(ii)(B); iso-27001-2022 A.8.2 | `iam_policy_cloudshell_admin_not_attached` | IAM.27 |
//! | `iam_policy_no_administrative_privileges` | high | cis-aws-3.0 1.16; cis-aws-7.0 2.14; aws-fsbp IAM.1; nist-800-53-r5 AC-6; pci-dss-4.0 7.2.2; soc2 CC6.3; hipaa 164.308(a)(4)(ii)(B); iso-27001-2022 A.8.2 | `iam_customer_attached_policy_no_administrative_privileges`, `iam_customer_unattached_policy_no_administrative_privileges` | IAM.1 |
//! | `iam_inline_policy_no_administrative_privileges` | high | cis-aws-3.0 1.16; cis-aws-7.0 2.14; nist-800-53-r5 AC-6; pci-dss-4.0 7.2.2; soc2 CC6.3; hipaa 164.308(a)(4)(ii)(B); iso-27001-2022 A.8.2 | `iam_inline_policy_no_administrative_privileges` | — |
//! | `iam_policy_no_full_access_to_kms` | medium | nist-800-53-r5 SC-12, AC-6; pci-dss-4.0 3.6.1, 7.2.2; iso-27001-2022 A.8.24, A.8.2; soc2 CC6.3; hipaa 164.308(a)(4)(ii)(B) | `iam_policy_no_full_access_to_kms` | — |
//! | `iam_inline_policy_no_full_access_to_kms` | medium | nist-800-53-r5 SC-12, AC-6; pci-dss-4.0 3.6.1, 7.2.2; iso-27001-2022 A.8.24, A.8.2; soc2 CC6.3; hipaa 164.308(a)(4)(ii)(B) | `iam_inline_policy_no_full_access_to_kms` | — |
//! | `iam_policy_no_full_access_to_cloudtrail` | medium | nist-800-53-r5 AU-9, AC-6; pci-dss-4.0 10.3.2, 7.2.2; hipaa 164.312(b), 164.308(a)(4)(ii)(B); iso-27001-2022 A.8.15, A.8.2; soc2 CC6.3 | `iam_policy_no_full_access_to_cloudtrail` | — |
//! | `iam_inline_policy_no_full_access_to_cloudtrail` | high | nist-800-53-r5 AU-9, AC-6; pci-dss-4.0 10.3.2, 7.2.2; hipaa 164.312(b), 164.308(a)(4)(ii)(B); iso-27001-2022 A.8.15, A.8.2; soc2 CC6.3 | `iam_inline_policy_no_full_access_to_cloudtrail` | — |
//! | `iam_policy_allows_privilege_escalation` | high | nist-800-53-r5 AC-6(10), AC-6; pci-dss-4.0 7.2.2; soc2 CC6.3; hipaa 164.308(a)(4)(ii)(B); iso-27001-2022 A.8.2 | `iam_policy_allows_privilege_escalation` | — |
//! | `iam_inline_policy_allows_privilege_escalation` | high | nist-800-53-r5 AC-6(10), AC-6; pci-dss-4.0 7.2.2; soc2 CC6.3; hipaa 164.308(a)(4)(ii)(B); iso-27001-2022 A.8.2 | `iam_inline_policy_allows_privilege_escalation` | — |
//! | `iam_policy_no_wildcard_service_actions` | low | aws-fsbp IAM.21; nist-800-53-r5 AC-6; pci-dss-4.0 7.2.2; soc2 CC6.3; hipaa 164.308(a)(4)(ii)(B); iso-27001-2022 A.8.2 | — | IAM.21 |
//! | `iam_no_custom_policy_permissive_role_assumption` | high | nist-800-53-r5 AC-6; pci-dss-4.0 7.2.2; soc2 CC6.3; hipaa 164.308(a)(4)(ii)(B); iso-27001-2022 A.8.2 | `iam_no_custom_policy_permissive_role_assumption` | — |
//! | `iam_policy_no_wildcard_marketplace_subscribe` | medium | nist-800-53-r5 AC-6; pci-dss-4.0 7.2.2; soc2 CC6.3; hipaa 164.308(a)(4)(ii)(B); iso-27001-2022 A.8.2 | `iam_policy_no_wildcard_marketplace_subscribe` | — |
//! | `iam_inline_policy_no_wildcard_marketplace_subscribe` | medium | nist-800-53-r5 AC-6; pci-dss-4.0 7.2.2; soc2 CC6.3; hipaa 164.308(a)(4)(ii)(B); iso-27001-2022 A.8.2 | `iam_inline_policy_no_wildcard_marketplace_subscribe` | — |
//! | `iam_role_trust_policy_no_public_principal` | critical | nist-800-53-r5 AC-6, AC-3; soc2 CC6.1; hipaa 164.312(a)(1); iso-27001-2022 A.5.15 | — | — |
//! | `iam_role_cross_account_trust_external_id` | high | iso-27001-2022 A.5.19, A.5.15; nist-800-53-r5 AC-3; soc2 CC6.1; hipaa 164.312(a)(1) | — | — |
//! | `iam_role_cross_service_confused_deputy_prevention` | high | nist-800-53-r5 AC-3; soc2 CC6.1; hipaa 164.312(a)(1); iso-27001-2022 A.5.15 | `iam_role_cross_service_confused_deputy_prevention` | — |
//! | `iam_role_cross_account_readonlyaccess_policy` | high | iso-27001-2022 A.5.19, A.5.15, A.8.2; nist-800-53-r5 AC-3, AC-6; soc2 CC6.1, CC6.3; hipaa 164.312(a)(1), 164.308(a)(4)(ii)(B); pci-dss-4.0 7.2.2 | `iam_role_cross_account_readonlyaccess_policy` | — |
//! | `iam_role_unused` | low | nist-800-53-r5 AC-2(3); soc2 CC6.2; hipaa 164.308(a)(4)(ii)(C); iso-27001-2022 A.5.18 | — | — |
//! | `iam_no_expired_server_certificates_stored` | medium | cis-aws-3.0 1.19; cis-aws-7.0 2.17; aws-fsbp IAM.26; nist-800-53-r5 SC-17; pci-dss-4.0 4.2.1; soc2 CC6.7; hipaa 164.312(e)(1); iso-27001-2022 A.8.24 | `iam_no_expired_server_certificates_stored` | IAM.26 |
//!
//! Decisions worth knowing:
//! - Users without a console password pass the console checks (MFA, unused password) with a
//!   message saying they do not apply; an uncollected `password_enabled` is an error.
//! - A password or key that was never used is judged by when it was set or created, so a new
//!   user is not flagged before 45 days have passed.
//! - "Full administrative access" is an `Allow` of `*` (or any `NotAction`) on `*` (or any
//!   `NotResource`), conditions ignored, as CIS 1.16 and IAM.1 define it; `Deny` statements never
//!   make a policy admin.
//! - A trust policy open to every principal passes only with a positive condition on a caller
//!   key (`aws:PrincipalOrgID`, `aws:PrincipalArn`, `aws:SourceAccount`…); `sts:ExternalId` is
//!   what the cross-account check requires, but it does not make an open trust safe.
//! - "Full access to KMS / CloudTrail" is an `Allow` of every action of the service (`kms:*`,
//!   `*`, a pattern such as `k*`, or a `NotAction` that spares the service) on every resource;
//!   any `Deny` of some of the service's actions means the access is not full.
//! - Privilege escalation counts an action when an `Allow` covers it and no unconditional `Deny`
//!   on `*` takes it back; resources and conditions of the `Allow` are not weighed (which role can
//!   be passed depends on what exists), except that managing one's own keys and password
//!   (`user/${aws:username}`) is self-service.
//! - The root user's last use comes from the credential report's root row; a report without one
//!   (emulators) makes `iam_avoid_root_usage` an error, never a pass.
//! - "A support role exists" and "a security audit role exists" are account-wide questions,
//!   answered from the account's `aws_managed_policy_roles` (which roles have which AWS managed
//!   policies), so they do not depend on which roles share a batch with the account.
//! - The cross-service confused deputy check, like Prowler's, covers every service principal;
//!   services whose trust cannot carry `aws:SourceAccount` still fail, by design.
//! - A role IAM has no record of using (it tracks 400 days) is judged by its creation date, so a
//!   new role is not flagged as unused before 90 days have passed.

pub mod checks;

use lgp_sdk::{Check, PluginInfo, RulePlugin};

/// The IAM rule plugin.
pub struct IamRules;

impl RulePlugin for IamRules {
    fn info() -> PluginInfo {
        PluginInfo::rule(
            "rules-iam",
            env!("CARGO_PKG_VERSION"),
            "Checks the root user, password policy, IAM users' credentials, administrative policies, role trust and server certificates.",
        )
    }

    fn checks() -> Vec<Check> {
        use checks::*;
        vec![
            account::root_mfa_enabled(),
            account::root_hardware_mfa_enabled(),
            account::no_root_access_key(),
            password_policy::password_policy_minimum_length_14(),
            password_policy::password_policy_reuse_24(),
            password_policy::password_policy_uppercase(),
            password_policy::password_policy_lowercase(),
            password_policy::password_policy_symbol(),
            password_policy::password_policy_number(),
            password_policy::password_policy_expires_within_90_days(),
            account::avoid_root_usage(),
            account::support_role_created(),
            account::securityaudit_role_created(),
            users::mfa_enabled_console_access(),
            users::hardware_mfa_enabled(),
            users::console_access_unused(),
            users::accesskey_unused(),
            users::no_setup_initial_access_key(),
            users::two_active_access_key(),
            users::rotate_access_key_90_days(),
            users::policy_attached_only_to_group_or_roles(),
            attachments::user_administrator_access_policy(),
            attachments::group_administrator_access_policy(),
            attachments::role_administratoraccess_policy(),
            attachments::cloudshell_admin_not_attached(),
            policies::policy_no_administrative_privileges(),
            policies::inline_policy_no_administrative_privileges(),
            policies::KMS_ACCESS.managed(),
            policies::KMS_ACCESS.inline(),
            policies::CLOUDTRAIL_ACCESS.managed(),
            policies::CLOUDTRAIL_ACCESS.inline(),
            policies::ESCALATION.managed(),
            policies::ESCALATION.inline(),
            policies::policy_no_wildcard_service_actions(),
            policies::no_custom_policy_permissive_role_assumption(),
            policies::MARKETPLACE.managed(),
            policies::MARKETPLACE.inline(),
            roles::trust_policy_no_public_principal(),
            roles::cross_account_trust_external_id(),
            roles::cross_service_confused_deputy_prevention(),
            roles::cross_account_readonlyaccess_policy(),
            roles::role_unused(),
            certificates::no_expired_server_certificates_stored(),
        ]
    }
}

lgp_sdk::export_rule!(IamRules);

#[cfg(test)]
mod test_support {
    use lgp_sdk::Resource;
    use serde_json::{Value, json};

    /// The account of every test resource.
    pub const ACCOUNT: &str = "111122223333";
    /// The ARN of the account resource.
    pub const ACCOUNT_ARN: &str = "arn:aws:iam::111122223333:root";

    fn resource(arn: String, kind: &str, name: &str, props: Value, overrides: Value) -> Resource {
        Resource::new(arn, kind, ACCOUNT, "global", name)
            .with_properties(lgp_sdk::testing::with_overrides(props, overrides))
    }

    /// The account resource, compliant everywhere, with `overrides` replacing top-level properties.
    pub fn account(overrides: Value) -> Resource {
        let props = json!({
            "account_mfa_enabled": true, "account_access_keys_present": false,
            "account_signing_certificates_present": false,
            "summary": {"Users": 1, "AccountMFAEnabled": 1},
            "root_credentials": {"password_last_used": "2024-01-01T00:00:00Z", "mfa_active": true,
                "access_keys": [], "active_signing_certificates": 0},
            "root_hardware_mfa": true,
            "password_policy": {"minimum_password_length": 14, "require_symbols": true,
                "require_numbers": true, "require_uppercase_characters": true,
                "require_lowercase_characters": true, "allow_users_to_change_password": true,
                "expire_passwords": true, "max_password_age": 90,
                "password_reuse_prevention": 24, "hard_expiry": false},
            "credential_report_generated": "2024-12-31T00:00:00Z",
            "aws_managed_policy_roles": {"AWSSupportAccess": ["support"],
                "SecurityAudit": ["audit"], "ReadOnlyAccess": ["audit"]},
            "errors": {}
        });
        resource(
            ACCOUNT_ARN.to_owned(),
            "aws:iam:account",
            "root account",
            props,
            overrides,
        )
    }

    /// The ARN of user `name`.
    pub fn user_arn(name: &str) -> String {
        format!("arn:aws:iam::{ACCOUNT}:user/{name}")
    }

    /// A compliant console user (recent password, MFA, one fresh key, permissions from a group).
    pub fn user(name: &str, overrides: Value) -> Resource {
        let arn = user_arn(name);
        let props = json!({
            "name": name, "id": "AIDAEXAMPLE", "arn": arn, "path": "/",
            "create_date": "2024-01-10T09:00:00Z", "tags": {},
            "password_enabled": true, "password_last_used": "2024-12-20T10:00:00Z",
            "password_last_changed": "2024-10-10T09:05:00Z", "mfa_active": true,
            "mfa_devices": [{"serial_number": format!("arn:aws:iam::{ACCOUNT}:u2f/user/{name}/key"),
                "type": "hardware", "enable_date": "2024-01-10T09:10:00Z"}],
            "access_keys": [{"id": "AKIAEXAMPLE", "status": "Active", "create_date": "2024-11-01T00:00:00Z",
                "last_used_date": "2024-12-30T08:00:00Z", "last_used_service": "s3",
                "last_used_region": "us-east-1"}],
            "attached_policies": [], "inline_policies": [], "groups": ["developers"],
            "permissions_boundary": null, "errors": {}
        });
        resource(arn, "aws:iam:user", name, props, overrides)
    }

    /// A group with a managed policy and no inline policies.
    pub fn group(name: &str, overrides: Value) -> Resource {
        let arn = format!("arn:aws:iam::{ACCOUNT}:group/{name}");
        let props = json!({"name": name, "id": "AGPAEXAMPLE", "arn": arn, "path": "/",
            "create_date": "2023-01-10T09:00:00Z",
            "attached_policies": [{"name": "ReadOnlyAccess", "arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
            "inline_policies": [], "members": ["alice"], "errors": {}});
        resource(arn, "aws:iam:group", name, props, overrides)
    }

    /// A role an EC2 instance assumes, guarded against the confused deputy.
    pub fn role(name: &str, overrides: Value) -> Resource {
        let arn = format!("arn:aws:iam::{ACCOUNT}:role/{name}");
        let props = json!({"name": name, "id": "AROAEXAMPLE", "arn": arn, "path": "/",
            "create_date": "2023-01-10T09:00:00Z",
            "trust_policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}]},
            "attached_policies": [], "inline_policies": [], "instance_profiles": [],
            "last_used": {"date": "2024-12-30T00:00:00Z", "region": "us-east-1"},
            "max_session_duration": 3600, "service_linked": false,
            "permissions_boundary": null, "tags": {}, "errors": {}});
        resource(arn, "aws:iam:role", name, props, overrides)
    }

    /// The ARN of customer managed policy `name`.
    pub fn policy_arn(name: &str) -> String {
        format!("arn:aws:iam::{ACCOUNT}:policy/{name}")
    }

    /// A customer managed policy whose default version is `document`.
    pub fn managed_policy(name: &str, document: Value) -> Resource {
        let arn = policy_arn(name);
        let props = json!({"name": name, "id": "ANPAEXAMPLE", "arn": arn, "path": "/",
            "description": null, "default_version_id": "v1", "document": document,
            "attachment_count": 1, "permissions_boundary_usage_count": 0, "is_attachable": true,
            "version_count": 1, "create_date": "2023-01-10T09:00:00Z",
            "update_date": "2023-01-10T09:00:00Z", "errors": {}});
        resource(arn, "aws:iam:policy", name, props, json!({}))
    }
}

#[cfg(test)]
mod tests {
    use super::IamRules;
    use super::test_support::{account, group, managed_policy, role, user};
    use lgp_sdk::testing::{self, run, run_raw};
    use lgp_sdk::{Finding, RawResource, Resource, RulePlugin, Status};
    use serde_json::json;

    /// The status of the one finding of `check_id` on `arn`.
    pub(crate) fn status(findings: &[Finding], check_id: &str, arn: &str) -> Status {
        testing::finding(findings, check_id, arn).status
    }

    fn compliant() -> Vec<Resource> {
        vec![
            account(json!({})),
            user("alice", json!({})),
            group("developers", json!({})),
            role("app", json!({})),
            managed_policy(
                "read",
                json!({"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}]}),
            ),
            Resource::new(
                "arn:aws:iam::111122223333:server-certificate/www",
                "aws:iam:server-certificate",
                "111122223333",
                "global",
                "www",
            )
            .with_properties(json!({"name": "www", "id": "ASCAEXAMPLE",
                    "arn": "arn:aws:iam::111122223333:server-certificate/www", "path": "/",
                    "upload_date": "2024-01-10T09:00:00Z", "expiration": "2026-01-10T09:00:00Z"})),
        ]
    }

    #[test]
    fn metadata_is_complete() {
        testing::assert_plugin_valid::<IamRules>();
        assert_eq!(IamRules::checks().len(), 43);
    }

    #[test]
    fn compliant_resources_pass_everything() {
        let findings = run::<IamRules>(&compliant());
        // account 13 + user 8 + on each of user/group/role: inline 5, AdministratorAccess 1,
        // CloudShell 1 + role 5 + customer policy 7 + certificate 1.
        assert_eq!(findings.len(), 13 + 8 + 3 * 7 + 5 + 7 + 1);
        for f in &findings {
            assert_eq!(
                f.status,
                Status::Pass,
                "{} on {}: {}",
                f.check_id,
                f.resource_arn,
                f.message
            );
            assert!(f.evidence.is_object());
        }
    }

    #[test]
    fn unreadable_properties_give_errors_for_every_check() {
        for r in compliant() {
            let good = RawResource::from(&r);
            for bad in ["{not json", "[]", "null"] {
                let raw = RawResource {
                    properties: bad.into(),
                    ..good.clone()
                };
                let findings = run_raw::<IamRules>(&testing::context(), vec![raw]);
                assert!(!findings.is_empty(), "{}", r.kind);
                for f in &findings {
                    assert_eq!(f.status, Status::Error, "{bad}: {}", f.check_id);
                }
            }
        }
    }

    #[test]
    fn whole_resource_not_collected_is_an_error() {
        let u = user(
            "u",
            json!({"errors": {"*": {"code": "AccessDenied", "category": "access_denied"}}}),
        );
        let findings = run::<IamRules>(&[u]);
        assert_eq!(findings.len(), 8 + 7);
        assert!(findings.iter().all(|f| f.status == Status::Error));
    }

    #[test]
    fn other_kinds_are_skipped() {
        let bucket = Resource::new(
            "arn:aws:s3:::b",
            "aws:s3:bucket",
            "111122223333",
            "us-east-1",
            "b",
        );
        let device = Resource::new(
            "arn:aws:iam::111122223333:mfa/a",
            "aws:iam:mfa-device",
            "111122223333",
            "global",
            "a",
        );
        assert!(run::<IamRules>(&[bucket, device]).is_empty());
    }
}
