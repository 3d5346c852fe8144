//! The EC2 kinds (`aws:ec2:*`): instances, security groups, network ACLs, VPCs and their flow
//! logs, EBS volumes, snapshots and the account's EBS encryption default, AMIs, launch
//! templates, Elastic IPs and network interfaces. Documented in `docs/resources/aws-ec2.md`.
//!
//! One module per kind, each with its `KIND`, its property names (`props`) and the typed
//! `properties` document the collector writes. Shared parts ([`MetadataOptions`],
//! [`UserData`]) live here.
//!
//! | kind | module | ARN |
//! |---|---|---|
//! | `aws:ec2:instance` | [`instance`] | `arn:aws:ec2:<region>:<account>:instance/<id>` |
//! | `aws:ec2:security-group` | [`security_group`] | `…:security-group/<id>` |
//! | `aws:ec2:network-acl` | [`network_acl`] | `…:network-acl/<id>` |
//! | `aws:ec2:vpc` | [`vpc`] | `…:vpc/<id>` |
//! | `aws:ec2:flow-log` | [`flow_log`] | `…:vpc-flow-log/<id>` |
//! | `aws:ec2:volume` | [`volume`] | `…:volume/<id>` |
//! | `aws:ec2:snapshot` | [`snapshot`] | `…:snapshot/<id>` |
//! | `aws:ec2:ebs-encryption-by-default` | [`ebs_encryption_by_default`] | `…:ebs-encryption-by-default` (one per region) |
//! | `aws:ec2:image` | [`image`] | `arn:aws:ec2:<region>::image/<id>` (no account, as AWS writes it) |
//! | `aws:ec2:launch-template` | [`launch_template`] | `…:launch-template/<id>` |
//! | `aws:ec2:elastic-ip` | [`elastic_ip`] | `…:elastic-ip/<allocation-id>` |
//! | `aws:ec2:network-interface` | [`network_interface`] | `…:network-interface/<id>` |
//!
//! Every struct carries `errors` (see [`crate::resource::ERRORS_KEY`]): the properties a detail
//! call could not read, which are then `null`. Rules read one property at a time
//! (`resource.get::<Option<MetadataOptions>>(instance::props::METADATA_OPTIONS)`), so one
//! unreadable property cannot turn an unrelated check into an error.

use crate::secrets::{self, Detection};
use serde::{Deserialize, Serialize};

/// `HttpTokens` value that makes IMDSv2 (session tokens) mandatory.
pub const HTTP_TOKENS_REQUIRED: &str = "required";
/// `HttpEndpoint` value that turns the instance metadata service off.
pub const HTTP_ENDPOINT_DISABLED: &str = "disabled";

/// Instance metadata service settings (`metadata_options`) of an instance or of a launch
/// template's latest version. Each field is AWS's value, `None` when AWS gives none (a launch
/// template that leaves the setting to the launch defaults).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataOptions {
    /// `required` (IMDSv2 only) or `optional` (IMDSv1 allowed).
    pub http_tokens: Option<String>,
    /// `enabled` or `disabled`.
    pub http_endpoint: Option<String>,
    /// How many network hops the metadata response may travel (1–64).
    pub http_put_response_hop_limit: Option<i64>,
    /// `enabled` or `disabled`: instance tags readable through the metadata service.
    pub instance_metadata_tags: Option<String>,
}

impl MetadataOptions {
    /// Whether IMDSv1 answers: the endpoint is not disabled and tokens are not required (an
    /// unset `http_tokens` launches as `optional`).
    pub fn imdsv1_allowed(&self) -> bool {
        self.http_endpoint.as_deref() != Some(HTTP_ENDPOINT_DISABLED)
            && self.http_tokens.as_deref() != Some(HTTP_TOKENS_REQUIRED)
    }
}

/// What the collector learnt about the user data of an instance or of a launch template's
/// latest version (`user_data`). The text itself is never stored: the collector decodes it,
/// runs [`crate::secrets::detect`] and keeps only what was found and where.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserData {
    /// Whether there is any user data.
    pub present: bool,
    /// Whether it was searched for secrets (`false` for gzip-compressed or undecodable data,
    /// and when there is none).
    pub inspected: bool,
    /// Why present user data was not searched: `compressed` or `not_base64`.
    pub not_inspected_reason: Option<String>,
    /// The secrets found: their kind and line, never their text.
    #[serde(default)]
    pub secrets: Vec<Detection>,
}

impl UserData {
    /// Inspects AWS's base64 `UserData` value (`None` or empty: no user data).
    pub fn inspect(encoded: Option<&str>) -> Self {
        let Some(encoded) = encoded.filter(|e| !e.trim().is_empty()) else {
            return Self::default();
        };
        match secrets::inspect_base64(encoded) {
            Ok(found) => Self {
                present: true,
                inspected: true,
                not_inspected_reason: None,
                secrets: found,
            },
            Err(why) => Self {
                present: true,
                inspected: false,
                not_inspected_reason: Some(why.as_str().to_owned()),
                secrets: Vec::new(),
            },
        }
    }
}

/// `aws:ec2:instance`: an EC2 instance (DescribeInstances).
pub mod instance {
    use super::{MetadataOptions, UserData};
    use crate::resource::CollectionError;
    use serde::{Deserialize, Serialize};
    use std::collections::BTreeMap;

    /// The resource kind.
    pub const KIND: &str = "aws:ec2:instance";

