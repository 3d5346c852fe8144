//! The account-wide IAM calls, made together in one concurrent batch: everything but the
//! per-user details and the credential report.

use lgp_sdk::collector::{AwsError, AwsRequest, GLOBAL, aws_call_batch};
use serde_json::{Value, json};

/// The answers of the account-wide calls.
#[derive(Debug)]
pub struct Listings {
    /// GenerateCredentialReport: started first, fetched last (see `credential_report`).
    pub report_generation: Result<Value, AwsError>,
    /// GetAccountAuthorizationDetails: users, groups, roles and customer managed policies with
    /// their inline documents and policy versions, in one paginated call.
    pub authorization: Result<Value, AwsError>,
    /// ListRoles: the only source of `MaxSessionDuration` without a call per role.
    pub roles: Result<Value, AwsError>,
    /// ListVirtualMFADevices with `AssignmentStatus` `Any`.
    pub virtual_mfa_devices: Result<Value, AwsError>,
    /// GetAccountSummary.
    pub summary: Result<Value, AwsError>,
    /// GetAccountPasswordPolicy (`NoSuchEntity`: none set).
    pub password_policy: Result<Value, AwsError>,
    /// ListServerCertificates.
    pub server_certificates: Result<Value, AwsError>,
    /// ListSAMLProviders.
    pub saml_providers: Result<Value, AwsError>,
}

impl Listings {
    /// Makes the calls.
    pub fn fetch() -> Self {
        let call = |op: &str| AwsRequest::new("iam", op, GLOBAL);
        let requests = [
            call("GenerateCredentialReport"),
            // AWS managed policies are left out: they are not the account's resources, and
            // there are over a thousand of them, each with its versions' documents.
            call("GetAccountAuthorizationDetails")
                .input(json!({"Filter": ["User", "Group", "Role", "LocalManagedPolicy"]})),
            call("ListRoles"),
            call("ListVirtualMFADevices").input(json!({"AssignmentStatus": "Any"})),
            call("GetAccountSummary"),
            call("GetAccountPasswordPolicy"),
            call("ListServerCertificates"),
            call("ListSAMLProviders"),
        ];
        let mut answers = aws_call_batch(&requests).into_iter();
        let mut next = || next_answer(&mut answers);
        Listings {
            report_generation: next(),
            authorization: next(),
            roles: next(),
            virtual_mfa_devices: next(),
            summary: next(),
            password_policy: next(),
            server_certificates: next(),
            saml_providers: next(),
        }
    }
}

/// The next answer of a batch; a batch that answered fewer calls than it was given (a host bug)
/// gives errors rather than shifting answers onto the wrong requests.
pub fn next_answer(
    answers: &mut impl Iterator<Item = Result<Value, AwsError>>,
) -> Result<Value, AwsError> {
    answers.next().unwrap_or_else(|| {
        Err(AwsError::BadOutput(
            "the batch answered too few calls".into(),
        ))
    })
}
