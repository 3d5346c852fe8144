//! The listing calls of a region, made in one concurrent batch: one per kind (two for VPCs,
//! whose flow logs come from their own listing), each answer kept apart so that one failure
//! only affects the kinds built from it.

use crate::region::Region;
use lgp_sdk::collector::{AwsError, AwsRequest, aws_call_batch};
use serde_json::{Value, json};

/// Snapshots and AMIs are listed for the account itself: without an owner AWS lists every
/// public one of every account too, which no posture check of this account wants.
const OWNER_SELF: &str = "self";

/// One listing call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// DescribeNetworkInterfaces (network interfaces, and security group usage).
    NetworkInterfaces,
    /// DescribeInstances.
    Instances,
    /// DescribeSecurityGroups.
    SecurityGroups,
    /// DescribeNetworkAcls.
    NetworkAcls,
    /// DescribeVpcs.
    Vpcs,
    /// DescribeFlowLogs (flow logs, and the VPCs' `flow_logs`).
    FlowLogs,
    /// DescribeVolumes.
    Volumes,
    /// DescribeSnapshots of the account's own snapshots.
    Snapshots,
    /// GetEbsEncryptionByDefault.
    EbsEncryptionByDefault,
    /// DescribeImages of the account's own AMIs.
    Images,
    /// DescribeLaunchTemplates.
    LaunchTemplates,
    /// DescribeAddresses (Elastic IPs).
    Addresses,
}

impl Listing {
    /// Every listing, in the order of the batch.
    pub const ALL: [Listing; 12] = [
        Listing::NetworkInterfaces,
        Listing::Instances,
        Listing::SecurityGroups,
        Listing::NetworkAcls,
        Listing::Vpcs,
        Listing::FlowLogs,
        Listing::Volumes,
        Listing::Snapshots,
        Listing::EbsEncryptionByDefault,
        Listing::Images,
        Listing::LaunchTemplates,
        Listing::Addresses,
    ];

    /// The EC2 operation.
    pub fn operation(self) -> &'static str {
        match self {
            Listing::NetworkInterfaces => "DescribeNetworkInterfaces",
            Listing::Instances => "DescribeInstances",
            Listing::SecurityGroups => "DescribeSecurityGroups",
            Listing::NetworkAcls => "DescribeNetworkAcls",
            Listing::Vpcs => "DescribeVpcs",
            Listing::FlowLogs => "DescribeFlowLogs",
            Listing::Volumes => "DescribeVolumes",
            Listing::Snapshots => "DescribeSnapshots",
            Listing::EbsEncryptionByDefault => "GetEbsEncryptionByDefault",
            Listing::Images => "DescribeImages",
            Listing::LaunchTemplates => "DescribeLaunchTemplates",
            Listing::Addresses => "DescribeAddresses",
        }
    }

    fn request(self, region: &Region) -> AwsRequest {
        let request = region.request(self.operation());
        match self {
            Listing::Snapshots => request.input(json!({ "OwnerIds": [OWNER_SELF] })),
            Listing::Images => request.input(json!({ "Owners": [OWNER_SELF] })),
            _ => request,
        }
    }
}

/// The answers of a region's listings.
#[derive(Debug)]
pub struct Listings {
    answers: Vec<Result<Value, AwsError>>,
}

impl Listings {
    /// Makes every listing call of `region` in one batch.
    pub fn fetch(region: &Region) -> Self {
        let requests: Vec<AwsRequest> = Listing::ALL.iter().map(|l| l.request(region)).collect();
        let mut answers = aws_call_batch(&requests);
        // The host answers every request; should it not, the missing ones fail their kinds
        // instead of shifting answers onto the wrong listings.
        answers.truncate(requests.len());
        while answers.len() < requests.len() {
            answers.push(Err(AwsError::BadOutput(
                "the host gave no answer to this call".to_owned(),
            )));
        }
        Self { answers }
    }

    /// The answer of `listing`.
    pub fn get(&self, listing: Listing) -> Result<&Value, &AwsError> {
        self.answers[listing as usize].as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listings_are_in_batch_order_and_ask_for_own_snapshots_and_images() {
        for (i, l) in Listing::ALL.iter().enumerate() {
            assert_eq!(*l as usize, i);
        }
        let region = Region::new("1", "us-east-1");
        assert_eq!(
            Listing::Snapshots.request(&region).input,
            json!({"OwnerIds": ["self"]})
        );
        assert_eq!(
            Listing::Images.request(&region).input,
            json!({"Owners": ["self"]})
        );
        let listings = Listings::fetch(&region);
        assert!(listings.get(Listing::Addresses).is_err());
    }
}
