//! S3 Control operations of the catalogue (account-level S3 settings, global).

use crate::answer::send;
use crate::errors::not_implemented;
use crate::json::json_object;
use aws_sdk_s3control::Client;
use aws_sdk_s3control::operation as op;
use aws_sdk_s3control::types as t;
use lgp_aws_api::AwsCallError;
use serde_json::Value;

/// Answers one S3 Control operation. `account_id` is the account the credentials belong to,
/// used when the input names none.
pub(crate) async fn call(
    client: &Client,
    operation: &str,
    account_id: &str,
) -> Result<Value, AwsCallError> {
    match operation {
        "GetPublicAccessBlock" => send!(client.get_public_access_block().account_id(account_id)),
        _ => Err(not_implemented("s3control", operation)),
    }
}

json_object! {
    op::get_public_access_block::GetPublicAccessBlockOutput {
        "PublicAccessBlockConfiguration" => public_access_block_configuration,
    }
    t::PublicAccessBlockConfiguration {
        "BlockPublicAcls" => block_public_acls,
        "IgnorePublicAcls" => ignore_public_acls,
        "BlockPublicPolicy" => block_public_policy,
        "RestrictPublicBuckets" => restrict_public_buckets,
    }
}