    /// The property names, for [`crate::Resource::get`] and for `errors` keys.
    pub mod props {
        /// `instance_id`: string.
        pub const INSTANCE_ID: &str = "instance_id";
        /// `state`: `pending`, `running`, `stopping`, `stopped`, `shutting-down`, `terminated`.
        pub const STATE: &str = "state";
        /// `instance_type`: e.g. `t3.micro`.
        pub const INSTANCE_TYPE: &str = "instance_type";
        /// `image_id`: the AMI launched from.
        pub const IMAGE_ID: &str = "image_id";
        /// `vpc_id`: string or null.
        pub const VPC_ID: &str = "vpc_id";
        /// `subnet_id`: string or null.
        pub const SUBNET_ID: &str = "subnet_id";
        /// `private_ip_address`: string or null.
        pub const PRIVATE_IP_ADDRESS: &str = "private_ip_address";
        /// `private_dns_name`: string or null.
        pub const PRIVATE_DNS_NAME: &str = "private_dns_name";
        /// `public_ip_address`: string or null (no public IPv4 address).
        pub const PUBLIC_IP_ADDRESS: &str = "public_ip_address";
        /// `public_dns_name`: string or null.
        pub const PUBLIC_DNS_NAME: &str = "public_dns_name";
        /// `metadata_options`: [`super::MetadataOptions`] or null.
        pub const METADATA_OPTIONS: &str = "metadata_options";
        /// `iam_instance_profile_arn`: string or null (no instance profile).
        pub const IAM_INSTANCE_PROFILE_ARN: &str = "iam_instance_profile_arn";
        /// `security_group_ids`: list of strings.
        pub const SECURITY_GROUP_IDS: &str = "security_group_ids";
        /// `network_interface_ids`: list of strings.
        pub const NETWORK_INTERFACE_IDS: &str = "network_interface_ids";
        /// `volume_ids`: list of strings (EBS block devices).
        pub const VOLUME_IDS: &str = "volume_ids";
        /// `launch_time`: RFC 3339 string or null.
        pub const LAUNCH_TIME: &str = "launch_time";
        /// `monitoring_state`: `disabled`, `enabled`, `pending`… or null.
        pub const MONITORING_STATE: &str = "monitoring_state";
        /// `key_name`: the SSH key pair's name, or null.
        pub const KEY_NAME: &str = "key_name";
        /// `user_data`: [`super::UserData`] (null with an `errors` entry when unreadable).
        pub const USER_DATA: &str = "user_data";
        /// `state_transition_time`: RFC 3339 string, when AWS's `StateTransitionReason` dates
        /// the last state change (e.g. a user-initiated stop), else null.
        pub const STATE_TRANSITION_TIME: &str = "state_transition_time";
    }

    /// The whole `properties` object of an `aws:ec2:instance` resource.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct Instance {
        /// The instance id, `i-…`.
        pub instance_id: String,
        /// The state's name (`running`, `stopped`…).
        pub state: Option<String>,
        /// The instance type.
        pub instance_type: Option<String>,
        /// The AMI the instance was launched from.
        pub image_id: Option<String>,
        /// The VPC.
        pub vpc_id: Option<String>,
        /// The subnet.
        pub subnet_id: Option<String>,
        /// The primary private IPv4 address.
        pub private_ip_address: Option<String>,
        /// The private DNS name.
        pub private_dns_name: Option<String>,
        /// The public IPv4 address; `None` when the instance has none.
        pub public_ip_address: Option<String>,
        /// The public DNS name; `None` when it has none.
        pub public_dns_name: Option<String>,
        /// The instance metadata service settings.
        pub metadata_options: Option<MetadataOptions>,
        /// The instance profile's ARN; `None` when no profile is attached.
        pub iam_instance_profile_arn: Option<String>,
        /// The security groups of the instance and of its network interfaces.
        #[serde(default)]
        pub security_group_ids: Vec<String>,
        /// The attached network interfaces.
        #[serde(default)]
        pub network_interface_ids: Vec<String>,
        /// The EBS volumes of its block device mappings.
        #[serde(default)]
        pub volume_ids: Vec<String>,
        /// When it was launched, RFC 3339.
        pub launch_time: Option<String>,
        /// Detailed monitoring: `disabled`, `disabling`, `enabled` or `pending`.
        pub monitoring_state: Option<String>,
        /// The key pair it was launched with.
        pub key_name: Option<String>,
        /// The instance's user data (DescribeInstanceAttribute `userData`), as inspected for
        /// secrets; the content is never collected.
        pub user_data: Option<UserData>,
        /// When the instance last changed state, as dated by AWS's `StateTransitionReason`.
        pub state_transition_time: Option<String>,
        /// Properties that could not be collected, by property name.
        #[serde(default)]
        pub errors: BTreeMap<String, CollectionError>,
    }
}

/// `aws:ec2:security-group`: a VPC security group (DescribeSecurityGroups).
pub mod security_group {
    use crate::net::{PortRange, Protocol, exposes_port, is_world_cidr};
    use crate::resource::CollectionError;
    use serde::{Deserialize, Serialize};
    use std::collections::BTreeMap;

    /// The resource kind.
    pub const KIND: &str = "aws:ec2:security-group";

    /// The name AWS gives every VPC's default security group.
    pub const DEFAULT_GROUP_NAME: &str = "default";

    /// The property names, for [`crate::Resource::get`] and for `errors` keys.
    pub mod props {
        /// `group_id`: string.
        pub const GROUP_ID: &str = "group_id";
        /// `group_name`: string.
        pub const GROUP_NAME: &str = "group_name";
        /// `description`: string or null.
        pub const DESCRIPTION: &str = "description";
        /// `vpc_id`: string or null.
        pub const VPC_ID: &str = "vpc_id";
        /// `is_default`: bool.
        pub const IS_DEFAULT: &str = "is_default";
        /// `ingress`: list of [`super::SecurityGroupRule`].
        pub const INGRESS: &str = "ingress";
        /// `egress`: list of [`super::SecurityGroupRule`].
        pub const EGRESS: &str = "egress";
        /// `network_interface_count`: integer (null with an `errors` entry when unreadable).
        pub const NETWORK_INTERFACE_COUNT: &str = "network_interface_count";
    }

