//! IAM (global): the properties of the eight IAM kinds. Every IAM resource has region
//! [`crate::collector::GLOBAL`] and its real IAM ARN; the whole schema is documented in
//! `docs/resources/aws-iam.md`.
//!
//! | kind | struct | ARN |
//! |---|---|---|
//! | `aws:iam:user` | [`User`] | `arn:aws:iam::<account>:user/<path><name>` |
//! | `aws:iam:group` | [`Group`] | `arn:aws:iam::<account>:group/<path><name>` |
//! | `aws:iam:role` | [`Role`] | `arn:aws:iam::<account>:role/<path><name>` |
//! | `aws:iam:policy` | [`Policy`] (customer managed only) | `arn:aws:iam::<account>:policy/<path><name>` |
//! | `aws:iam:mfa-device` | [`MfaDevice`] (virtual devices) | its serial number, `arn:aws:iam::<account>:mfa/<name>` |
//! | `aws:iam:account` | [`Account`] (one per account) | `arn:aws:iam::<account>:root` |
//! | `aws:iam:server-certificate` | [`ServerCertificate`] | `arn:aws:iam::<account>:server-certificate/<path><name>` |
//! | `aws:iam:saml-provider` | [`SamlProvider`] | `arn:aws:iam::<account>:saml-provider/<name>` |
//!
//! Policy documents (inline policies, trust policies, managed policy versions) are parsed JSON
//! objects; a document that is not valid JSON is kept as the string AWS returned (the
//! [`crate::policy::PolicyDocument`] parser accepts both and reports the bad one). Timestamps are
//! RFC 3339 strings. As everywhere, a property the collector could not read is `null` and named
//! under `errors`.
//!
//! Read one property at a time in rules (`resource.get::<Option<bool>>(user::MFA_ACTIVE)`), so
//! that a failed detail call only turns the checks reading it into errors.

use crate::resource::CollectionError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// `aws:iam:user`.
pub const USER_KIND: &str = "aws:iam:user";
/// `aws:iam:group`.
pub const GROUP_KIND: &str = "aws:iam:group";
/// `aws:iam:role`.
pub const ROLE_KIND: &str = "aws:iam:role";
/// `aws:iam:policy` (customer managed policies only).
pub const POLICY_KIND: &str = "aws:iam:policy";
/// `aws:iam:mfa-device` (virtual MFA devices).
pub const MFA_DEVICE_KIND: &str = "aws:iam:mfa-device";
/// `aws:iam:account` (one resource per account).
pub const ACCOUNT_KIND: &str = "aws:iam:account";
/// `aws:iam:server-certificate`.
pub const SERVER_CERTIFICATE_KIND: &str = "aws:iam:server-certificate";
/// `aws:iam:saml-provider`.
pub const SAML_PROVIDER_KIND: &str = "aws:iam:saml-provider";

/// The name of the account resource (`aws:iam:account`).
pub const ACCOUNT_NAME: &str = "root account";
/// The name [`MfaDevice::user`] gives the account's root user.
pub const ROOT_USER: &str = "root";
/// The path prefix of service-linked roles.
pub const SERVICE_LINKED_ROLE_PATH: &str = "/aws-service-role/";

/// The names of AWS managed policies that rules look for in `attached_policies` and in the
/// account's [`Account::aws_managed_policy_roles`].
pub mod aws_policy {
    /// `arn:aws:iam::aws:policy/AdministratorAccess`: every action on every resource.
    pub const ADMINISTRATOR_ACCESS: &str = "AdministratorAccess";
    /// `arn:aws:iam::aws:policy/AWSSupportAccess`: opening and managing AWS Support cases.
    pub const SUPPORT_ACCESS: &str = "AWSSupportAccess";
    /// `arn:aws:iam::aws:policy/SecurityAudit`: read-only access to security configuration.
    pub const SECURITY_AUDIT: &str = "SecurityAudit";
    /// `arn:aws:iam::aws:policy/AWSCloudShellFullAccess`: CloudShell with file upload and
    /// download.
    pub const CLOUDSHELL_FULL_ACCESS: &str = "AWSCloudShellFullAccess";
    /// `arn:aws:iam::aws:policy/ReadOnlyAccess`: read access to nearly every service and its data.
    pub const READ_ONLY_ACCESS: &str = "ReadOnlyAccess";
}

