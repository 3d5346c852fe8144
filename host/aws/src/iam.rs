//! IAM operations of the catalogue (global).
//!
//! IAM answers policy documents URL-encoded; they are returned decoded, as the JSON text of
//! the policy. The credential report's CSV is returned as text, not base64. Virtual MFA seeds
//! and QR codes are never returned.

use crate::answer::{send, send_all_pages};
use crate::errors::not_implemented;
use crate::input::Input;
use crate::json::{json_enum, json_object, utf8_text};
use aws_sdk_iam::Client;
use aws_sdk_iam::operation as op;
use aws_sdk_iam::types as t;
use lgp_aws_api::AwsCallError;
use percent_encoding::percent_decode_str;
use serde_json::Value;

/// How often, and how long apart, GenerateCredentialReport is asked again while AWS builds the
/// report (it takes seconds on a large account): up to a minute.
const REPORT_POLLS: u32 = 30;
const REPORT_POLL_INTERVAL: std::time::Duration = std::time::Duration::from_secs(2);

/// GenerateCredentialReport, answered once the report is `COMPLETE` (or after a minute, with
/// whatever state AWS last gave): collectors have no clock to wait with, so the host waits and a
/// collector can read the report right after.
async fn generate_credential_report(c: &Client) -> Result<Value, AwsCallError> {
    for _ in 1..REPORT_POLLS {
        let out = send!(c.generate_credential_report())?;
        if out.get("State").and_then(Value::as_str) == Some("COMPLETE") {
            return Ok(out);
        }
        tokio::time::sleep(REPORT_POLL_INTERVAL).await;
    }
    send!(c.generate_credential_report())
}

/// Answers one IAM operation.
pub(crate) async fn call(
    client: &Client,
    operation: &str,
    input: &Input<'_>,
) -> Result<Value, AwsCallError> {
    let c = client;
    let user = || input.required_string("UserName");
    let group = || input.required_string("GroupName");
    let role = || input.required_string("RoleName");
    let policy = || input.required_string("PolicyName");
    match operation {
        "GenerateCredentialReport" => generate_credential_report(c).await,
        "GetCredentialReport" => send!(c.get_credential_report()),
        "GetAccountAuthorizationDetails" => send_all_pages!(
            c.get_account_authorization_details()
                .set_filter(input.list_of::<t::EntityType>("Filter", t::EntityType::values())?)
        ),
        "GetAccountSummary" => send!(c.get_account_summary()),
        "GetAccountPasswordPolicy" => send!(c.get_account_password_policy()),
        "ListUsers" => send_all_pages!(c.list_users()),
        "ListUserTags" => send_all_pages!(c.list_user_tags().user_name(user()?)),
        "GetLoginProfile" => send!(
            c.get_login_profile()
                .set_user_name(input.string("UserName")?)
        ),
        "ListAccessKeys" => send_all_pages!(
            c.list_access_keys()
                .set_user_name(input.string("UserName")?)
        ),
        "GetAccessKeyLastUsed" => send!(
            c.get_access_key_last_used()
                .access_key_id(input.required_string("AccessKeyId")?)
        ),
        "ListMFADevices" => send_all_pages!(
            c.list_mfa_devices()
                .set_user_name(input.string("UserName")?)
        ),
        "ListVirtualMFADevices" => {
            send_all_pages!(c.list_virtual_mfa_devices().set_assignment_status(
                input.one_of::<t::AssignmentStatusType>(
                    "AssignmentStatus",
                    t::AssignmentStatusType::values()
                )?
            ))
        }
        "ListAttachedUserPolicies" => {
            send_all_pages!(c.list_attached_user_policies().user_name(user()?))
        }
        "ListUserPolicies" => send_all_pages!(c.list_user_policies().user_name(user()?)),
        "GetUserPolicy" => send!(
            c.get_user_policy()
                .user_name(user()?)
                .policy_name(policy()?)
        ),
        "ListGroupsForUser" => send_all_pages!(c.list_groups_for_user().user_name(user()?)),
        "ListGroups" => send_all_pages!(c.list_groups()),
        "GetGroup" => send_all_pages!(c.get_group().group_name(group()?)),
        "ListAttachedGroupPolicies" => {
            send_all_pages!(c.list_attached_group_policies().group_name(group()?))
        }
        "ListGroupPolicies" => send_all_pages!(c.list_group_policies().group_name(group()?)),
        "GetGroupPolicy" => send!(
            c.get_group_policy()
                .group_name(group()?)
                .policy_name(policy()?)
        ),
        "ListRoles" => send_all_pages!(c.list_roles()),
        "ListAttachedRolePolicies" => {
            send_all_pages!(c.list_attached_role_policies().role_name(role()?))
        }
        "ListRolePolicies" => send_all_pages!(c.list_role_policies().role_name(role()?)),
        "GetRolePolicy" => send!(
            c.get_role_policy()
                .role_name(role()?)
                .policy_name(policy()?)
        ),
        "ListInstanceProfiles" => send_all_pages!(c.list_instance_profiles()),
        "ListPolicies" => send_all_pages!(
            c.list_policies()
                .set_scope(
                    input.one_of::<t::PolicyScopeType>("Scope", t::PolicyScopeType::values())?
                )
                .set_only_attached(input.bool("OnlyAttached")?)
        ),
        "GetPolicyVersion" => send!(
            c.get_policy_version()
                .policy_arn(input.required_string("PolicyArn")?)
                .version_id(input.required_string("VersionId")?)
        ),
        "ListServerCertificates" => send_all_pages!(c.list_server_certificates()),
        "ListSAMLProviders" => send!(c.list_saml_providers()),
        _ => Err(not_implemented("iam", operation)),
    }
}