    /// The whole `properties` object of an `aws:ec2:security-group` resource.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct SecurityGroup {
        /// The group id, `sg-…`.
        pub group_id: String,
        /// The group name.
        pub group_name: String,
        /// The group's description.
        pub description: Option<String>,
        /// The VPC of the group.
        pub vpc_id: Option<String>,
        /// Whether this is a VPC's default group (named `default`).
        pub is_default: bool,
        /// Inbound rules, one per source.
        #[serde(default)]
        pub ingress: Vec<SecurityGroupRule>,
        /// Outbound rules, one per destination.
        #[serde(default)]
        pub egress: Vec<SecurityGroupRule>,
        /// How many network interfaces of the region use the group (0: unused).
        pub network_interface_count: Option<u64>,
        /// Properties that could not be collected, by property name.
        #[serde(default)]
        pub errors: BTreeMap<String, CollectionError>,
    }

    /// One security group rule with exactly one peer: AWS's `IpPermissions` entries are split
    /// into one rule per CIDR, group or prefix list, as DescribeSecurityGroupRules lists them.
    /// For an egress rule the peer is the destination.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct SecurityGroupRule {
        /// AWS's `IpProtocol`: `-1` (all traffic), `tcp`, `udp`, `icmp`, `icmpv6` or a
        /// protocol number.
        pub protocol: String,
        /// First port (ICMP: type); `None` means all (AWS gives none, or `-1`).
        pub from_port: Option<i64>,
        /// Last port (ICMP: code); `None` means all.
        pub to_port: Option<i64>,
        /// An IPv4 CIDR peer.
        #[serde(default)]
        pub cidr_ipv4: Option<String>,
        /// An IPv6 CIDR peer.
        #[serde(default)]
        pub cidr_ipv6: Option<String>,
        /// A security group peer.
        #[serde(default)]
        pub security_group_id: Option<String>,
        /// A managed prefix list peer.
        #[serde(default)]
        pub prefix_list_id: Option<String>,
        /// The rule's description.
        #[serde(default)]
        pub description: Option<String>,
    }

    impl SecurityGroupRule {
        /// Whether the peer is the whole internet (`0.0.0.0/0` or `::/0`).
        pub fn is_world(&self) -> bool {
            [&self.cidr_ipv4, &self.cidr_ipv6]
                .into_iter()
                .flatten()
                .any(|c| is_world_cidr(c))
        }

        /// Whether the rule carries `wanted` traffic to `port` (protocol `-1` carries
        /// everything).
        pub fn exposes(&self, wanted: Protocol, port: u16) -> bool {
            exposes_port(&self.protocol, self.from_port, self.to_port, wanted, port)
        }

        /// The port range (every port for protocol `-1` or unset ports).
        pub fn port_range(&self) -> PortRange {
            if Protocol::parse(&self.protocol) == Some(Protocol::All) {
                PortRange::ALL
            } else {
                PortRange::from_aws(self.from_port, self.to_port)
            }
        }
    }
}

/// `aws:ec2:network-acl`: a VPC network ACL (DescribeNetworkAcls).
pub mod network_acl {
    use crate::net::{PortRange, Protocol, is_world_cidr};
    use crate::resource::CollectionError;
    use serde::{Deserialize, Serialize};
    use std::collections::BTreeMap;

    /// The resource kind.
    pub const KIND: &str = "aws:ec2:network-acl";

    /// `rule_action` of an entry that lets traffic through.
    pub const ALLOW: &str = "allow";

    /// The property names, for [`crate::Resource::get`] and for `errors` keys.
    pub mod props {
        /// `network_acl_id`: string.
        pub const NETWORK_ACL_ID: &str = "network_acl_id";
        /// `vpc_id`: string or null.
        pub const VPC_ID: &str = "vpc_id";
        /// `is_default`: bool.
        pub const IS_DEFAULT: &str = "is_default";
        /// `entries`: list of [`super::NetworkAclEntry`].
        pub const ENTRIES: &str = "entries";
        /// `subnet_ids`: list of strings.
        pub const SUBNET_IDS: &str = "subnet_ids";
    }

    /// The whole `properties` object of an `aws:ec2:network-acl` resource.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct NetworkAcl {
        /// The ACL id, `acl-…`.
        pub network_acl_id: String,
        /// The VPC of the ACL.
        pub vpc_id: Option<String>,
        /// Whether it is the VPC's default ACL.
        pub is_default: bool,
        /// The entries, inbound and outbound, in AWS's order.
        #[serde(default)]
        pub entries: Vec<NetworkAclEntry>,
        /// The subnets associated with the ACL.
        #[serde(default)]
        pub subnet_ids: Vec<String>,
        /// Properties that could not be collected, by property name.
        #[serde(default)]
        pub errors: BTreeMap<String, CollectionError>,
    }

    impl NetworkAcl {
        /// Whether inbound `wanted` traffic to `port` from anywhere on the internet gets through:
        /// for IPv4 and for IPv6 separately, the lowest-numbered inbound entry for the whole
        /// internet (`0.0.0.0/0`, `::/0`) that matches the protocol and port decides, as AWS
        /// evaluates entries in rule-number order. Entries for narrower blocks are ignored.
        pub fn allows_from_world(&self, wanted: Protocol, port: u16) -> bool {
            let mut inbound: Vec<&NetworkAclEntry> =
                self.entries.iter().filter(|e| !e.egress).collect();
            inbound.sort_by_key(|e| e.rule_number);
            let first_world_match = |block: fn(&NetworkAclEntry) -> Option<&String>| {
                inbound
                    .iter()
                    .find(|e| block(e).is_some_and(|c| is_world_cidr(c)) && e.covers(wanted, port))
                    .is_some_and(|e| e.rule_action == ALLOW)
            };
            first_world_match(|e| e.cidr_block.as_ref())
                || first_world_match(|e| e.ipv6_cidr_block.as_ref())
        }
    }

    /// One entry (rule) of a network ACL.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct NetworkAclEntry {
        /// The rule number; entries are evaluated in increasing order (`32767` is the final
        /// catch-all deny).
        pub rule_number: i64,
        /// AWS's protocol number as a string: `-1` (all), `6` (TCP), `17` (UDP), `1` (ICMP)…
        pub protocol: String,
        /// `allow` or `deny`.
        pub rule_action: String,
        /// Whether the entry applies to outbound traffic.
        pub egress: bool,
        /// The IPv4 block.
        #[serde(default)]
        pub cidr_block: Option<String>,
        /// The IPv6 block.
        #[serde(default)]
        pub ipv6_cidr_block: Option<String>,
        /// The ports, for TCP and UDP entries; `None` means all ports.
        #[serde(default)]
        pub port_range: Option<NetworkAclPortRange>,
    }

    impl NetworkAclEntry {
        /// Whether the entry matches `wanted` traffic to `port`.
        pub fn covers(&self, wanted: Protocol, port: u16) -> bool {
            match Protocol::parse(&self.protocol) {
                Some(Protocol::All) => true,
                Some(p) if p.includes(wanted) => self
                    .port_range
                    .as_ref()
                    .is_none_or(|r| PortRange::from_aws(Some(r.from), Some(r.to)).covers(port)),
                _ => false,
            }
        }
    }

    /// The port range of a network ACL entry.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct NetworkAclPortRange {
        /// First port.
        pub from: i64,
        /// Last port.
        pub to: i64,
    }
}