/// The property names of `aws:iam:user`, for [`crate::Resource::get`] and `errors` keys.
pub mod user {
    /// `password_enabled`: bool; from the credential report.
    pub const PASSWORD_ENABLED: &str = "password_enabled";
    /// `password_last_used`: RFC 3339 or null; from the credential report.
    pub const PASSWORD_LAST_USED: &str = "password_last_used";
    /// `password_last_changed`: RFC 3339 or null; from the credential report.
    pub const PASSWORD_LAST_CHANGED: &str = "password_last_changed";
    /// `mfa_active`: bool.
    pub const MFA_ACTIVE: &str = "mfa_active";
    /// `mfa_devices`: list of [`super::UserMfaDevice`].
    pub const MFA_DEVICES: &str = "mfa_devices";
    /// `access_keys`: list of [`super::AccessKey`].
    pub const ACCESS_KEYS: &str = "access_keys";
    /// `attached_policies`: list of [`super::AttachedPolicy`].
    pub const ATTACHED_POLICIES: &str = "attached_policies";
    /// `inline_policies`: list of [`super::InlinePolicy`].
    pub const INLINE_POLICIES: &str = "inline_policies";
    /// `groups`: the names of the user's groups.
    pub const GROUPS: &str = "groups";
}

/// The property names of `aws:iam:role`.
pub mod role {
    /// `trust_policy`: the parsed `AssumeRolePolicyDocument`.
    pub const TRUST_POLICY: &str = "trust_policy";
    /// `attached_policies`: list of [`super::AttachedPolicy`].
    pub const ATTACHED_POLICIES: &str = "attached_policies";
    /// `inline_policies`: list of [`super::InlinePolicy`].
    pub const INLINE_POLICIES: &str = "inline_policies";
    /// `last_used`: [`super::RoleLastUsed`].
    pub const LAST_USED: &str = "last_used";
    /// `max_session_duration`: seconds.
    pub const MAX_SESSION_DURATION: &str = "max_session_duration";
    /// `service_linked`: bool.
    pub const SERVICE_LINKED: &str = "service_linked";
}

/// The property names of `aws:iam:account`.
pub mod account {
    /// `account_mfa_enabled`: bool (GetAccountSummary `AccountMFAEnabled`).
    pub const ACCOUNT_MFA_ENABLED: &str = "account_mfa_enabled";
    /// `account_access_keys_present`: bool (GetAccountSummary `AccountAccessKeysPresent`).
    pub const ACCOUNT_ACCESS_KEYS_PRESENT: &str = "account_access_keys_present";
    /// `account_signing_certificates_present`: bool.
    pub const ACCOUNT_SIGNING_CERTIFICATES_PRESENT: &str = "account_signing_certificates_present";
    /// `summary`: GetAccountSummary's whole `SummaryMap`.
    pub const SUMMARY: &str = "summary";
    /// `root_credentials`: [`super::RootCredentials`] or null.
    pub const ROOT_CREDENTIALS: &str = "root_credentials";
    /// `root_hardware_mfa`: bool.
    pub const ROOT_HARDWARE_MFA: &str = "root_hardware_mfa";
    /// `password_policy`: [`super::PasswordPolicy`] or null.
    pub const PASSWORD_POLICY: &str = "password_policy";
    /// `credential_report_generated`: RFC 3339 or null.
    pub const CREDENTIAL_REPORT_GENERATED: &str = "credential_report_generated";
    /// `aws_managed_policy_roles`: AWS managed policy name → names of the roles it is attached
    /// to.
    pub const AWS_MANAGED_POLICY_ROLES: &str = "aws_managed_policy_roles";
}

