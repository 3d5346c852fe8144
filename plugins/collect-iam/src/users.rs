//! `aws:iam:user`: GetAccountAuthorizationDetails' `UserDetailList`, the credential report, and
//! per-user ListMFADevices and ListAccessKeys (then GetAccessKeyLastUsed per key), each batch
//! made concurrently.

use crate::credential_report::CredentialReport;
use crate::json::{
    attached_policies, inline_policies, list, permissions_boundary, text, text_or_empty,
};
use crate::listings::next_answer;
use crate::mfa_devices::mfa_type;
use lgp_sdk::CollectionError;
use lgp_sdk::collector::{AwsError, AwsRequest, GLOBAL, aws_call, aws_call_batch, tags_from_aws};
use lgp_sdk::kinds::iam::{AccessKey, User, UserMfaDevice, user as props};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// What the per-user calls answered for one user.
#[derive(Debug)]
pub struct Details {
    /// ListMFADevices.
    pub mfa_devices: Result<Vec<UserMfaDevice>, AwsError>,
    /// ListAccessKeys, each key with the error of its GetAccessKeyLastUsed, if that failed.
    pub access_keys: Result<Vec<(AccessKey, Option<AwsError>)>, AwsError>,
}

fn per_user(operation: &str, name: &str) -> AwsRequest {
    AwsRequest::new("iam", operation, GLOBAL).input(json!({ "UserName": name }))
}

/// Makes the per-user calls for `names` (two batches: devices and keys, then keys' last use).
/// `virtual_serials` are the serials ListVirtualMFADevices listed.
pub fn fetch_details(names: &[String], virtual_serials: &BTreeSet<String>) -> Vec<Details> {
    let requests: Vec<AwsRequest> = names
        .iter()
        .flat_map(|n| [per_user("ListMFADevices", n), per_user("ListAccessKeys", n)])
        .collect();
    let mut answers = aws_call_batch(&requests).into_iter();
    let mut pairs = Vec::with_capacity(names.len());
    for _ in names {
        let devices = next_answer(&mut answers).map(|v| {
            list(&v, "MFADevices")
                .iter()
                .filter_map(|d| {
                    let serial_number = text(d, "SerialNumber")?;
                    Some(UserMfaDevice {
                        mfa_type: mfa_type(&serial_number, virtual_serials),
                        enable_date: text(d, "EnableDate"),
                        serial_number,
                    })
                })
                .collect::<Vec<_>>()
        });
        let keys = next_answer(&mut answers).map(|v| {
            list(&v, "AccessKeyMetadata")
                .iter()
                .filter_map(|k| {
                    Some(AccessKey {
                        id: text(k, "AccessKeyId")?,
                        status: text_or_empty(k, "Status"),
                        create_date: text(k, "CreateDate"),
                        last_used_date: None,
                        last_used_service: None,
                        last_used_region: None,
                    })
                })
                .collect::<Vec<_>>()
        });
        pairs.push((devices, keys));
    }

    // Last use, one call per key, all in one batch.
    let key_requests: Vec<AwsRequest> = pairs
        .iter()
        .filter_map(|(_, keys)| keys.as_ref().ok())
        .flatten()
        .map(|k| {
            AwsRequest::new("iam", "GetAccessKeyLastUsed", GLOBAL)
                .input(json!({ "AccessKeyId": k.id }))
        })
        .collect();
    let mut last_used = aws_call_batch(&key_requests).into_iter();
    pairs
        .into_iter()
        .map(|(mfa_devices, keys)| Details {
            mfa_devices,
            access_keys: keys.map(|keys| {
                keys.into_iter()
                    .map(|mut key| match next_answer(&mut last_used) {
                        Ok(v) => {
                            apply_last_used(&mut key, v.get("AccessKeyLastUsed"));
                            (key, None)
                        }
                        Err(e) => (key, Some(e)),
                    })
                    .collect()
            }),
        })
        .collect()
}

/// AWS says `N/A` for the service and region of a key never used.
fn known(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.is_empty() && s != "N/A")
}

fn apply_last_used(key: &mut AccessKey, last_used: Option<&Value>) {
    let Some(last_used) = last_used else { return };
    key.last_used_date = text(last_used, "LastUsedDate");
    key.last_used_service = known(text(last_used, "ServiceName"));
    key.last_used_region = known(text(last_used, "Region"));
}

