//! `aws:ec2:elastic-ip`: DescribeAddresses.

use crate::json::{list, text};
use crate::region::{Region, display_name};
use lgp_sdk::Resource;
use lgp_sdk::collector::{AwsError, tags_from_aws};
use lgp_sdk::kinds::ec2::elastic_ip::{ElasticIp, KIND};
use serde_json::Value;

/// The resource type in the kind's ARNs.
const ARN_TYPE: &str = "elastic-ip";

/// The region's Elastic IPs, or the kind's scope gap.
pub fn resources(region: &Region, listing: Result<&Value, &AwsError>) -> Vec<Resource> {
    match listing {
        Ok(listing) => list(listing, "Addresses")
            .iter()
            .filter_map(|a| address(region, a))
            .collect(),
        Err(error) => vec![region.gap(KIND, region.arn(ARN_TYPE, "*"), error)],
    }
}

fn address(region: &Region, item: &Value) -> Option<Resource> {
    // Pre-VPC (`standard`) addresses have no allocation id; their address is their id.
    let id = text(item, "AllocationId").or_else(|| text(item, "PublicIp"))?;
    let mut props = ElasticIp {
        public_ip: text(item, "PublicIp"),
        domain: text(item, "Domain"),
        association_id: text(item, "AssociationId"),
        instance_id: text(item, "InstanceId"),
        network_interface_id: text(item, "NetworkInterfaceId"),
        private_ip_address: text(item, "PrivateIpAddress"),
        allocation_id: id.clone(),
        ..ElasticIp::default()
    };
    props.associated = props.association_id.is_some()
        || props.instance_id.is_some()
        || props.network_interface_id.is_some();
    let tags = tags_from_aws(item.get("Tags"));
    let name = display_name(&tags, &id);
    Some(region.resource(KIND, region.arn(ARN_TYPE, &id), name, tags, &props))
}