/// A managed policy attached to a user, group or role (AWS managed ones included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachedPolicy {
    /// The policy's name.
    pub name: String,
    /// The policy's ARN (`arn:aws:iam::aws:policy/...` for AWS managed policies).
    pub arn: String,
}

impl AttachedPolicy {
    /// Whether AWS manages the policy (its ARN's account is `aws`).
    pub fn is_aws_managed(&self) -> bool {
        is_aws_managed_policy(&self.arn)
    }

    /// Whether this is the AWS managed policy called `name` (e.g.
    /// [`aws_policy::ADMINISTRATOR_ACCESS`]); a customer managed policy of the same name is not.
    pub fn is_aws_managed_named(&self, name: &str) -> bool {
        self.is_aws_managed() && self.name == name
    }
}

/// Whether `arn` names an AWS managed policy (`arn:<partition>:iam::aws:policy/...`).
pub fn is_aws_managed_policy(arn: &str) -> bool {
    let mut parts = arn.splitn(6, ':');
    parts.nth(2) == Some("iam") && parts.nth(1) == Some("aws")
}

/// An inline policy embedded in a user, group or role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InlinePolicy {
    /// The policy's name.
    pub name: String,
    /// The document, parsed (the string as AWS returned it when it is not JSON).
    pub document: Value,
}

/// `aws:iam:user`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The user name.
    pub name: String,
    /// The stable unique id (`AIDA...`).
    pub id: String,
    /// The ARN.
    pub arn: String,
    /// The path, `/` by default.
    pub path: String,
    /// When the user was created.
    pub create_date: Option<String>,
    /// The user's tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Whether the user has a console password (credential report).
    pub password_enabled: Option<bool>,
    /// When the password was last used to sign in; `None` when never, unknown
    /// (`no_information`) or there is no password (credential report).
    pub password_last_used: Option<String>,
    /// When the password was last set; `None` without a password (credential report).
    pub password_last_changed: Option<String>,
    /// Whether an MFA device is enabled for the user.
    pub mfa_active: Option<bool>,
    /// The user's enabled MFA devices.
    pub mfa_devices: Option<Vec<UserMfaDevice>>,
    /// The user's access keys.
    pub access_keys: Option<Vec<AccessKey>>,
    /// Managed policies attached directly to the user.
    #[serde(default)]
    pub attached_policies: Vec<AttachedPolicy>,
    /// Inline policies of the user.
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    /// The names of the groups the user belongs to.
    #[serde(default)]
    pub groups: Vec<String>,
    /// The ARN of the permissions boundary, if one is set.
    #[serde(default)]
    pub permissions_boundary: Option<String>,
    /// Properties that could not be collected, by property name.
    #[serde(default)]
    pub errors: BTreeMap<String, CollectionError>,
}

/// What kind of MFA device a user has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MfaType {
    /// A virtual (authenticator app) device: ListVirtualMFADevices lists it, and its serial is an
    /// `arn:aws:iam::<account>:mfa/<name>` ARN.
    Virtual,
    /// Anything else: a hardware TOTP token (serial like `GAHT12345678`) or a FIDO security key.
    Hardware,
}

/// One MFA device enabled for a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserMfaDevice {
    /// The serial number (an ARN for virtual and FIDO devices).
    pub serial_number: String,
    /// Virtual or hardware.
    #[serde(rename = "type")]
    pub mfa_type: MfaType,
    /// When the device was enabled for the user.
    pub enable_date: Option<String>,
}

/// One access key of a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKey {
    /// The access key id (`AKIA...`).
    pub id: String,
    /// `Active` or `Inactive`.
    pub status: String,
    /// When the key was created.
    pub create_date: Option<String>,
    /// When the key was last used; `None` when never (or not collected: see `errors`).
    pub last_used_date: Option<String>,
    /// The service it was last used with (AWS's `N/A` becomes `None`).
    pub last_used_service: Option<String>,
    /// The region it was last used in (AWS's `N/A` becomes `None`).
    pub last_used_region: Option<String>,
}