/// `aws:ec2:vpc`: a VPC (DescribeVpcs) with its flow logs (DescribeFlowLogs).
pub mod vpc {
    use crate::resource::CollectionError;
    use serde::{Deserialize, Serialize};
    use std::collections::BTreeMap;

    /// The resource kind.
    pub const KIND: &str = "aws:ec2:vpc";

    /// The property names, for [`crate::Resource::get`] and for `errors` keys.
    pub mod props {
        /// `vpc_id`: string.
        pub const VPC_ID: &str = "vpc_id";
        /// `cidr_block`: the primary IPv4 block.
        pub const CIDR_BLOCK: &str = "cidr_block";
        /// `is_default`: bool.
        pub const IS_DEFAULT: &str = "is_default";
        /// `state`: `pending` or `available`.
        pub const STATE: &str = "state";
        /// `flow_logs`: list of [`super::VpcFlowLog`] (null with an `errors` entry when
        /// unreadable).
        pub const FLOW_LOGS: &str = "flow_logs";
    }

    /// The whole `properties` object of an `aws:ec2:vpc` resource.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct Vpc {
        /// The VPC id, `vpc-…`.
        pub vpc_id: String,
        /// The primary IPv4 CIDR block.
        pub cidr_block: Option<String>,
        /// Whether it is the region's default VPC.
        pub is_default: bool,
        /// `pending` or `available`.
        pub state: Option<String>,
        /// The flow logs whose resource is this VPC (empty: none).
        pub flow_logs: Option<Vec<VpcFlowLog>>,
        /// Properties that could not be collected, by property name.
        #[serde(default)]
        pub errors: BTreeMap<String, CollectionError>,
    }

    /// A flow log of a VPC, as the VPC lists it.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct VpcFlowLog {
        /// The flow log id, `fl-…`.
        pub flow_log_id: String,
        /// AWS's `FlowLogStatus`: `ACTIVE`.
        pub status: Option<String>,
        /// `ACCEPT`, `REJECT` or `ALL`.
        pub traffic_type: Option<String>,
        /// `cloud-watch-logs`, `s3` or `kinesis-data-firehose`.
        pub destination_type: Option<String>,
        /// The destination's ARN, or the log group's name.
        pub destination: Option<String>,
    }
}

/// `aws:ec2:flow-log`: a flow log of a VPC, subnet or network interface (DescribeFlowLogs).
pub mod flow_log {
    use crate::resource::CollectionError;
    use serde::{Deserialize, Serialize};
    use std::collections::BTreeMap;

    /// The resource kind.
    pub const KIND: &str = "aws:ec2:flow-log";

    /// The property names, for [`crate::Resource::get`] and for `errors` keys.
    pub mod props {
        /// `flow_log_id`: string.
        pub const FLOW_LOG_ID: &str = "flow_log_id";
        /// `resource_id`: the VPC, subnet or interface logged.
        pub const RESOURCE_ID: &str = "resource_id";
        /// `status`: `ACTIVE`.
        pub const STATUS: &str = "status";
        /// `traffic_type`: `ACCEPT`, `REJECT` or `ALL`.
        pub const TRAFFIC_TYPE: &str = "traffic_type";
        /// `log_destination_type`: `cloud-watch-logs`, `s3` or `kinesis-data-firehose`.
        pub const LOG_DESTINATION_TYPE: &str = "log_destination_type";
        /// `log_destination`: ARN or log group name.
        pub const LOG_DESTINATION: &str = "log_destination";
        /// `deliver_logs_status`: `SUCCESS`, `FAILED` or null.
        pub const DELIVER_LOGS_STATUS: &str = "deliver_logs_status";
        /// `creation_time`: RFC 3339 string or null.
        pub const CREATION_TIME: &str = "creation_time";
    }

    /// The whole `properties` object of an `aws:ec2:flow-log` resource.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct FlowLog {
        /// The flow log id, `fl-…`.
        pub flow_log_id: String,
        /// The VPC, subnet or network interface whose traffic is logged.
        pub resource_id: Option<String>,
        /// AWS's `FlowLogStatus` (`ACTIVE`).
        pub status: Option<String>,
        /// `ACCEPT`, `REJECT` or `ALL`.
        pub traffic_type: Option<String>,
        /// `cloud-watch-logs`, `s3` or `kinesis-data-firehose`.
        pub log_destination_type: Option<String>,
        /// The destination's ARN (`LogDestination`), or else the log group's name.
        pub log_destination: Option<String>,
        /// `SUCCESS` or `FAILED` (with AWS's reason in the console).
        pub deliver_logs_status: Option<String>,
        /// When the flow log was created, RFC 3339.
        pub creation_time: Option<String>,
        /// Properties that could not be collected, by property name.
        #[serde(default)]
        pub errors: BTreeMap<String, CollectionError>,
    }
}

