//! LG-Protect's built-in IAM collector: reads an account's IAM configuration through the host's
//! `aws` capability and submits it as eight resource kinds, all in region `global` with their
//! real IAM ARNs (schemas in [`lgp_sdk::kinds::iam`], documented in `docs/resources/aws-iam.md`):
//!
//! | kind | from |
//! |---|---|
//! | `aws:iam:user` | GetAccountAuthorizationDetails, the credential report, ListMFADevices, ListAccessKeys, GetAccessKeyLastUsed |
//! | `aws:iam:group` | GetAccountAuthorizationDetails |
//! | `aws:iam:role` | GetAccountAuthorizationDetails, ListRoles |
//! | `aws:iam:policy` | GetAccountAuthorizationDetails (customer managed policies only) |
//! | `aws:iam:mfa-device` | ListVirtualMFADevices |
//! | `aws:iam:account` | GetAccountSummary, GetAccountPasswordPolicy, the credential report, ListVirtualMFADevices, GetAccountAuthorizationDetails |
//! | `aws:iam:server-certificate` | ListServerCertificates |
//! | `aws:iam:saml-provider` | ListSAMLProviders |
//!
//! IAM is global, so only the invocation with `include_global` collects; the others return at
//! once. Calls are few and concurrent: the eight account-wide calls go in one batch (the
//! credential report is requested first and fetched last, so IAM builds it meanwhile), then one
//! batch of ListMFADevices and ListAccessKeys for all users, then one of GetAccessKeyLastUsed for
//! all keys. Users, groups, roles and policies with their inline documents all come from the one
//! paginated GetAccountAuthorizationDetails, not from per-entity calls.
//!
//! Failures are data: a failed listing submits a scope gap for its kinds, a failed detail call
//! leaves its property `null` with an `errors` entry. What it deliberately does not do: judge
//! anything (expiry, age, unused credentials are for rules, which have the scan's clock), or
//! collect AWS managed policies as resources.

mod account;
mod certificates;
mod credential_report;
mod csv;
mod groups;
mod json;
mod listings;
mod mfa_devices;
mod policies;
mod roles;
mod users;

use lgp_sdk::collector::{AwsError, GLOBAL, ScanScope, Submitter, arn, scope_gap};
use lgp_sdk::kinds::iam::{
    ACCOUNT_KIND, ACCOUNT_NAME, GROUP_KIND, MFA_DEVICE_KIND, POLICY_KIND, ROLE_KIND,
    SAML_PROVIDER_KIND, SERVER_CERTIFICATE_KIND, USER_KIND,
};
use lgp_sdk::{CollectorPlugin, PluginInfo, Resource};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The IAM operations the collector calls: its capabilities, `aws:iam:<operation>`.
pub const OPERATIONS: &[&str] = &[
    "GenerateCredentialReport",
    "GetCredentialReport",
    "GetAccountAuthorizationDetails",
    "ListRoles",
    "ListVirtualMFADevices",
    "GetAccountSummary",
    "GetAccountPasswordPolicy",
    "ListServerCertificates",
    "ListSAMLProviders",
    "ListMFADevices",
    "ListAccessKeys",
    "GetAccessKeyLastUsed",
    "ListUsers",
];

/// The IAM collector.
pub struct IamCollector;

impl CollectorPlugin for IamCollector {
    fn info() -> PluginInfo {
        OPERATIONS.iter().fold(
            PluginInfo::collector(
                "collect-iam",
                env!("CARGO_PKG_VERSION"),
                "Collects IAM users, groups, roles, customer managed policies, MFA devices, \
                 account settings, server certificates and SAML providers.",
            ),
            |info, op| info.capability(format!("aws:iam:{op}")),
        )
    }

    fn collect(scope: &ScanScope) -> Result<(), String> {
        if !scope.include_global {
            return Ok(());
        }
        let mut out = Output::new(&scope.account);
        collect(&mut out)?;
        out.submitter
            .finish()
            .map(|_| ())
            .map_err(|e| format!("failed to submit IAM resources: {e}"))
    }
}

lgp_sdk::export_collector!(IamCollector);

/// Where resources go: the account's resources, batched.
struct Output {
    account: String,
    submitter: Submitter,
}

impl Output {
    fn new(account: &str) -> Self {
        Self {
            account: account.to_owned(),
            submitter: Submitter::default(),
        }
    }

    fn push(&mut self, resource: Resource) -> Result<(), String> {
        self.submitter
            .push(resource)
            .map_err(|e| format!("failed to submit IAM resources: {e}"))
    }

    /// Submits one resource whose properties are `props`.
    fn resource(
        &mut self,
        kind: &str,
        arn: String,
        name: String,
        tags: BTreeMap<String, String>,
        props: &impl Serialize,
    ) -> Result<(), String> {
        let properties = serde_json::to_value(props)
            .map_err(|e| format!("failed to serialize the properties of {arn}: {e}"))?;
        let mut resource = Resource::new(arn, kind, self.account.as_str(), GLOBAL, name)
            .with_properties(properties);
        resource.tags = tags;
        self.push(resource)
    }

    /// Submits scope gaps for `kinds`: their listing failed with `error`.
    fn gaps(&mut self, kinds: &[&str], error: &AwsError) -> Result<(), String> {
        for kind in kinds {
            let gap = scope_gap(kind, &self.account, GLOBAL, error);
            self.push(gap)?;
        }
        Ok(())
    }
}