/// ListUsers' `PasswordLastUsed` by user name: the fallback for `password_last_used` when the
/// credential report is missing (one paginated call for all users).
pub fn password_last_used_by_user() -> Result<BTreeMap<String, Option<String>>, AwsError> {
    let answer = aws_call("iam", "ListUsers", GLOBAL, &json!({}))?;
    Ok(list(&answer, "Users")
        .iter()
        .filter_map(|u| Some((text(u, "UserName")?, text(u, "PasswordLastUsed"))))
        .collect())
}

/// Where the credential-report properties come from.
pub struct ReportSource<'a> {
    /// The report, or what to record when it could not be had.
    pub report: &'a Result<CredentialReport, CollectionError>,
    /// ListUsers' answer, asked only when the report is missing.
    pub password_last_used: Option<&'a Result<BTreeMap<String, Option<String>>, AwsError>>,
}

fn not_in_report(report: &CredentialReport) -> CollectionError {
    CollectionError {
        code: "NotInCredentialReport".into(),
        category: "resource_not_found".into(),
        message: Some(format!(
            "the credential report (generated {}) has no row for the user: it was created after",
            report.generated.as_deref().unwrap_or("at an unknown time")
        )),
    }
}

/// The user's properties from its `UserDetailList` entry, its detail calls and the report.
pub fn build(detail: &Value, details: Details, source: &ReportSource<'_>) -> User {
    let name = text_or_empty(detail, "UserName");
    let mut user = User {
        id: text_or_empty(detail, "UserId"),
        arn: text_or_empty(detail, "Arn"),
        path: text(detail, "Path").unwrap_or_else(|| "/".into()),
        create_date: text(detail, "CreateDate"),
        tags: tags_from_aws(detail.get("Tags")),
        attached_policies: attached_policies(detail),
        inline_policies: inline_policies(detail, "UserPolicyList"),
        groups: list(detail, "GroupList")
            .iter()
            .filter_map(|g| g.as_str().map(str::to_owned))
            .collect(),
        permissions_boundary: permissions_boundary(detail),
        ..User::default()
    };
    let errors = &mut user.errors;

    // The credential report.
    let row = match source.report {
        Ok(report) => {
            let row = report.users.get(&name);
            if row.is_none() {
                for p in [
                    props::PASSWORD_ENABLED,
                    props::PASSWORD_LAST_USED,
                    props::PASSWORD_LAST_CHANGED,
                ] {
                    errors.insert(p.into(), not_in_report(report));
                }
            }
            row
        }
        Err(e) => {
            errors.insert(props::PASSWORD_ENABLED.into(), e.clone());
            errors.insert(props::PASSWORD_LAST_CHANGED.into(), e.clone());
            match source.password_last_used {
                Some(Ok(by_user)) => {
                    user.password_last_used = by_user.get(&name).cloned().flatten();
                }
                _ => {
                    errors.insert(props::PASSWORD_LAST_USED.into(), e.clone());
                }
            }
            None
        }
    };
    if let Some(row) = row {
        user.password_enabled = row.flag("password_enabled");
        user.password_last_used = row.date("password_last_used");
        user.password_last_changed = row.date("password_last_changed");
    }

    // MFA: the devices IAM lists now; the report's flag only when they could not be listed.
    match details.mfa_devices {
        Ok(devices) => {
            user.mfa_active = Some(!devices.is_empty());
            user.mfa_devices = Some(devices);
        }
        Err(e) => {
            user.mfa_active = row.and_then(|r| r.flag("mfa_active"));
            if user.mfa_active.is_none() {
                errors.insert(props::MFA_ACTIVE.into(), e.to_collection_error());
            }
            errors.insert(props::MFA_DEVICES.into(), e.to_collection_error());
        }
    }

    // Access keys; a key whose last use could not be read has that error under
    // `access_keys.<i>.last_used_date`, so only checks of last use report it.
    match details.access_keys {
        Ok(keys) => {
            let mut out = Vec::with_capacity(keys.len());
            for (i, (key, failed)) in keys.into_iter().enumerate() {
                if let Some(e) = failed {
                    errors.insert(
                        format!("{}.{i}.last_used_date", props::ACCESS_KEYS),
                        e.to_collection_error(),
                    );
                }
                out.push(key);
            }
            user.access_keys = Some(out);
        }
        Err(e) => {
            errors.insert(props::ACCESS_KEYS.into(), e.to_collection_error());
        }
    }
    user.name = name;
    user
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential_report::CredentialReport;

    fn denied() -> AwsError {
        AwsError::Service {
            code: "AccessDenied".into(),
            message: "no".into(),
            category: "access_denied".into(),
            not_configured: false,
        }
    }

    fn detail() -> Value {
        json!({"UserName": "bob", "UserId": "AIDA1", "Arn": "arn:aws:iam::1:user/bob",
               "Path": "/", "CreateDate": "2024-01-01T00:00:00Z",
               "Tags": [{"Key": "team", "Value": "dev"}], "GroupList": ["devs"],
               "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": "{\"Statement\": []}"}],
               "AttachedManagedPolicies": []})
    }

    fn key(id: &str) -> AccessKey {
        AccessKey {
            id: id.into(),
            status: "Active".into(),
            create_date: None,
            last_used_date: None,
            last_used_service: None,
            last_used_region: None,
        }
    }

    fn report() -> CredentialReport {
        CredentialReport::from_answer(&json!({"Content":
            "user,password_enabled,password_last_used,password_last_changed,mfa_active\n\
             bob,true,2024-02-01T00:00:00+00:00,2024-01-05T00:00:00+00:00,true\n"}))
        .expect("reads")
    }

    #[test]
    fn a_user_from_every_source() {
        let report = Ok(report());
        let source = ReportSource {
            report: &report,
            password_last_used: None,
        };
        let details = Details {
            mfa_devices: Ok(vec![]),
            access_keys: Ok(vec![(key("AKIA1"), None), (key("AKIA2"), Some(denied()))]),
        };
        let user = build(&detail(), details, &source);
        assert_eq!(user.name, "bob");
        assert_eq!(user.tags["team"], "dev");
        assert_eq!(user.groups, ["devs"]);
        assert_eq!(user.inline_policies[0].document, json!({"Statement": []}));
        assert_eq!(user.password_enabled, Some(true));
        assert_eq!(
            user.password_last_used.as_deref(),
            Some("2024-02-01T00:00:00Z")
        );
        // The device list wins over the report's (older) flag.
        assert_eq!(user.mfa_active, Some(false));
        assert_eq!(user.access_keys.as_ref().map(Vec::len), Some(2));
        assert_eq!(
            user.errors.keys().collect::<Vec<_>>(),
            ["access_keys.1.last_used_date"]
        );
    }

    #[test]
    fn failed_calls_leave_nulls_and_errors() {
        let report = Err(CollectionError {
            code: "ReportInProgress".into(),
            category: "service_unavailable".into(),
            message: None,
        });
        let listed = Ok(BTreeMap::from([(
            "bob".to_owned(),
            Some("2024-03-01T00:00:00Z".to_owned()),
        )]));
        let source = ReportSource {
            report: &report,
            password_last_used: Some(&listed),
        };
        let details = Details {
            mfa_devices: Err(denied()),
            access_keys: Err(denied()),
        };
        let user = build(&detail(), details, &source);
        assert_eq!(user.password_enabled, None);
        assert_eq!(
            user.password_last_used.as_deref(),
            Some("2024-03-01T00:00:00Z")
        );
        assert_eq!(user.mfa_active, None);
        assert_eq!(user.access_keys, None);
        assert_eq!(
            user.errors.keys().collect::<Vec<_>>(),
            [
                "access_keys",
                "mfa_active",
                "mfa_devices",
                "password_enabled",
                "password_last_changed"
            ]
        );
        assert_eq!(user.errors["password_enabled"].code, "ReportInProgress");
    }

    #[test]
    fn a_user_missing_from_the_report_keeps_the_reports_mfa_flag_out() {
        let report = Ok(report());
        let source = ReportSource {
            report: &report,
            password_last_used: None,
        };
        let mut d = detail();
        d["UserName"] = json!("new-user");
        let details = Details {
            mfa_devices: Err(denied()),
            access_keys: Ok(vec![]),
        };
        let user = build(&d, details, &source);
        assert_eq!(
            user.errors["password_enabled"].code,
            "NotInCredentialReport"
        );
        assert!(user.errors.contains_key("mfa_active"));
    }

    #[test]
    fn never_used_keys_have_no_service_or_region() {
        let mut k = key("AKIA1");
        apply_last_used(
            &mut k,
            Some(&json!({"ServiceName": "N/A", "Region": "N/A"})),
        );
        assert_eq!((&k.last_used_service, &k.last_used_region), (&None, &None));
        apply_last_used(
            &mut k,
            Some(&json!({"LastUsedDate": "2024-01-01T00:00:00Z",
            "ServiceName": "s3", "Region": "eu-west-1"})),
        );
        assert_eq!(k.last_used_service.as_deref(), Some("s3"));
    }
}
