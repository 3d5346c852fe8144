//! `aws:ec2:network-interface`: DescribeNetworkInterfaces.

use crate::json::{flag, list, text, texts};
use crate::region::{Region, display_name};
use lgp_sdk::Resource;
use lgp_sdk::collector::{AwsError, tags_from_aws};
use lgp_sdk::kinds::ec2::network_interface::{KIND, NetworkInterface};
use serde_json::Value;

/// The resource type in the kind's ARNs.
const ARN_TYPE: &str = "network-interface";

/// The region's network interfaces, or the kind's scope gap.
pub fn resources(region: &Region, listing: Result<&Value, &AwsError>) -> Vec<Resource> {
    match listing {
        Ok(listing) => list(listing, "NetworkInterfaces")
            .iter()
            .filter_map(|n| interface(region, n))
            .collect(),
        Err(error) => vec![region.gap(KIND, region.arn(ARN_TYPE, "*"), error)],
    }
}

fn interface(region: &Region, item: &Value) -> Option<Resource> {
    let id = text(item, "NetworkInterfaceId")?;
    let props = NetworkInterface {
        interface_type: text(item, "InterfaceType"),
        status: text(item, "Status"),
        vpc_id: text(item, "VpcId"),
        subnet_id: text(item, "SubnetId"),
        availability_zone: text(item, "AvailabilityZone"),
        private_ip_address: text(item, "PrivateIpAddress"),
        private_ip_addresses: texts(item, "PrivateIpAddresses", "PrivateIpAddress"),
        public_ip: item.get("Association").and_then(|a| text(a, "PublicIp")),
        instance_id: item.get("Attachment").and_then(|a| text(a, "InstanceId")),
        security_group_ids: texts(item, "Groups", "GroupId"),
        requester_managed: flag(item, "RequesterManaged").unwrap_or(false),
        description: text(item, "Description"),
        network_interface_id: id.clone(),
        ..NetworkInterface::default()
    };
    // Network interfaces carry their tags as `TagSet`, not `Tags`.
    let tags = tags_from_aws(item.get("TagSet"));
    let name = display_name(&tags, &id);
    Some(region.resource(KIND, region.arn(ARN_TYPE, &id), name, tags, &props))
}
