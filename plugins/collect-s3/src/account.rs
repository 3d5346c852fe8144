//! `aws:s3:account-public-access-block`: the account's Block Public Access settings (s3control
//! GetPublicAccessBlock), read once per scan. They are emitted as their own resource and also
//! copied into every bucket's `account_public_access_block`, since they apply to every bucket.

use crate::normalize;
use lgp_sdk::Resource;
use lgp_sdk::collector::{Answer, AwsError, AwsRequest, GLOBAL};
use lgp_sdk::kinds::s3::{
    ACCOUNT_PUBLIC_ACCESS_BLOCK_KIND, AccountPublicAccessBlock, PublicAccessBlock,
    account_public_access_block_arn,
};
use lgp_sdk::resource::WHOLE_RESOURCE;
use serde_json::{Value, json};

/// The call (global) for `account`.
pub fn request(account: &str) -> AwsRequest {
    AwsRequest::new("s3control", "GetPublicAccessBlock", GLOBAL)
        .input(json!({ "AccountId": account }))
}

/// The settings from the call's result: `Ok(None)` when the account has none.
pub fn settings(result: Result<Value, AwsError>) -> Result<Option<PublicAccessBlock>, AwsError> {
    match Answer::of(result) {
        Answer::Found(output) => normalize::public_access_block(output)
            .map(Some)
            .map_err(|why| AwsError::BadOutput(format!("GetPublicAccessBlock: {why}"))),
        Answer::NotConfigured => Ok(None),
        Answer::Failed(err) => Err(err),
    }
}

/// The account's resource, region `global`. When the settings could not be read, every
/// property is `null` and `errors` has a `*` entry.
pub fn resource(
    account: &str,
    settings: &Result<Option<PublicAccessBlock>, AwsError>,
) -> Result<Resource, String> {
    let properties = match settings {
        Ok(settings) => AccountPublicAccessBlock::from_settings(*settings),
        Err(err) => {
            let mut unknown = AccountPublicAccessBlock::default();
            unknown
                .errors
                .insert(WHOLE_RESOURCE.to_owned(), err.to_collection_error());
            unknown
        }
    };
    let properties = serde_json::to_value(&properties)
        .map_err(|e| format!("cannot serialize the account public access block: {e}"))?;
    Ok(Resource::new(
        account_public_access_block_arn(account),
        ACCOUNT_PUBLIC_ACCESS_BLOCK_KIND,
        account,
        GLOBAL,
        account,
    )
    .with_properties(properties))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lgp_sdk::HostError;

    #[test]
    fn an_unreadable_account_setting_is_not_collected() {
        let failed = Err(AwsError::Host(HostError::Unavailable("down".into())));
        let r = resource("123", &failed).expect("serializes");
        assert_eq!(r.arn, "arn:aws:s3::123:account-public-access-block");
        assert_eq!(r.region, GLOBAL);
        assert!(r.get::<Option<bool>>("configured").is_err());
        let none = resource("123", &Ok(None)).expect("serializes");
        assert_eq!(none.get::<bool>("configured"), Ok(false));
        assert_eq!(none.get::<Option<bool>>("block_public_acls"), Ok(None));
    }
}