impl AccessKey {
    /// Whether the key is active.
    pub fn is_active(&self) -> bool {
        self.status == "Active"
    }
}

/// `aws:iam:group`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// The group name.
    pub name: String,
    /// The stable unique id (`AGPA...`).
    pub id: String,
    /// The ARN.
    pub arn: String,
    /// The path.
    pub path: String,
    /// When the group was created.
    pub create_date: Option<String>,
    /// Managed policies attached to the group.
    #[serde(default)]
    pub attached_policies: Vec<AttachedPolicy>,
    /// Inline policies of the group.
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    /// The names of the group's members.
    #[serde(default)]
    pub members: Vec<String>,
    /// Properties that could not be collected, by property name.
    #[serde(default)]
    pub errors: BTreeMap<String, CollectionError>,
}

/// `aws:iam:role`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Role {
    /// The role name.
    pub name: String,
    /// The stable unique id (`AROA...`).
    pub id: String,
    /// The ARN.
    pub arn: String,
    /// The path; `/aws-service-role/...` for service-linked roles.
    pub path: String,
    /// When the role was created.
    pub create_date: Option<String>,
    /// The trust policy (`AssumeRolePolicyDocument`), parsed.
    pub trust_policy: Value,
    /// Managed policies attached to the role.
    #[serde(default)]
    pub attached_policies: Vec<AttachedPolicy>,
    /// Inline policies of the role.
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    /// The ARNs of the instance profiles holding the role.
    #[serde(default)]
    pub instance_profiles: Vec<String>,
    /// When and where the role was last assumed.
    pub last_used: Option<RoleLastUsed>,
    /// The maximum session duration, in seconds (ListRoles).
    pub max_session_duration: Option<i64>,
    /// Whether the role is service-linked (its path starts with `/aws-service-role/`).
    pub service_linked: bool,
    /// The ARN of the permissions boundary, if one is set.
    #[serde(default)]
    pub permissions_boundary: Option<String>,
    /// The role's tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Properties that could not be collected, by property name.
    #[serde(default)]
    pub errors: BTreeMap<String, CollectionError>,
}

/// When and where a role was last used (IAM tracks the last 400 days).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleLastUsed {
    /// When the role was last assumed; `None` when not within the tracking period.
    pub date: Option<String>,
    /// The region it was assumed in.
    pub region: Option<String>,
}

/// `aws:iam:policy`: a customer managed policy (AWS managed policies are not emitted).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    /// The policy name.
    pub name: String,
    /// The stable unique id (`ANPA...`), when AWS returns it.
    pub id: Option<String>,
    /// The ARN.
    pub arn: String,
    /// The path.
    pub path: String,
    /// The description.
    pub description: Option<String>,
    /// The default version, e.g. `v2`.
    pub default_version_id: Option<String>,
    /// The default version's document, parsed.
    pub document: Value,
    /// How many users, groups and roles the policy is attached to.
    pub attachment_count: Option<i64>,
    /// How many principals use it as their permissions boundary.
    pub permissions_boundary_usage_count: Option<i64>,
    /// Whether it can be attached.
    pub is_attachable: Option<bool>,
    /// How many versions the policy has (at most five).
    pub version_count: usize,
    /// When the policy was created.
    pub create_date: Option<String>,
    /// When the policy was last updated (a new default version).
    pub update_date: Option<String>,
    /// Properties that could not be collected, by property name.
    #[serde(default)]
    pub errors: BTreeMap<String, CollectionError>,
}

