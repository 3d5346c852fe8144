//! `aws:ec2:ebs-encryption-by-default`: the region's EBS encryption default
//! (GetEbsEncryptionByDefault), an account setting submitted as one resource per region so
//! checks can pass or fail it like any resource.

use crate::region::Region;
use lgp_sdk::Resource;
use lgp_sdk::collector::{AwsError, arn};
use lgp_sdk::kinds::ec2::ebs_encryption_by_default::{EbsEncryptionByDefault, KIND, NAME};
use serde_json::Value;
use std::collections::BTreeMap;

/// The region's setting, or the kind's scope gap (also when the answer lacks the setting:
/// a guessed `false` would fail a check on no evidence).
pub fn resources(region: &Region, answer: Result<&Value, &AwsError>) -> Vec<Resource> {
    let enabled = match answer {
        Ok(answer) => answer
            .get("EbsEncryptionByDefault")
            .and_then(Value::as_bool)
            .ok_or_else(|| {
                AwsError::BadOutput("the answer has no EbsEncryptionByDefault".to_owned())
            }),
        Err(error) => Err(error.clone()),
    };
    // One setting per region: its ARN names it exactly, gap or not.
    let arn = arn(crate::region::SERVICE, &region.name, &region.account, NAME);
    match enabled {
        Ok(enabled) => {
            let props = EbsEncryptionByDefault {
                enabled,
                ..EbsEncryptionByDefault::default()
            };
            vec![region.resource(KIND, arn, NAME.to_owned(), BTreeMap::new(), &props)]
        }
        Err(error) => vec![region.gap(KIND, arn, &error)],
    }
}
