//! The IAM credential report: asking for it, waiting for it without a clock, and reading its rows.
//!
//! GenerateCredentialReport starts a report (or finds one less than four hours old);
//! GetCredentialReport answers `ReportInProgress` until it is ready. The collector asks for the
//! report first and fetches it last, so IAM generates it while the other calls run.

use crate::csv;
use lgp_sdk::CollectionError;
use lgp_sdk::collector::{AwsError, GLOBAL, aws_call};
use lgp_sdk::kinds::iam::{ReportedAccessKey, RootCredentials};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// How many times GetCredentialReport is asked before giving up on a report still in progress.
/// Plugins have no clock and cannot sleep, so waiting is counted in requests: a round trip to IAM
/// takes tens of milliseconds, so 25 give a report that was not ready after the whole collection
/// another second or two — enough for accounts of thousands of users — while bounding the calls a
/// stuck report costs.
pub const MAX_REPORT_REQUESTS: usize = 25;

/// The `user` of the root user's row.
const ROOT_ROW: &str = "<root_account>";

/// One row of the report, by column name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row(csv::Record);

impl Row {
    /// The column's value; `None` for AWS's markers of "nothing here": `N/A`,
    /// `not_supported`, `no_information`, and the empty string.
    pub fn value(&self, column: &str) -> Option<&str> {
        self.0
            .get(column)
            .map(|v| v.trim())
            .filter(|v| !matches!(*v, "" | "N/A" | "not_supported" | "no_information"))
    }

    /// A `true`/`false` column.
    pub fn flag(&self, column: &str) -> Option<bool> {
        match self.value(column)? {
            "true" | "TRUE" | "True" => Some(true),
            "false" | "FALSE" | "False" => Some(false),
            _ => None,
        }
    }

    /// A timestamp column, in the `Z` form the rest of the inventory uses.
    pub fn date(&self, column: &str) -> Option<String> {
        self.value(column).map(utc_z)
    }

    /// Report slot `n` (1 or 2) of the access keys, when it holds a key.
    fn access_key(&self, n: u8) -> Option<ReportedAccessKey> {
        let col = |suffix: &str| format!("access_key_{n}_{suffix}");
        let key = ReportedAccessKey {
            active: self.flag(&col("active")).unwrap_or(false),
            last_rotated: self.date(&col("last_rotated")),
            last_used_date: self.date(&col("last_used_date")),
            last_used_region: self.value(&col("last_used_region")).map(str::to_owned),
            last_used_service: self.value(&col("last_used_service")).map(str::to_owned),
        };
        (key.active || key.last_rotated.is_some()).then_some(key)
    }
}

/// `+00:00` → `Z`: the report writes UTC offsets, the AWS SDK's timestamps use `Z`.
fn utc_z(timestamp: &str) -> String {
    match timestamp.strip_suffix("+00:00") {
        Some(head) => format!("{head}Z"),
        None => timestamp.to_owned(),
    }
}

/// A credential report, read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CredentialReport {
    /// When it was generated.
    pub generated: Option<String>,
    /// The users' rows, by user name.
    pub users: BTreeMap<String, Row>,
    /// The root user's row; emulators have none.
    pub root: Option<Row>,
}

impl CredentialReport {
    /// Reads GetCredentialReport's answer (`Content` is the CSV text).
    pub fn from_answer(answer: &Value) -> Result<Self, AwsError> {
        let content = answer
            .get("Content")
            .and_then(Value::as_str)
            .ok_or_else(|| AwsError::BadOutput("GetCredentialReport has no Content".into()))?;
        let mut report = CredentialReport {
            generated: answer
                .get("GeneratedTime")
                .and_then(Value::as_str)
                .map(utc_z),
            ..Self::default()
        };
        for record in csv::records(content) {
            let Some(user) = record.get("user").cloned() else {
                continue;
            };
            if user == ROOT_ROW {
                report.root = Some(Row(record));
            } else {
                report.users.insert(user, Row(record));
            }
        }
        Ok(report)
    }

    /// The root user's credentials, from its row.
    pub fn root_credentials(&self) -> Option<RootCredentials> {
        let row = self.root.as_ref()?;
        Some(RootCredentials {
            password_last_used: row.date("password_last_used"),
            mfa_active: row.flag("mfa_active"),
            access_keys: [1, 2]
                .into_iter()
                .filter_map(|n| row.access_key(n))
                .collect(),
            active_signing_certificates: ["cert_1_active", "cert_2_active"]
                .into_iter()
                .filter(|c| row.flag(c) == Some(true))
                .count(),
        })
    }
}