/// `aws:iam:mfa-device`: a virtual MFA device, assigned or not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaDevice {
    /// The serial number, the device's ARN.
    pub serial_number: String,
    /// The user it is assigned to: a user name, [`ROOT_USER`] for the root user, `None` when
    /// unassigned.
    pub user: Option<String>,
    /// The ARN of the user it is assigned to.
    pub user_arn: Option<String>,
    /// When it was enabled.
    pub enable_date: Option<String>,
    /// Whether it is assigned to a user.
    pub assigned: bool,
    /// Properties that could not be collected, by property name.
    #[serde(default)]
    pub errors: BTreeMap<String, CollectionError>,
}

/// `aws:iam:account`: the account-wide IAM settings and the root user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// Whether the root user has MFA (GetAccountSummary `AccountMFAEnabled`).
    pub account_mfa_enabled: Option<bool>,
    /// Whether the root user has access keys (`AccountAccessKeysPresent`).
    pub account_access_keys_present: Option<bool>,
    /// Whether the root user has signing certificates (`AccountSigningCertificatesPresent`).
    pub account_signing_certificates_present: Option<bool>,
    /// GetAccountSummary's whole `SummaryMap` (AWS's key names, integer values).
    pub summary: Option<BTreeMap<String, Value>>,
    /// The credential report's `<root_account>` row; `None` without an `errors` entry when the
    /// report has no such row (emulators).
    pub root_credentials: Option<RootCredentials>,
    /// Whether the root user's MFA is a hardware device: MFA is enabled and no virtual device is
    /// assigned to the root user.
    pub root_hardware_mfa: Option<bool>,
    /// The account password policy; `None` when none is set (`NoSuchEntity`).
    pub password_policy: Option<PasswordPolicy>,
    /// When the credential report the user and root properties come from was generated.
    pub credential_report_generated: Option<String>,
    /// The AWS managed policies attached to roles: policy name (e.g. `AWSSupportAccess`) →
    /// the sorted names of the roles it is attached to (GetAccountAuthorizationDetails). Lets
    /// account-wide checks such as "a support role exists" be judged on the account alone.
    pub aws_managed_policy_roles: Option<BTreeMap<String, Vec<String>>>,
    /// Properties that could not be collected, by property name.
    #[serde(default)]
    pub errors: BTreeMap<String, CollectionError>,
}

/// The root user's row of the credential report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootCredentials {
    /// When the root password was last used to sign in; `None` when never or unknown.
    pub password_last_used: Option<String>,
    /// Whether the root user has an MFA device.
    pub mfa_active: Option<bool>,
    /// The root user's access keys (report slots 1 and 2 that hold a key).
    #[serde(default)]
    pub access_keys: Vec<ReportedAccessKey>,
    /// How many active signing certificates the root user has (report slots 1 and 2).
    #[serde(default)]
    pub active_signing_certificates: usize,
}

/// An access key as the credential report describes it (the report does not name key ids).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportedAccessKey {
    /// Whether the key is active.
    pub active: bool,
    /// When the key was created or last rotated.
    pub last_rotated: Option<String>,
    /// When the key was last used; `None` when never.
    pub last_used_date: Option<String>,
    /// The region it was last used in.
    pub last_used_region: Option<String>,
    /// The service it was last used with.
    pub last_used_service: Option<String>,
}

/// The account password policy (GetAccountPasswordPolicy), in snake case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    /// The minimum length.
    pub minimum_password_length: Option<i64>,
    /// Whether a symbol is required.
    pub require_symbols: bool,
    /// Whether a number is required.
    pub require_numbers: bool,
    /// Whether an uppercase letter is required.
    pub require_uppercase_characters: bool,
    /// Whether a lowercase letter is required.
    pub require_lowercase_characters: bool,
    /// Whether users may change their own password.
    pub allow_users_to_change_password: bool,
    /// Whether passwords expire.
    pub expire_passwords: bool,
    /// Days until a password expires; `None` when passwords never expire (AWS's absent or `0`).
    pub max_password_age: Option<i64>,
    /// How many previous passwords cannot be reused; `None` when not set.
    pub password_reuse_prevention: Option<i64>,
    /// Whether an expired password can only be reset by an administrator.
    pub hard_expiry: Option<bool>,
}

