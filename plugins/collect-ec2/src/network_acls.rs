//! `aws:ec2:network-acl`: DescribeNetworkAcls.

use crate::json::{flag, int, list, text, texts};
use crate::region::{Region, display_name};
use lgp_sdk::Resource;
use lgp_sdk::collector::{AwsError, tags_from_aws};
use lgp_sdk::kinds::ec2::network_acl::{KIND, NetworkAcl, NetworkAclEntry, NetworkAclPortRange};
use serde_json::Value;

/// The resource type in the kind's ARNs.
const ARN_TYPE: &str = "network-acl";

/// The region's network ACLs, or the kind's scope gap.
pub fn resources(region: &Region, listing: Result<&Value, &AwsError>) -> Vec<Resource> {
    match listing {
        Ok(listing) => list(listing, "NetworkAcls")
            .iter()
            .filter_map(|acl| network_acl(region, acl))
            .collect(),
        Err(error) => vec![region.gap(KIND, region.arn(ARN_TYPE, "*"), error)],
    }
}

fn network_acl(region: &Region, item: &Value) -> Option<Resource> {
    let id = text(item, "NetworkAclId")?;
    let props = NetworkAcl {
        vpc_id: text(item, "VpcId"),
        is_default: flag(item, "IsDefault").unwrap_or(false),
        entries: list(item, "Entries").iter().map(entry).collect(),
        subnet_ids: texts(item, "Associations", "SubnetId"),
        network_acl_id: id.clone(),
        ..NetworkAcl::default()
    };
    let tags = tags_from_aws(item.get("Tags"));
    let name = display_name(&tags, &id);
    Some(region.resource(KIND, region.arn(ARN_TYPE, &id), name, tags, &props))
}

/// One entry as AWS gives it; `PortRange` only on TCP/UDP entries that set one.
fn entry(item: &Value) -> NetworkAclEntry {
    NetworkAclEntry {
        rule_number: int(item, "RuleNumber").unwrap_or_default(),
        protocol: text(item, "Protocol").unwrap_or_else(|| "-1".to_owned()),
        rule_action: text(item, "RuleAction").unwrap_or_default(),
        egress: flag(item, "Egress").unwrap_or(false),
        cidr_block: text(item, "CidrBlock"),
        ipv6_cidr_block: text(item, "Ipv6CidrBlock"),
        port_range: item.get("PortRange").and_then(|r| {
            Some(NetworkAclPortRange {
                from: int(r, "From")?,
                to: int(r, "To")?,
            })
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lgp_sdk::net::Protocol;
    use serde_json::json;

    #[test]
    fn entries_keep_aws_values() {
        let acl = NetworkAcl {
            entries: vec![
                entry(
                    &json!({"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow",
                    "Egress": false, "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 22, "To": 22}}),
                ),
                entry(
                    &json!({"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny",
                    "Egress": false, "Ipv6CidrBlock": "::/0"}),
                ),
            ],
            ..NetworkAcl::default()
        };
        assert_eq!(
            acl.entries[0].port_range,
            Some(NetworkAclPortRange { from: 22, to: 22 })
        );
        assert_eq!(acl.entries[1].cidr_block, None);
        assert!(acl.allows_from_world(Protocol::Tcp, 22));
        assert!(!acl.allows_from_world(Protocol::Tcp, 80));
    }
}