fn collect(out: &mut Output) -> Result<(), String> {
    let listings = listings::Listings::fetch();
    let virtual_serials = listings
        .virtual_mfa_devices
        .as_ref()
        .map(mfa_devices::virtual_serials)
        .unwrap_or_default();

    // Users need per-user calls and the credential report, fetched last of all.
    let users: Vec<&Value> = match &listings.authorization {
        Ok(answer) => json::list(answer, "UserDetailList")
            .iter()
            .filter(|u| json::text(u, "UserName").is_some() && json::text(u, "Arn").is_some())
            .collect(),
        Err(_) => Vec::new(),
    };
    let names: Vec<String> = users
        .iter()
        .map(|u| json::text_or_empty(u, "UserName"))
        .collect();
    let details = users::fetch_details(&names, &virtual_serials);
    let report = credential_report::fetch(&listings.report_generation);
    let listed_last_use = match (&report, users.is_empty()) {
        (Err(_), false) => Some(users::password_last_used_by_user()),
        _ => None,
    };
    let source = users::ReportSource {
        report: &report,
        password_last_used: listed_last_use.as_ref(),
    };

    match &listings.authorization {
        Ok(answer) => {
            for (detail, details) in users.iter().zip(details) {
                let user = users::build(detail, details, &source);
                out.resource(
                    USER_KIND,
                    user.arn.clone(),
                    user.name.clone(),
                    user.tags.clone(),
                    &user,
                )?;
            }
            let user_list = json::list(answer, "UserDetailList");
            let members = groups::members_by_group(user_list);
            for detail in json::list(answer, "GroupDetailList") {
                let group = groups::build(detail, &members);
                if !group.arn.is_empty() {
                    out.resource(
                        GROUP_KIND,
                        group.arn.clone(),
                        group.name.clone(),
                        BTreeMap::new(),
                        &group,
                    )?;
                }
            }
            let durations = listings
                .roles
                .as_ref()
                .map(roles::max_session_durations)
                .map_err(Clone::clone);
            for detail in json::list(answer, "RoleDetailList") {
                let role = roles::build(detail, &durations);
                if !role.arn.is_empty() {
                    out.resource(
                        ROLE_KIND,
                        role.arn.clone(),
                        role.name.clone(),
                        role.tags.clone(),
                        &role,
                    )?;
                }
            }
            for policy in json::list(answer, "Policies")
                .iter()
                .filter_map(policies::build)
            {
                out.resource(
                    POLICY_KIND,
                    policy.arn.clone(),
                    policy.name.clone(),
                    BTreeMap::new(),
                    &policy,
                )?;
            }
        }
        Err(e) => out.gaps(&[USER_KIND, GROUP_KIND, ROLE_KIND, POLICY_KIND], e)?,
    }

    match &listings.virtual_mfa_devices {
        Ok(answer) => {
            for (name, tags, device) in json::list(answer, "VirtualMFADevices")
                .iter()
                .filter_map(mfa_devices::build)
            {
                out.resource(
                    MFA_DEVICE_KIND,
                    device.serial_number.clone(),
                    name,
                    tags,
                    &device,
                )?;
            }
        }
        Err(e) => out.gaps(&[MFA_DEVICE_KIND], e)?,
    }

    let account = account::build(&account::Sources {
        summary: &listings.summary,
        password_policy: &listings.password_policy,
        virtual_mfa_devices: &listings.virtual_mfa_devices,
        report: &report,
        authorization: &listings.authorization,
    });
    let account_arn = arn("iam", GLOBAL, &out.account, "root");
    out.resource(
        ACCOUNT_KIND,
        account_arn,
        ACCOUNT_NAME.into(),
        BTreeMap::new(),
        &account,
    )?;

    match &listings.server_certificates {
        Ok(answer) => {
            for cert in json::list(answer, "ServerCertificateMetadataList")
                .iter()
                .filter_map(certificates::server_certificate)
            {
                out.resource(
                    SERVER_CERTIFICATE_KIND,
                    cert.arn.clone(),
                    cert.name.clone(),
                    BTreeMap::new(),
                    &cert,
                )?;
            }
        }
        Err(e) => out.gaps(&[SERVER_CERTIFICATE_KIND], e)?,
    }

    match &listings.saml_providers {
        Ok(answer) => {
            for provider in json::list(answer, "SAMLProviderList")
                .iter()
                .filter_map(certificates::saml_provider)
            {
                out.resource(
                    SAML_PROVIDER_KIND,
                    provider.arn.clone(),
                    provider.name.clone(),
                    BTreeMap::new(),
                    &provider,
                )?;
            }
        }
        Err(e) => out.gaps(&[SAML_PROVIDER_KIND], e)?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_name_every_operation_the_collector_calls() {
        let info = IamCollector::info();
        assert_eq!(info.capabilities.len(), OPERATIONS.len());
        assert!(
            info.capabilities
                .contains(&"aws:iam:GetAccountAuthorizationDetails".to_owned())
        );
        assert!(info.capabilities.iter().all(|c| c.starts_with("aws:iam:")));
    }

    #[test]
    fn regional_invocations_collect_nothing() {
        let scope = ScanScope {
            scan_id: "s".into(),
            account: "111122223333".into(),
            regions: vec!["eu-west-1".into()],
            include_global: false,
        };
        assert_eq!(IamCollector::collect(&scope), Ok(()));
    }
}
