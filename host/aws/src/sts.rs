//! STS operations of the catalogue (global), and the account id the credentials belong to.

use crate::answer::send;
use crate::errors::{from_sdk, not_implemented};
use crate::json::json_object;
use aws_sdk_sts::Client;
use aws_sdk_sts::operation as op;
use lgp_aws_api::AwsCallError;
use serde_json::Value;

/// Answers one STS operation.
pub(crate) async fn call(client: &Client, operation: &str) -> Result<Value, AwsCallError> {
    match operation {
        "GetCallerIdentity" => send!(client.get_caller_identity()),
        _ => Err(not_implemented("sts", operation)),
    }
}

/// The account the credentials belong to.
pub(crate) async fn account_id(client: Client) -> Result<String, AwsCallError> {
    let identity = client
        .get_caller_identity()
        .send()
        .await
        .map_err(from_sdk)?;
    identity.account.ok_or_else(|| {
        AwsCallError::Unavailable("GetCallerIdentity answered without an account id".into())
    })
}

json_object! {
    op::get_caller_identity::GetCallerIdentityOutput {
        "UserId" => user_id,
        "Account" => account,
        "Arn" => arn,
    }
}