/// `aws:ec2:volume`: an EBS volume (DescribeVolumes).
pub mod volume {
    use crate::resource::CollectionError;
    use serde::{Deserialize, Serialize};
    use std::collections::BTreeMap;

    /// The resource kind.
    pub const KIND: &str = "aws:ec2:volume";

    /// The property names, for [`crate::Resource::get`] and for `errors` keys.
    pub mod props {
        /// `volume_id`: string.
        pub const VOLUME_ID: &str = "volume_id";
        /// `encrypted`: bool.
        pub const ENCRYPTED: &str = "encrypted";
        /// `kms_key_id`: string or null.
        pub const KMS_KEY_ID: &str = "kms_key_id";
        /// `size`: GiB.
        pub const SIZE: &str = "size";
        /// `volume_type`: `gp3`, `gp2`, `io2`…
        pub const VOLUME_TYPE: &str = "volume_type";
        /// `state`: `available`, `in-use`…
        pub const STATE: &str = "state";
        /// `attachments`: list of [`super::VolumeAttachment`].
        pub const ATTACHMENTS: &str = "attachments";
        /// `create_time`: RFC 3339 string or null.
        pub const CREATE_TIME: &str = "create_time";
        /// `availability_zone`: string or null.
        pub const AVAILABILITY_ZONE: &str = "availability_zone";
        /// `snapshot_id`: the snapshot it was created from, or null.
        pub const SNAPSHOT_ID: &str = "snapshot_id";
    }

    /// The whole `properties` object of an `aws:ec2:volume` resource.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct Volume {
        /// The volume id, `vol-…`.
        pub volume_id: String,
        /// Whether the volume is encrypted.
        pub encrypted: bool,
        /// The KMS key of an encrypted volume.
        pub kms_key_id: Option<String>,
        /// Size in GiB.
        pub size: Option<i64>,
        /// `standard`, `gp2`, `gp3`, `io1`, `io2`, `st1`, `sc1`.
        pub volume_type: Option<String>,
        /// `creating`, `available`, `in-use`, `deleting`, `deleted` or `error`.
        pub state: Option<String>,
        /// The instances it is attached to (empty: unattached).
        #[serde(default)]
        pub attachments: Vec<VolumeAttachment>,
        /// When it was created, RFC 3339.
        pub create_time: Option<String>,
        /// Its availability zone.
        pub availability_zone: Option<String>,
        /// The snapshot it was created from.
        pub snapshot_id: Option<String>,
        /// Properties that could not be collected, by property name.
        #[serde(default)]
        pub errors: BTreeMap<String, CollectionError>,
    }

    /// One attachment of a volume.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct VolumeAttachment {
        /// The instance.
        pub instance_id: Option<String>,
        /// The device name, e.g. `/dev/sdf`.
        pub device: Option<String>,
        /// Whether the volume is deleted with the instance; `None` when not reported.
        pub delete_on_termination: Option<bool>,
        /// `attaching`, `attached`, `detaching`, `detached` or `busy`.
        pub state: Option<String>,
    }
}

/// `aws:ec2:snapshot`: an EBS snapshot owned by the account (DescribeSnapshots `self` with
/// DescribeSnapshotAttribute `createVolumePermission`).
pub mod snapshot {
    use crate::resource::CollectionError;
    use serde::{Deserialize, Serialize};
    use std::collections::BTreeMap;

    /// The resource kind.
    pub const KIND: &str = "aws:ec2:snapshot";

    /// The property names, for [`crate::Resource::get`] and for `errors` keys.
    pub mod props {
        /// `snapshot_id`: string.
        pub const SNAPSHOT_ID: &str = "snapshot_id";
        /// `volume_id`: string or null.
        pub const VOLUME_ID: &str = "volume_id";
        /// `volume_size`: GiB.
        pub const VOLUME_SIZE: &str = "volume_size";
        /// `encrypted`: bool.
        pub const ENCRYPTED: &str = "encrypted";
        /// `kms_key_id`: string or null.
        pub const KMS_KEY_ID: &str = "kms_key_id";
        /// `start_time`: RFC 3339 string or null.
        pub const START_TIME: &str = "start_time";
        /// `state`: `pending`, `completed`, `error`…
        pub const STATE: &str = "state";
        /// `public`: bool (null with an `errors` entry when unreadable).
        pub const PUBLIC: &str = "public";
        /// `shared_with_accounts`: list of account ids (null with an `errors` entry when
        /// unreadable).
        pub const SHARED_WITH_ACCOUNTS: &str = "shared_with_accounts";
    }

    /// The whole `properties` object of an `aws:ec2:snapshot` resource.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct Snapshot {
        /// The snapshot id, `snap-…`.
        pub snapshot_id: String,
        /// The volume it was taken from (may no longer exist).
        pub volume_id: Option<String>,
        /// The volume's size in GiB.
        pub volume_size: Option<i64>,
        /// Whether the snapshot is encrypted.
        pub encrypted: bool,
        /// The KMS key of an encrypted snapshot.
        pub kms_key_id: Option<String>,
        /// When it was started, RFC 3339.
        pub start_time: Option<String>,
        /// `pending`, `completed`, `error`, `recoverable`, `recovering`.
        pub state: Option<String>,
        /// Whether anyone may create volumes from it (`createVolumePermission` group `all`).
        pub public: Option<bool>,
        /// The accounts it is shared with (`createVolumePermission` user ids).
        pub shared_with_accounts: Option<Vec<String>>,
        /// Properties that could not be collected, by property name.
        #[serde(default)]
        pub errors: BTreeMap<String, CollectionError>,
    }
}

/// `aws:ec2:ebs-encryption-by-default`: the region's account setting (GetEbsEncryptionByDefault).
/// An account setting, not a resource one owns: exactly one per account and region.
pub mod ebs_encryption_by_default {
    use crate::resource::CollectionError;
    use serde::{Deserialize, Serialize};
    use std::collections::BTreeMap;

    /// The resource kind.
    pub const KIND: &str = "aws:ec2:ebs-encryption-by-default";

