//! What a scan asks before collecting: whose account the credentials reach, and which regions
//! are enabled there.

use crate::{AwsApi, AwsCallError, AwsRequest, GLOBAL_REGION};
use serde_json::{Value, json};

/// The region asked for the region list (every account has it enabled).
const HOME_REGION: &str = "us-east-1";

/// The account the credentials belong to (STS GetCallerIdentity).
pub async fn account_id(api: &dyn AwsApi) -> Result<String, AwsCallError> {
    let out = api
        .call(&AwsRequest::new("sts", "GetCallerIdentity", GLOBAL_REGION))
        .await?;
    out.get("Account")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| AwsCallError::Unavailable("GetCallerIdentity named no account".into()))
}

/// The regions enabled for the account (EC2 DescribeRegions; opted-out regions left out),
/// sorted.
pub async fn enabled_regions(api: &dyn AwsApi) -> Result<Vec<String>, AwsCallError> {
    let out = api
        .call(
            &AwsRequest::new("ec2", "DescribeRegions", HOME_REGION)
                .with_input(json!({"AllRegions": false})),
        )
        .await?;
    let mut regions: Vec<String> = out
        .get("Regions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|r| r.get("OptInStatus").and_then(Value::as_str) != Some("not-opted-in"))
        .filter_map(|r| r.get("RegionName").and_then(Value::as_str))
        .map(str::to_owned)
        .collect();
    regions.sort();
    regions.dedup();
    if regions.is_empty() {
        return Err(AwsCallError::Unavailable(
            "DescribeRegions listed no enabled region".into(),
        ));
    }
    Ok(regions)
}