/// The error recorded for report-derived properties when the report never completed.
fn still_in_progress() -> CollectionError {
    CollectionError {
        code: "ReportInProgress".into(),
        category: "service_unavailable".into(),
        message: Some(format!(
            "the credential report was still being generated after {MAX_REPORT_REQUESTS} requests"
        )),
    }
}

fn request(operation: &str) -> Result<Value, AwsError> {
    aws_call("iam", operation, GLOBAL, &json!({}))
}

/// Fetches the report whose generation `generation` (GenerateCredentialReport's answer) started,
/// asking at most [`MAX_REPORT_REQUESTS`] times; the error is what to record for the properties
/// read from it.
pub fn fetch(generation: &Result<Value, AwsError>) -> Result<CredentialReport, CollectionError> {
    let mut generation = generation.as_ref().map(|_| ()).map_err(Clone::clone);
    let mut regenerated = false;
    for _ in 0..MAX_REPORT_REQUESTS {
        match request("GetCredentialReport") {
            Ok(answer) => {
                return CredentialReport::from_answer(&answer).map_err(|e| e.to_collection_error());
            }
            Err(e) if e.is_service_code("ReportInProgress") => {}
            Err(e)
                if e.is_service_code("ReportNotPresent") || e.is_service_code("ReportExpired") =>
            {
                // No report will come if IAM refused to generate one; otherwise the report is
                // gone (expired while we worked) or was never started: ask once more.
                if let Err(refused) = &generation {
                    return Err(refused.to_collection_error());
                }
                if regenerated {
                    return Err(e.to_collection_error());
                }
                regenerated = true;
                generation = request("GenerateCredentialReport").map(|_| ());
            }
            Err(e) => return Err(e.to_collection_error()),
        }
    }
    Err(still_in_progress())
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::111122223333:root,2019-01-01T00:00:00+00:00,not_supported,2024-05-01T10:00:00+00:00,not_supported,not_supported,true,true,2020-01-01T00:00:00+00:00,2024-04-01T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,true,2021-01-01T00:00:00+00:00
alice,arn:aws:iam::111122223333:user/alice,2020-01-01T00:00:00+00:00,true,no_information,2020-01-02T00:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
";

    #[test]
    fn the_report_is_read_by_user_with_markers_as_none() {
        let report =
            CredentialReport::from_answer(&json!({"Content": REPORT, "ReportFormat": "text/csv",
                    "GeneratedTime": "2024-06-01T00:00:00Z"}))
            .expect("reads");
        assert_eq!(report.generated.as_deref(), Some("2024-06-01T00:00:00Z"));
        let alice = &report.users["alice"];
        assert_eq!(alice.flag("password_enabled"), Some(true));
        assert_eq!(alice.date("password_last_used"), None);
        assert_eq!(
            alice.date("password_last_changed").as_deref(),
            Some("2020-01-02T00:00:00Z")
        );
        assert_eq!(alice.flag("mfa_active"), Some(false));
        assert_eq!(alice.value("password_next_rotation"), None);
        assert!(!report.users.contains_key(ROOT_ROW));

        let root = report.root_credentials().expect("a root row");
        assert_eq!(root.mfa_active, Some(true));
        assert_eq!(
            root.password_last_used.as_deref(),
            Some("2024-05-01T10:00:00Z")
        );
        assert_eq!(root.access_keys.len(), 1);
        assert!(root.access_keys[0].active);
        assert_eq!(root.access_keys[0].last_used_service.as_deref(), Some("s3"));
        assert_eq!(root.active_signing_certificates, 1);
    }

    #[test]
    fn a_report_without_root_row_or_content() {
        let report =
            CredentialReport::from_answer(&json!({"Content": "user,arn\nbob,x\n"})).expect("reads");
        assert!(report.root_credentials().is_none());
        assert_eq!(report.generated, None);
        assert_eq!(report.users.len(), 1);
        let err = CredentialReport::from_answer(&json!({})).expect_err("no content");
        assert_eq!(err.code(), "bad-output");
    }

    #[test]
    fn outside_the_host_fetching_fails_with_the_hosts_error() {
        let err = fetch(&Ok(json!({"State": "STARTED"}))).expect_err("no host");
        assert_eq!(err.code, "unavailable");
        assert_eq!(still_in_progress().code, "ReportInProgress");
    }
}