    /// The resource's name (and the last part of its ARN).
    pub const NAME: &str = "ebs-encryption-by-default";

    /// The property names, for [`crate::Resource::get`] and for `errors` keys.
    pub mod props {
        /// `enabled`: bool.
        pub const ENABLED: &str = "enabled";
    }

    /// The whole `properties` object of an `aws:ec2:ebs-encryption-by-default` resource.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct EbsEncryptionByDefault {
        /// Whether new EBS volumes and snapshot copies of the region are encrypted by default.
        pub enabled: bool,
        /// Properties that could not be collected, by property name.
        #[serde(default)]
        pub errors: BTreeMap<String, CollectionError>,
    }
}

/// `aws:ec2:image`: an AMI owned by the account (DescribeImages `self` with
/// DescribeImageAttribute `launchPermission`).
pub mod image {
    use crate::resource::CollectionError;
    use serde::{Deserialize, Serialize};
    use std::collections::BTreeMap;

    /// The resource kind.
    pub const KIND: &str = "aws:ec2:image";

    /// The property names, for [`crate::Resource::get`] and for `errors` keys.
    pub mod props {
        /// `image_id`: string.
        pub const IMAGE_ID: &str = "image_id";
        /// `name`: the AMI's name or null.
        pub const NAME: &str = "name";
        /// `state`: `available`, `pending`…
        pub const STATE: &str = "state";
        /// `creation_date`: RFC 3339 string or null.
        pub const CREATION_DATE: &str = "creation_date";
        /// `public`: bool.
        pub const PUBLIC: &str = "public";
        /// `shared_with_accounts`: list of account ids (null with an `errors` entry when
        /// unreadable).
        pub const SHARED_WITH_ACCOUNTS: &str = "shared_with_accounts";
        /// `ebs_encrypted`: bool, or null for an AMI without EBS mappings.
        pub const EBS_ENCRYPTED: &str = "ebs_encrypted";
        /// `snapshot_ids`: list of strings.
        pub const SNAPSHOT_IDS: &str = "snapshot_ids";
    }

    /// The whole `properties` object of an `aws:ec2:image` resource.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct Image {
        /// The AMI id, `ami-…`.
        pub image_id: String,
        /// The AMI's name.
        pub name: Option<String>,
        /// `pending`, `available`, `invalid`, `deregistered`, `transient`, `failed`, `error`.
        pub state: Option<String>,
        /// When it was created, RFC 3339.
        pub creation_date: Option<String>,
        /// Whether anyone may launch it (`Public`, or a launch permission for group `all`).
        pub public: bool,
        /// The accounts it is shared with (launch permission user ids).
        pub shared_with_accounts: Option<Vec<String>>,
        /// Whether every EBS block device mapping is encrypted (a mapping that does not say is
        /// counted as unencrypted); `None` when the AMI has no EBS mapping.
        pub ebs_encrypted: Option<bool>,
        /// The snapshots behind its EBS mappings.
        #[serde(default)]
        pub snapshot_ids: Vec<String>,
        /// Properties that could not be collected, by property name.
        #[serde(default)]
        pub errors: BTreeMap<String, CollectionError>,
    }
}

/// `aws:ec2:launch-template`: a launch template (DescribeLaunchTemplates) with the settings of
/// its latest version and the user data of every version (DescribeLaunchTemplateVersions).
pub mod launch_template {
    use super::{MetadataOptions, UserData};
    use crate::resource::CollectionError;
    use serde::{Deserialize, Serialize};
    use std::collections::BTreeMap;

    /// The resource kind.
    pub const KIND: &str = "aws:ec2:launch-template";

    /// The property names, for [`crate::Resource::get`] and for `errors` keys.
    pub mod props {
        /// `launch_template_id`: string.
        pub const LAUNCH_TEMPLATE_ID: &str = "launch_template_id";
        /// `launch_template_name`: string.
        pub const LAUNCH_TEMPLATE_NAME: &str = "launch_template_name";
        /// `latest_version_number`: integer.
        pub const LATEST_VERSION_NUMBER: &str = "latest_version_number";
        /// `default_version_number`: integer.
        pub const DEFAULT_VERSION_NUMBER: &str = "default_version_number";
        /// `create_time`: RFC 3339 string or null.
        pub const CREATE_TIME: &str = "create_time";
        /// `metadata_options` (latest version): [`super::MetadataOptions`], or null when the
        /// template does not set them.
        pub const METADATA_OPTIONS: &str = "metadata_options";
        /// `associate_public_ip_address` (latest version): bool.
        pub const ASSOCIATE_PUBLIC_IP_ADDRESS: &str = "associate_public_ip_address";
        /// `user_data` (latest version): [`super::UserData`].
        pub const USER_DATA: &str = "user_data";
        /// `iam_instance_profile` (latest version): ARN or name, or null.
        pub const IAM_INSTANCE_PROFILE: &str = "iam_instance_profile";
        /// `ebs_volumes` (latest version): list of [`super::LaunchTemplateEbsVolume`].
        pub const EBS_VOLUMES: &str = "ebs_volumes";
        /// `user_data_by_version` (every version): list of [`super::VersionUserData`], one per
        /// version that has user data, newest first.
        pub const USER_DATA_BY_VERSION: &str = "user_data_by_version";

        /// The properties read from the template's versions: when that read fails, each of them
        /// is null with an `errors` entry.
        pub const FROM_VERSIONS: [&str; 6] = [
            METADATA_OPTIONS,
            ASSOCIATE_PUBLIC_IP_ADDRESS,
            USER_DATA,
            IAM_INSTANCE_PROFILE,
            EBS_VOLUMES,
            USER_DATA_BY_VERSION,
        ];
    }