/// `aws:iam:server-certificate`. Whether it has expired is for rules to decide against the
/// scan's clock; collectors have none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerCertificate {
    /// The certificate's name.
    pub name: String,
    /// The stable unique id (`ASCA...`).
    pub id: String,
    /// The ARN.
    pub arn: String,
    /// The path.
    pub path: String,
    /// When it was uploaded.
    pub upload_date: Option<String>,
    /// When it expires.
    pub expiration: Option<String>,
}

/// `aws:iam:saml-provider`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SamlProvider {
    /// The provider's name (the ARN's last segment).
    pub name: String,
    /// The ARN.
    pub arn: String,
    /// When the provider's metadata document expires.
    pub valid_until: Option<String>,
    /// When the provider was created.
    pub create_date: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn user_document_round_trips() {
        let doc = json!({
            "name": "alice", "id": "AIDAEXAMPLE", "arn": "arn:aws:iam::111122223333:user/alice",
            "path": "/", "create_date": "2024-01-01T00:00:00Z", "tags": {"team": "sec"},
            "password_enabled": true, "password_last_used": null,
            "password_last_changed": "2024-01-02T00:00:00Z", "mfa_active": true,
            "mfa_devices": [{"serial_number": "arn:aws:iam::111122223333:mfa/alice",
                             "type": "virtual", "enable_date": "2024-01-03T00:00:00Z"}],
            "access_keys": [{"id": "AKIAEXAMPLE", "status": "Active", "create_date": null,
                             "last_used_date": null, "last_used_service": null,
                             "last_used_region": null}],
            "attached_policies": [{"name": "AdministratorAccess",
                                   "arn": "arn:aws:iam::aws:policy/AdministratorAccess"}],
            "inline_policies": [{"name": "p", "document": {"Statement": []}}],
            "groups": ["admins"], "permissions_boundary": null,
            "errors": {"access_keys": {"code": "AccessDenied", "category": "access_denied"}}
        });
        let user: User = serde_json::from_value(doc.clone()).expect("schema");
        assert_eq!(
            user.mfa_devices.as_ref().expect("devices")[0].mfa_type,
            MfaType::Virtual
        );
        assert!(user.attached_policies[0].is_aws_managed());
        assert!(user.attached_policies[0].is_aws_managed_named(aws_policy::ADMINISTRATOR_ACCESS));
        let own = AttachedPolicy {
            name: "AdministratorAccess".into(),
            arn: "arn:aws:iam::111122223333:policy/AdministratorAccess".into(),
        };
        assert!(!own.is_aws_managed_named(aws_policy::ADMINISTRATOR_ACCESS));
        assert!(user.access_keys.as_ref().expect("keys")[0].is_active());
        assert_eq!(serde_json::to_value(&user).expect("serializes"), doc);
    }

    #[test]
    fn aws_managed_policies_are_recognized_in_every_partition() {
        assert!(is_aws_managed_policy(
            "arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess"
        ));
        assert!(is_aws_managed_policy(
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        ));
        assert!(!is_aws_managed_policy(
            "arn:aws:iam::111122223333:policy/aws"
        ));
        assert!(!is_aws_managed_policy("not an arn"));
    }

    #[test]
    fn every_property_is_present_when_empty() {
        let props = serde_json::to_value(Account::default()).expect("serializes");
        for key in [
            account::ACCOUNT_MFA_ENABLED,
            account::ACCOUNT_ACCESS_KEYS_PRESENT,
            account::ACCOUNT_SIGNING_CERTIFICATES_PRESENT,
            account::SUMMARY,
            account::ROOT_CREDENTIALS,
            account::ROOT_HARDWARE_MFA,
            account::PASSWORD_POLICY,
            account::CREDENTIAL_REPORT_GENERATED,
            account::AWS_MANAGED_POLICY_ROLES,
        ] {
            assert!(props.get(key).is_some_and(Value::is_null), "{key}");
        }
    }
}
