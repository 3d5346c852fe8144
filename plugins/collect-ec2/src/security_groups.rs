//! `aws:ec2:security-group`: DescribeSecurityGroups, rules split one per peer, and how many
//! network interfaces of the region use each group (from DescribeNetworkInterfaces, so unused
//! and in-use default groups can be told apart).

use crate::json::{int, list, text, texts};
use crate::region::Region;
use lgp_sdk::Resource;
use lgp_sdk::collector::{AwsError, tags_from_aws};
use lgp_sdk::kinds::ec2::security_group::{
    DEFAULT_GROUP_NAME, KIND, SecurityGroup, SecurityGroupRule, props,
};
use serde_json::Value;
use std::collections::HashMap;

/// The resource type in the kind's ARNs.
const ARN_TYPE: &str = "security-group";

/// AWS's protocol for "all traffic", whose rules have no ports.
const ALL_PROTOCOLS: &str = "-1";

/// The region's security groups, or the kind's scope gap. `interfaces` is the
/// DescribeNetworkInterfaces answer; when it failed, every group's `network_interface_count`
/// is not collected.
pub fn resources(
    region: &Region,
    listing: Result<&Value, &AwsError>,
    interfaces: Result<&Value, &AwsError>,
) -> Vec<Resource> {
    let listing = match listing {
        Ok(listing) => listing,
        Err(error) => return vec![region.gap(KIND, region.arn(ARN_TYPE, "*"), error)],
    };
    let usage = interfaces.map(interfaces_per_group);
    list(listing, "SecurityGroups")
        .iter()
        .filter_map(|group| security_group(region, group, &usage))
        .collect()
}

fn security_group(
    region: &Region,
    item: &Value,
    usage: &Result<HashMap<String, u64>, &AwsError>,
) -> Option<Resource> {
    let group_id = text(item, "GroupId")?;
    let group_name = text(item, "GroupName").unwrap_or_else(|| group_id.clone());
    let mut props = SecurityGroup {
        is_default: group_name == DEFAULT_GROUP_NAME,
        description: text(item, "Description"),
        vpc_id: text(item, "VpcId"),
        ingress: rules(list(item, "IpPermissions")),
        egress: rules(list(item, "IpPermissionsEgress")),
        ..SecurityGroup::default()
    };
    match usage {
        Ok(counts) => {
            props.network_interface_count = Some(counts.get(&group_id).copied().unwrap_or(0));
        }
        Err(error) => {
            props.errors.insert(
                props::NETWORK_INTERFACE_COUNT.to_owned(),
                error.to_collection_error(),
            );
        }
    }
    let arn = region.arn(ARN_TYPE, &group_id);
    let tags = tags_from_aws(item.get("Tags"));
    props.group_id = group_id;
    props.group_name = group_name.clone();
    Some(region.resource(KIND, arn, group_name, tags, &props))
}

/// How many network interfaces use each group.
fn interfaces_per_group(listing: &Value) -> HashMap<String, u64> {
    let mut counts = HashMap::new();
    for interface in list(listing, "NetworkInterfaces") {
        let mut groups = texts(interface, "Groups", "GroupId");
        groups.sort_unstable();
        groups.dedup();
        for group in groups {
            *counts.entry(group).or_insert(0) += 1;
        }
    }
    counts
}

/// Sets a rule's peer.
type SetPeer = fn(&mut SecurityGroupRule, String);

/// The peer lists of an `IpPermissions` entry: list key, field of each item, where it goes.
const PEERS: [(&str, &str, SetPeer); 4] = [
    ("IpRanges", "CidrIp", |r, v| r.cidr_ipv4 = Some(v)),
    ("Ipv6Ranges", "CidrIpv6", |r, v| r.cidr_ipv6 = Some(v)),
    ("UserIdGroupPairs", "GroupId", |r, v| {
        r.security_group_id = Some(v)
    }),
    ("PrefixListIds", "PrefixListId", |r, v| {
        r.prefix_list_id = Some(v)
    }),
];

/// AWS's `IpPermissions` as rules with one peer each, in AWS's order: IPv4 ranges, IPv6
/// ranges, groups, prefix lists.
pub fn rules(permissions: &[Value]) -> Vec<SecurityGroupRule> {
    let mut rules = Vec::new();
    for permission in permissions {
        let protocol = text(permission, "IpProtocol").unwrap_or_else(|| ALL_PROTOCOLS.to_owned());
        // `-1` ports (and any port on protocol -1) mean "all", which the schema writes null.
        let port = |key| int(permission, key).filter(|p| *p != -1 && protocol != ALL_PROTOCOLS);
        let base = SecurityGroupRule {
            protocol: protocol.clone(),
            from_port: port("FromPort"),
            to_port: port("ToPort"),
            ..SecurityGroupRule::default()
        };
        for (key, field, set) in PEERS {
            for peer in list(permission, key) {
                let Some(value) = text(peer, field) else {
                    continue;
                };
                let mut rule = SecurityGroupRule {
                    description: text(peer, "Description"),
                    ..base.clone()
                };
                set(&mut rule, value);
                rules.push(rule);
            }
        }
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::*;
    use lgp_sdk::net::Protocol;
    use serde_json::json;

    #[test]
    fn one_rule_per_peer_with_null_ports_for_all_traffic() {
        let permissions = json!([
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
             "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "ssh"}, {"CidrIp": "10.0.0.0/8"}],
             "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
            {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-1", "UserId": "1"}],
             "PrefixListIds": [{"PrefixListId": "pl-1"}]},
            {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "1.2.3.4/32"}]}
        ]);
        let rules = rules(permissions.as_array().expect("array"));
        assert_eq!(rules.len(), 6);
        assert_eq!(rules[0].cidr_ipv4.as_deref(), Some("0.0.0.0/0"));
        assert_eq!(rules[0].description.as_deref(), Some("ssh"));
        assert!(rules[0].is_world() && rules[0].exposes(Protocol::Tcp, 22));
        assert!(!rules[1].is_world());
        assert_eq!(rules[2].cidr_ipv6.as_deref(), Some("::/0"));
        assert_eq!(rules[3].security_group_id.as_deref(), Some("sg-1"));
        assert_eq!((rules[3].from_port, rules[3].to_port), (None, None));
        assert_eq!(rules[4].prefix_list_id.as_deref(), Some("pl-1"));
        assert_eq!(rules[5].protocol, "icmp");
        assert_eq!(rules[5].from_port, None);
    }

    #[test]
    fn groups_count_the_interfaces_using_them() {
        let enis = json!({"NetworkInterfaces": [
            {"Groups": [{"GroupId": "sg-1"}, {"GroupId": "sg-2"}]},
            {"Groups": [{"GroupId": "sg-1"}]},
            {}
        ]});
        let counts = interfaces_per_group(&enis);
        assert_eq!(counts["sg-1"], 2);
        assert_eq!(counts["sg-2"], 1);
        assert!(!counts.contains_key("sg-3"));
    }
}