    /// The whole `properties` object of an `aws:ec2:launch-template` resource.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct LaunchTemplate {
        /// The template id, `lt-…`.
        pub launch_template_id: String,
        /// The template's name.
        pub launch_template_name: Option<String>,
        /// The latest version's number.
        pub latest_version_number: Option<i64>,
        /// The default version's number.
        pub default_version_number: Option<i64>,
        /// When the template was created, RFC 3339.
        pub create_time: Option<String>,
        /// The latest version's metadata options; `None` when it does not set them (instances
        /// then launch with the AMI's or account's defaults, `http_tokens` `optional` unless
        /// configured otherwise).
        pub metadata_options: Option<MetadataOptions>,
        /// Whether any network interface of the latest version asks for a public IPv4 address.
        pub associate_public_ip_address: Option<bool>,
        /// The latest version's user data, as inspected for secrets (the content is never
        /// collected).
        pub user_data: Option<UserData>,
        /// The latest version's instance profile, by ARN or else by name.
        pub iam_instance_profile: Option<String>,
        /// The latest version's EBS block devices.
        pub ebs_volumes: Option<Vec<LaunchTemplateEbsVolume>>,
        /// The user data of every version that has some, newest first: older versions stay
        /// launchable, so their secrets matter too.
        pub user_data_by_version: Option<Vec<VersionUserData>>,
        /// Properties that could not be collected, by property name.
        #[serde(default)]
        pub errors: BTreeMap<String, CollectionError>,
    }

    /// The user data of one launch template version.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct VersionUserData {
        /// The version's number.
        pub version_number: i64,
        /// Its user data, as inspected for secrets.
        pub user_data: UserData,
    }

    /// One EBS block device of a launch template version.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct LaunchTemplateEbsVolume {
        /// The device name, e.g. `/dev/xvda`.
        pub device_name: Option<String>,
        /// `Encrypted` as the template sets it; `None` when unset (the volume then follows the
        /// snapshot's encryption and the region's EBS encryption by default).
        pub encrypted: Option<bool>,
        /// The KMS key it names.
        pub kms_key_id: Option<String>,
    }
}

/// `aws:ec2:elastic-ip`: an Elastic IP address (DescribeAddresses).
pub mod elastic_ip {
    use crate::resource::CollectionError;
    use serde::{Deserialize, Serialize};
    use std::collections::BTreeMap;

    /// The resource kind.
    pub const KIND: &str = "aws:ec2:elastic-ip";

    /// The property names, for [`crate::Resource::get`] and for `errors` keys.
    pub mod props {
        /// `allocation_id`: string.
        pub const ALLOCATION_ID: &str = "allocation_id";
        /// `public_ip`: string.
        pub const PUBLIC_IP: &str = "public_ip";
        /// `domain`: `vpc` or `standard`.
        pub const DOMAIN: &str = "domain";
        /// `association_id`: string or null.
        pub const ASSOCIATION_ID: &str = "association_id";
        /// `instance_id`: string or null.
        pub const INSTANCE_ID: &str = "instance_id";
        /// `network_interface_id`: string or null.
        pub const NETWORK_INTERFACE_ID: &str = "network_interface_id";
        /// `private_ip_address`: string or null.
        pub const PRIVATE_IP_ADDRESS: &str = "private_ip_address";
        /// `associated`: bool.
        pub const ASSOCIATED: &str = "associated";
    }

    /// The whole `properties` object of an `aws:ec2:elastic-ip` resource.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct ElasticIp {
        /// The allocation id, `eipalloc-…` (the public IP for a pre-VPC `standard` address).
        pub allocation_id: String,
        /// The address.
        pub public_ip: Option<String>,
        /// `vpc` or `standard`.
        pub domain: Option<String>,
        /// The association, when associated.
        pub association_id: Option<String>,
        /// The instance it is associated with.
        pub instance_id: Option<String>,
        /// The network interface it is associated with.
        pub network_interface_id: Option<String>,
        /// The private address it maps to.
        pub private_ip_address: Option<String>,
        /// Whether it is associated with an instance or a network interface.
        pub associated: bool,
        /// Properties that could not be collected, by property name.
        #[serde(default)]
        pub errors: BTreeMap<String, CollectionError>,
    }
}

/// `aws:ec2:network-interface`: an elastic network interface (DescribeNetworkInterfaces).
pub mod network_interface {
    use crate::resource::CollectionError;
    use serde::{Deserialize, Serialize};
    use std::collections::BTreeMap;

    /// The resource kind.
    pub const KIND: &str = "aws:ec2:network-interface";

    /// The property names, for [`crate::Resource::get`] and for `errors` keys.
    pub mod props {
        /// `network_interface_id`: string.
        pub const NETWORK_INTERFACE_ID: &str = "network_interface_id";
        /// `interface_type`: `interface`, `nat_gateway`, `lambda`…
        pub const INTERFACE_TYPE: &str = "interface_type";
        /// `status`: `available`, `in-use`…
        pub const STATUS: &str = "status";
        /// `vpc_id`: string or null.
        pub const VPC_ID: &str = "vpc_id";
        /// `subnet_id`: string or null.
        pub const SUBNET_ID: &str = "subnet_id";
        /// `availability_zone`: string or null.
        pub const AVAILABILITY_ZONE: &str = "availability_zone";
        /// `private_ip_address`: the primary private address.
        pub const PRIVATE_IP_ADDRESS: &str = "private_ip_address";
        /// `private_ip_addresses`: list of strings.
        pub const PRIVATE_IP_ADDRESSES: &str = "private_ip_addresses";
        /// `public_ip`: string or null.
        pub const PUBLIC_IP: &str = "public_ip";
        /// `instance_id`: the attached instance, or null.
        pub const INSTANCE_ID: &str = "instance_id";
        /// `security_group_ids`: list of strings.
        pub const SECURITY_GROUP_IDS: &str = "security_group_ids";
        /// `requester_managed`: bool.
        pub const REQUESTER_MANAGED: &str = "requester_managed";
        /// `description`: string or null.
        pub const DESCRIPTION: &str = "description";
    }