/// A policy document as its JSON text. IAM URL-encodes documents (RFC 3986, as boto3's
/// `unquote` undoes); a document that does not decode to UTF-8 is returned as received.
fn policy_text<'a>(document: impl Into<Option<&'a str>>) -> Option<String> {
    document.into().map(|d| {
        percent_decode_str(d)
            .decode_utf8()
            .map_or_else(|_| d.to_owned(), |text| text.into_owned())
    })
}

json_enum!(
    t::PermissionsBoundaryAttachmentType,
    t::ReportFormatType,
    t::ReportStateType,
    t::StatusType,
);

json_object! {
    // Shared structures.
    t::Tag { "Key" => key, "Value" => value }
    t::AttachedPolicy { "PolicyName" => policy_name, "PolicyArn" => policy_arn }
    t::AttachedPermissionsBoundary {
        "PermissionsBoundaryType" => permissions_boundary_type,
        "PermissionsBoundaryArn" => permissions_boundary_arn,
    }
    t::PolicyDetail {
        "PolicyName" => policy_name,
        "PolicyDocument" => policy_document as policy_text,
    }
    t::PolicyVersion {
        "Document" => document as policy_text,
        "VersionId" => version_id,
        "IsDefaultVersion" => is_default_version,
        "CreateDate" => create_date,
    }
    t::User {
        "Path" => path,
        "UserName" => user_name,
        "UserId" => user_id,
        "Arn" => arn,
        "CreateDate" => create_date,
        "PasswordLastUsed" => password_last_used,
        "PermissionsBoundary" => permissions_boundary,
        "Tags" => tags,
    }
    t::Group {
        "Path" => path,
        "GroupName" => group_name,
        "GroupId" => group_id,
        "Arn" => arn,
        "CreateDate" => create_date,
    }
    t::Role {
        "Path" => path,
        "RoleName" => role_name,
        "RoleId" => role_id,
        "Arn" => arn,
        "CreateDate" => create_date,
        "AssumeRolePolicyDocument" => assume_role_policy_document as policy_text,
        "Description" => description,
        "MaxSessionDuration" => max_session_duration,
        "PermissionsBoundary" => permissions_boundary,
        "Tags" => tags,
        "RoleLastUsed" => role_last_used,
    }
    t::RoleLastUsed { "LastUsedDate" => last_used_date, "Region" => region }
    t::InstanceProfile {
        "Path" => path,
        "InstanceProfileName" => instance_profile_name,
        "InstanceProfileId" => instance_profile_id,
        "Arn" => arn,
        "CreateDate" => create_date,
        "Roles" => roles,
        "Tags" => tags,
    }

    // Credential report
    op::generate_credential_report::GenerateCredentialReportOutput {
        "State" => state,
        "Description" => description,
    }
    op::get_credential_report::GetCredentialReportOutput {
        "Content" => content as utf8_text,
        "ReportFormat" => report_format,
        "GeneratedTime" => generated_time,
    }

    // GetAccountAuthorizationDetails
    op::get_account_authorization_details::GetAccountAuthorizationDetailsOutput {
        "UserDetailList" => user_detail_list,
        "GroupDetailList" => group_detail_list,
        "RoleDetailList" => role_detail_list,
        "Policies" => policies,
    }
    t::UserDetail {
        "Path" => path,
        "UserName" => user_name,
        "UserId" => user_id,
        "Arn" => arn,
        "CreateDate" => create_date,
        "UserPolicyList" => user_policy_list,
        "GroupList" => group_list,
        "AttachedManagedPolicies" => attached_managed_policies,
        "PermissionsBoundary" => permissions_boundary,
        "Tags" => tags,
    }
    t::GroupDetail {
        "Path" => path,
        "GroupName" => group_name,
        "GroupId" => group_id,
        "Arn" => arn,
        "CreateDate" => create_date,
        "GroupPolicyList" => group_policy_list,
        "AttachedManagedPolicies" => attached_managed_policies,
    }
    t::RoleDetail {
        "Path" => path,
        "RoleName" => role_name,
        "RoleId" => role_id,
        "Arn" => arn,
        "CreateDate" => create_date,
        "AssumeRolePolicyDocument" => assume_role_policy_document as policy_text,
        "InstanceProfileList" => instance_profile_list,
        "RolePolicyList" => role_policy_list,
        "AttachedManagedPolicies" => attached_managed_policies,
        "PermissionsBoundary" => permissions_boundary,
        "Tags" => tags,
        "RoleLastUsed" => role_last_used,
    }
    t::ManagedPolicyDetail {
        "PolicyName" => policy_name,
        "PolicyId" => policy_id,
        "Arn" => arn,
        "Path" => path,
        "DefaultVersionId" => default_version_id,
        "AttachmentCount" => attachment_count,
        "PermissionsBoundaryUsageCount" => permissions_boundary_usage_count,
        "IsAttachable" => is_attachable,
        "Description" => description,
        "CreateDate" => create_date,
        "UpdateDate" => update_date,
        "PolicyVersionList" => policy_version_list,
    }

    // GetAccountSummary, GetAccountPasswordPolicy
    op::get_account_summary::GetAccountSummaryOutput { "SummaryMap" => summary_map }
    op::get_account_password_policy::GetAccountPasswordPolicyOutput {
        "PasswordPolicy" => password_policy,
    }
    t::PasswordPolicy {
        "MinimumPasswordLength" => minimum_password_length,
        "RequireSymbols" => require_symbols,
        "RequireNumbers" => require_numbers,
        "RequireUppercaseCharacters" => require_uppercase_characters,
        "RequireLowercaseCharacters" => require_lowercase_characters,
        "AllowUsersToChangePassword" => allow_users_to_change_password,
        "ExpirePasswords" => expire_passwords,
        "MaxPasswordAge" => max_password_age,
        "PasswordReusePrevention" => password_reuse_prevention,
        "HardExpiry" => hard_expiry,
    }

    // Users
    op::list_users::ListUsersOutput { "Users" => users }
    op::list_user_tags::ListUserTagsOutput { "Tags" => tags }
    op::get_login_profile::GetLoginProfileOutput { "LoginProfile" => login_profile }
    t::LoginProfile {
        "UserName" => user_name,
        "CreateDate" => create_date,
        "PasswordResetRequired" => password_reset_required,
    }
    op::list_access_keys::ListAccessKeysOutput { "AccessKeyMetadata" => access_key_metadata }
    t::AccessKeyMetadata {
        "UserName" => user_name,
        "AccessKeyId" => access_key_id,
        "Status" => status,
        "CreateDate" => create_date,
    }
    op::get_access_key_last_used::GetAccessKeyLastUsedOutput {
        "UserName" => user_name,
        "AccessKeyLastUsed" => access_key_last_used,
    }
    t::AccessKeyLastUsed {
        "LastUsedDate" => last_used_date,
        "ServiceName" => service_name,
        "Region" => region,
    }
    op::list_mfa_devices::ListMfaDevicesOutput { "MFADevices" => mfa_devices }
    t::MfaDevice {
        "UserName" => user_name,
        "SerialNumber" => serial_number,
        "EnableDate" => enable_date,
    }
    op::list_virtual_mfa_devices::ListVirtualMfaDevicesOutput {
        "VirtualMFADevices" => virtual_mfa_devices,
    }
    t::VirtualMfaDevice {
        "SerialNumber" => serial_number,
        "User" => user,
        "EnableDate" => enable_date,
        "Tags" => tags,
    }
    op::list_attached_user_policies::ListAttachedUserPoliciesOutput {
        "AttachedPolicies" => attached_policies,
    }
    op::list_user_policies::ListUserPoliciesOutput { "PolicyNames" => policy_names }
    op::get_user_policy::GetUserPolicyOutput {
        "UserName" => user_name,
        "PolicyName" => policy_name,
        "PolicyDocument" => policy_document as policy_text,
    }
    op::list_groups_for_user::ListGroupsForUserOutput { "Groups" => groups }

    // Groups
    op::list_groups::ListGroupsOutput { "Groups" => groups }
    op::get_group::GetGroupOutput { "Group" => group, "Users" => users }
    op::list_attached_group_policies::ListAttachedGroupPoliciesOutput {
        "AttachedPolicies" => attached_policies,
    }
    op::list_group_policies::ListGroupPoliciesOutput { "PolicyNames" => policy_names }
    op::get_group_policy::GetGroupPolicyOutput {
        "GroupName" => group_name,
        "PolicyName" => policy_name,
        "PolicyDocument" => policy_document as policy_text,
    }

    // Roles and instance profiles
    op::list_roles::ListRolesOutput { "Roles" => roles }
    op::list_attached_role_policies::ListAttachedRolePoliciesOutput {
        "AttachedPolicies" => attached_policies,
    }
    op::list_role_policies::ListRolePoliciesOutput { "PolicyNames" => policy_names }
    op::get_role_policy::GetRolePolicyOutput {
        "RoleName" => role_name,
        "PolicyName" => policy_name,
        "PolicyDocument" => policy_document as policy_text,
    }
    op::list_instance_profiles::ListInstanceProfilesOutput {
        "InstanceProfiles" => instance_profiles,
    }

    // Managed policies
    op::list_policies::ListPoliciesOutput { "Policies" => policies }
    t::Policy {
        "PolicyName" => policy_name,
        "PolicyId" => policy_id,
        "Arn" => arn,
        "Path" => path,
        "DefaultVersionId" => default_version_id,
        "AttachmentCount" => attachment_count,
        "PermissionsBoundaryUsageCount" => permissions_boundary_usage_count,
        "IsAttachable" => is_attachable,
        "Description" => description,
        "CreateDate" => create_date,
        "UpdateDate" => update_date,
        "Tags" => tags,
    }
    op::get_policy_version::GetPolicyVersionOutput { "PolicyVersion" => policy_version }

    // Certificates and identity providers
    op::list_server_certificates::ListServerCertificatesOutput {
        "ServerCertificateMetadataList" => server_certificate_metadata_list,
    }
    t::ServerCertificateMetadata {
        "Path" => path,
        "ServerCertificateName" => server_certificate_name,
        "ServerCertificateId" => server_certificate_id,
        "Arn" => arn,
        "UploadDate" => upload_date,
        "Expiration" => expiration,
    }
    op::list_saml_providers::ListSamlProvidersOutput {
        "SAMLProviderList" => saml_provider_list,
    }
    t::SamlProviderListEntry {
        "Arn" => arn,
        "ValidUntil" => valid_until,
        "CreateDate" => create_date,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_documents_are_url_decoded() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        assert_eq!(
            policy_text(encoded).as_deref(),
            Some(r#"{"Version":"2012-10-17","Statement":[]}"#)
        );
        let plain = r#"{"Statement": [{"Action": "s3:*"}]}"#;
        assert_eq!(policy_text(Some(plain)).as_deref(), Some(plain));
        assert_eq!(policy_text(None), None);
        assert_eq!(policy_text("%FF%FE").as_deref(), Some("%FF%FE"));
    }
}