    /// The whole `properties` object of an `aws:ec2:network-interface` resource.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct NetworkInterface {
        /// The interface id, `eni-…`.
        pub network_interface_id: String,
        /// `interface`, `efa`, `nat_gateway`, `lambda`, `vpc_endpoint`… (AWS's spelling).
        pub interface_type: Option<String>,
        /// `available`, `associated`, `attaching`, `in-use` or `detaching`.
        pub status: Option<String>,
        /// The VPC.
        pub vpc_id: Option<String>,
        /// The subnet.
        pub subnet_id: Option<String>,
        /// The availability zone.
        pub availability_zone: Option<String>,
        /// The primary private IPv4 address.
        pub private_ip_address: Option<String>,
        /// Every private IPv4 address.
        #[serde(default)]
        pub private_ip_addresses: Vec<String>,
        /// The public IPv4 address (`Association.PublicIp`).
        pub public_ip: Option<String>,
        /// The instance it is attached to.
        pub instance_id: Option<String>,
        /// Its security groups.
        #[serde(default)]
        pub security_group_ids: Vec<String>,
        /// Whether an AWS service manages it (load balancers, NAT gateways…).
        pub requester_managed: bool,
        /// Its description.
        pub description: Option<String>,
        /// Properties that could not be collected, by property name.
        #[serde(default)]
        pub errors: BTreeMap<String, CollectionError>,
    }
}

#[cfg(test)]
mod tests {
    use super::network_acl::{NetworkAcl, NetworkAclEntry, NetworkAclPortRange};
    use super::security_group::SecurityGroupRule;
    use super::*;
    use crate::net::Protocol;
    use serde_json::json;

    #[test]
    fn metadata_options_say_whether_imdsv1_answers() {
        let mut m = MetadataOptions {
            http_tokens: Some("optional".into()),
            http_endpoint: Some("enabled".into()),
            ..MetadataOptions::default()
        };
        assert!(m.imdsv1_allowed());
        m.http_tokens = Some("required".into());
        assert!(!m.imdsv1_allowed());
        m.http_tokens = None;
        assert!(MetadataOptions::default().imdsv1_allowed());
        m.http_endpoint = Some("disabled".into());
        assert!(!m.imdsv1_allowed());
    }

    #[test]
    fn security_group_rules_know_their_exposure() {
        let ssh = SecurityGroupRule {
            protocol: "tcp".into(),
            from_port: Some(22),
            to_port: Some(22),
            cidr_ipv6: Some("::/0".into()),
            ..SecurityGroupRule::default()
        };
        assert!(ssh.is_world() && ssh.exposes(Protocol::Tcp, 22));
        assert!(!ssh.exposes(Protocol::Tcp, 3389));
        let all = SecurityGroupRule {
            protocol: "-1".into(),
            security_group_id: Some("sg-1".into()),
            ..SecurityGroupRule::default()
        };
        assert!(!all.is_world() && all.exposes(Protocol::Udp, 53));
        assert!(all.port_range().is_all());
    }

    fn entry(
        n: i64,
        proto: &str,
        action: &str,
        cidr: &str,
        ports: Option<(i64, i64)>,
    ) -> NetworkAclEntry {
        NetworkAclEntry {
            rule_number: n,
            protocol: proto.into(),
            rule_action: action.into(),
            egress: false,
            cidr_block: Some(cidr.into()),
            ipv6_cidr_block: None,
            port_range: ports.map(|(from, to)| NetworkAclPortRange { from, to }),
        }
    }

    #[test]
    fn network_acls_evaluate_world_entries_in_rule_order() {
        let mut acl = NetworkAcl {
            entries: vec![
                entry(32767, "-1", "deny", "0.0.0.0/0", None),
                entry(100, "6", "allow", "0.0.0.0/0", Some((22, 22))),
            ],
            ..NetworkAcl::default()
        };
        assert!(acl.allows_from_world(Protocol::Tcp, 22));
        assert!(!acl.allows_from_world(Protocol::Tcp, 3389));
        acl.entries.push(entry(50, "-1", "deny", "0.0.0.0/0", None));
        assert!(!acl.allows_from_world(Protocol::Tcp, 22));
        let narrow = NetworkAcl {
            entries: vec![entry(100, "6", "allow", "10.0.0.0/8", Some((443, 443)))],
            ..NetworkAcl::default()
        };
        assert!(!narrow.allows_from_world(Protocol::Tcp, 443));
    }

    #[test]
    fn user_data_keeps_only_what_was_found() {
        assert_eq!(UserData::inspect(None), UserData::default());
        assert!(!UserData::inspect(Some("")).present);
        let clean = UserData::inspect(Some("IyEvYmluL2Jhc2g="));
        assert!(clean.present && clean.inspected && clean.secrets.is_empty());
        let gz = UserData::inspect(Some("H4sIAAAAAAAA"));
        assert!(gz.present && !gz.inspected);
        assert_eq!(gz.not_inspected_reason.as_deref(), Some("compressed"));
        // "x\npassword=Zx81Qw09Er\n"
        let leaky = UserData::inspect(Some("eApwYXNzd29yZD1aeDgxUXcwOUVyCg=="));
        let doc = serde_json::to_value(&leaky).expect("serializes");
        assert_eq!(
            doc,
            json!({"present": true, "inspected": true, "not_inspected_reason": null,
                "secrets": [{"kind": "assigned_secret", "line": 2}]})
        );
        assert!(!doc.to_string().contains("Zx81"));
    }

    #[test]
    fn documents_round_trip() {
        let doc = json!({
            "group_id": "sg-1", "group_name": "default", "description": "d", "vpc_id": "vpc-1",
            "is_default": true,
            "ingress": [{"protocol": "-1", "from_port": null, "to_port": null, "cidr_ipv4": null,
                "cidr_ipv6": null, "security_group_id": "sg-1", "prefix_list_id": null,
                "description": null}],
            "egress": [], "network_interface_count": null,
            "errors": {"network_interface_count": {"code": "UnauthorizedOperation", "category": "access_denied"}}
        });
        let sg: security_group::SecurityGroup =
            serde_json::from_value(doc.clone()).expect("schema");
        assert_eq!(serde_json::to_value(&sg).expect("serializes"), doc);
    }
}
