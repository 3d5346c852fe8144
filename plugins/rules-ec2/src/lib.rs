//! LG-Protect's built-in rules for EC2 resources: security groups, network ACLs, VPC flow logs,
//! instances, EBS volumes, snapshots and the region's EBS encryption default, AMIs, launch
//! templates and Elastic IPs.
//!
//! A pure rule plugin: it reads the `aws:ec2:*` properties the EC2 collector emits (schema in
//! [`lgp_sdk::kinds::ec2`], documented in `docs/resources/aws-ec2.md`) and has no I/O and no
//! clock. Built for `wasm32-wasip2` it is a component exporting `lg-protect:plugin/evaluate`;
//! built natively its unit tests run through the SDK's harness ([`lgp_sdk::testing`]).
//!
//! It deliberately does not correlate resources with each other (e.g. "volumes of running
//! instances", "groups of public instances"): the rule contract evaluates one resource at a time,
//! so the collector precomputes what needs a join (`network_interface_count`, `associated`).
//!
//! # Checks
//!
//! References are listed in full in each check's metadata (`lgp checks`); the table names the
//! CIS and AWS FSBP controls. Every check also carries the PCI DSS 4.0, SOC 2, HIPAA, NIST
//! 800-53 r5 and ISO 27001:2022 controls that truly apply (shared sets in [`checks`]).
//!
//! | id | kind | severity | CIS 3.0 / 7.0; FSBP | Security Hub |
//! |---|---|---|---|---|
//! | `ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22` | security-group | high | 5.2, 5.3 / 6.3, 6.4; EC2.13 | EC2.13 |
//! | `ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389` | security-group | high | 5.2, 5.3 / 6.3, 6.4; EC2.14 | EC2.14 |
//! | `ec2_securitygroup_allow_ingress_from_internet_to_all_ports` | security-group | critical | 5.2, 5.3 / 6.3, 6.4; EC2.18 | — |
//! | `ec2_securitygroup_allow_ingress_from_internet_to_any_port` | security-group | high | EC2.18 | EC2.18 |
//! | 16 service-port checks ([`checks::service_ports::SERVICES`]) | security-group | high | CIFS: — / 6.1.2; high-risk: EC2.19 | high-risk: EC2.19 |
//! | `ec2_securitygroup_default_restrict_traffic` | security-group | high | 5.4 / 6.5; EC2.2 | EC2.2 |
//! | `ec2_securitygroup_allow_wide_open_public_ipv4` | security-group | high | — | — |
//! | `ec2_securitygroup_with_many_ingress_egress_rules` | security-group | medium | — | — |
//! | `ec2_securitygroup_from_launch_wizard` | security-group | medium | — | — |
//! | `ec2_securitygroup_not_used` | security-group | low | EC2.22 | EC2.22 |
//! | `ec2_networkacl_allow_ingress_tcp_port_22` | network-acl | medium | 5.1 / 6.2; EC2.21 | EC2.21 |
//! | `ec2_networkacl_allow_ingress_tcp_port_3389` | network-acl | medium | 5.1 / 6.2; EC2.21 | EC2.21 |
//! | `ec2_networkacl_allow_ingress_any_port` | network-acl | high | 5.1 / 6.2 | — |
//! | `ec2_networkacl_unused` | network-acl | low | EC2.16 | EC2.16 |
//! | `vpc_flow_logs_enabled` | vpc | medium | 3.7 / 4.7; EC2.6 | EC2.6 |
//! | `ec2_instance_imdsv2_enabled` | instance | high | 5.6 / 6.7; EC2.8 | EC2.8 |
//! | `ec2_instance_public_ip` | instance | medium | EC2.9 | EC2.9 |
//! | `ec2_instance_profile_attached` | instance | medium | 1.18 / 2.16 | — |
//! | `ec2_instance_internet_facing_with_instance_profile` | instance | high | — | — |
//! | `ec2_instance_secrets_user_data` | instance | high | — | — |
//! | `ec2_instance_detailed_monitoring_enabled` | instance | low | — | — |
//! | `ec2_instance_uses_single_eni` | instance | low | EC2.17 | EC2.17 |
//! | `ec2_instance_older_than_specific_days` | instance | medium | — | — |
//! | `ec2_instance_stopped_older_than_specific_days` | instance | low | EC2.4 | EC2.4 |
//! | `ec2_ebs_default_encryption` | ebs-encryption-by-default | medium | 2.2.1 / 6.1.1; EC2.7 | EC2.7 |
//! | `ec2_ebs_volume_encryption` | volume | medium | EC2.3 | EC2.3 |
//! | `ec2_ebs_public_snapshot` | snapshot | critical | EC2.1 | EC2.1 |
//! | `ec2_ebs_snapshots_encrypted` | snapshot | medium | — | — |
//! | `ec2_ami_public` | image | critical | — | — |
//! | `ec2_launch_template_imdsv2_required` | launch-template | high | EC2.170 | EC2.170 |
//! | `ec2_launch_template_no_public_ip` | launch-template | high | EC2.25 | EC2.25 |
//! | `ec2_launch_template_no_secrets` | launch-template | high | — | — |
//! | `ec2_elastic_ip_unassigned` | elastic-ip | low | EC2.12 | EC2.12 |
//!
//! 48 checks. Every id is Prowler's id for the same check, except three service-port checks
//! Prowler has only for instances (`…_to_port_ldap_389_636`, `…_to_port_kerberos_88_464_749_750`,
//! `…_to_port_cifs_139_445`).
//!
//! Choices worth knowing:
//! - Security group port checks count a rule from `0.0.0.0/0` or `::/0` whose protocol is `-1`
//!   (all traffic) or whose range contains the port, so a group open on all ports fails every
//!   port check. SSH and RDP count TCP and UDP, as CIS 5.2/5.3 do (Prowler counts TCP only);
//!   service ports count TCP, plus UDP for Memcached, LDAP, Kerberos and CIFS. Peers that are
//!   groups, prefix lists or narrower blocks (a /32) pass.
//! - `…_to_any_port` follows Security Hub EC2.18: TCP 80 and 443 may be open to the internet,
//!   nothing else (Prowler fails those too unless only load balancers use the group).
//! - Network ACL checks follow AWS's rule-number order per address family: for TCP and for UDP
//!   (CIS 5.1 names both), the lowest-numbered inbound entry for the whole internet that matches
//!   the protocol and port decides; a lower-numbered deny wins over a later allow.
//! - User data is searched by the collector ([`lgp_sdk::secrets`]); only the kind and line of each
//!   secret reach the inventory. Compressed user data gives `manual`, never a guess.
//! - Ages (instance age, time stopped) are measured against the scan's clock ([`lgp_sdk::Context`]).
//! - Terminated instances (AWS lists them for about an hour) pass the instance checks.
//! - A check whose input is listed in `errors`, absent or ill-typed reports `error`, never pass
//!   or fail; an instance whose `metadata_options` AWS did not report is an `error` too.

pub mod checks;

use lgp_sdk::{Check, PluginInfo, RulePlugin};

/// The EC2 rule plugin.
pub struct Ec2Rules;

impl RulePlugin for Ec2Rules {
    fn info() -> PluginInfo {
        PluginInfo::rule(
            "rules-ec2",
            env!("CARGO_PKG_VERSION"),
            "Checks EC2 network exposure, VPC flow logs, instance metadata, profiles and user data secrets, EBS and AMI encryption and publicity, launch templates and unused resources.",
        )
    }

    fn checks() -> Vec<Check> {
        use checks::*;
        let mut checks = vec![
            security_groups::ingress_ssh(),
            security_groups::ingress_rdp(),
            security_groups::ingress_all_ports(),
            security_groups::ingress_any_port(),
            security_groups::default_restricts_traffic(),
            security_groups::wide_open_public_ipv4(),
            security_groups::few_rules(),
            security_groups::not_from_launch_wizard(),
        ];
        checks.extend(service_ports::checks());
        checks.extend([
            network_acls::no_ssh_ingress(),
            network_acls::no_rdp_ingress(),
            network_acls::no_all_traffic_ingress(),
            network_acls::used(),
            vpcs::flow_logs_enabled(),
            instances::imdsv2_enabled(),
            instances::no_public_ip(),
            instances::profile_attached(),
            instances::not_public_with_profile(),
            instances::no_secrets_in_user_data(),
            instances::detailed_monitoring(),
            instances::single_network_interface(),
            instances::not_too_old(),
            instances::not_stopped_for_long(),
            ebs::default_encryption(),
            ebs::volume_encrypted(),
            ebs::snapshot_not_public(),
            ebs::snapshot_encrypted(),
            ebs::ami_not_public(),
            launch_templates::imdsv2_required(),
            launch_templates::no_public_ip(),
            launch_templates::no_secrets(),
            unused::elastic_ip_associated(),
            unused::security_group_used(),
        ]);
        checks
    }
}

lgp_sdk::export_rule!(Ec2Rules);

/// Compliant resources of every kind, in the schema of `docs/resources/aws-ec2.md`, with
/// top-level properties replaced by `overrides`.
#[cfg(test)]
mod test_support {
    use lgp_sdk::Resource;
    use serde_json::{Value, json};

    /// The account of every test resource.
    pub const ACCOUNT: &str = "111122223333";
    /// The region of every test resource.
    pub const REGION: &str = "us-east-1";

    fn build(kind: &str, arn_tail: &str, name: &str, props: Value, overrides: Value) -> Resource {
        Resource::new(
            format!("arn:aws:ec2:{REGION}:{ACCOUNT}:{arn_tail}"),
            format!("aws:ec2:{kind}"),
            ACCOUNT,
            REGION,
            name,
        )
        .with_properties(lgp_sdk::testing::with_overrides(props, overrides))
    }

    /// A non-default, used security group with one HTTPS rule from the internet.
    pub fn security_group(id: &str, overrides: Value) -> Resource {
        let props = json!({
            "group_id": id, "group_name": "web", "description": "web servers", "vpc_id": "vpc-1",
            "is_default": false,
            "ingress": [{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "0.0.0.0/0",
                "cidr_ipv6": null, "security_group_id": null, "prefix_list_id": null, "description": "https"}],
            "egress": [{"protocol": "-1", "from_port": null, "to_port": null, "cidr_ipv4": "0.0.0.0/0",
                "cidr_ipv6": null, "security_group_id": null, "prefix_list_id": null, "description": null}],
            "network_interface_count": 3,
            "errors": {}
        });
        build(
            "security-group",
            &format!("security-group/{id}"),
            id,
            props,
            overrides,
        )
    }

    /// A network ACL that denies everything inbound.
    pub fn network_acl(id: &str, overrides: Value) -> Resource {
        let props = json!({
            "network_acl_id": id, "vpc_id": "vpc-1", "is_default": false,
            "entries": [{"rule_number": 32767, "protocol": "-1", "rule_action": "deny", "egress": false,
                "cidr_block": "0.0.0.0/0", "ipv6_cidr_block": null, "port_range": null}],
            "subnet_ids": ["subnet-1"],
            "errors": {}
        });
        build(
            "network-acl",
            &format!("network-acl/{id}"),
            id,
            props,
            overrides,
        )
    }

    /// A VPC with an active flow log of all traffic.
    pub fn vpc(id: &str, overrides: Value) -> Resource {
        let props = json!({
            "vpc_id": id, "cidr_block": "10.0.0.0/16", "is_default": false, "state": "available",
            "flow_logs": [{"flow_log_id": "fl-1", "status": "ACTIVE", "traffic_type": "ALL",
                "destination_type": "cloud-watch-logs", "destination": "/vpc/flow"}],
            "errors": {}
        });
        build("vpc", &format!("vpc/{id}"), id, props, overrides)
    }

    /// A running private instance, launched two months before the harness's clock, with a
    /// profile, detailed monitoring, clean user data and one interface, that requires IMDSv2.
    pub fn instance(id: &str, overrides: Value) -> Resource {
        let props = json!({
            "instance_id": id, "state": "running", "instance_type": "t3.micro", "image_id": "ami-0123",
            "vpc_id": "vpc-1", "subnet_id": "subnet-1",
            "private_ip_address": "10.0.1.5", "private_dns_name": "ip-10-0-1-5.ec2.internal",
            "public_ip_address": null, "public_dns_name": null,
            "metadata_options": {"http_tokens": "required", "http_endpoint": "enabled",
                "http_put_response_hop_limit": 1, "instance_metadata_tags": "disabled"},
            "iam_instance_profile_arn": "arn:aws:iam::111122223333:instance-profile/app",
            "security_group_ids": ["sg-1"], "network_interface_ids": ["eni-1"], "volume_ids": ["vol-1"],
            "launch_time": "2024-11-01T10:00:00Z", "monitoring_state": "enabled", "key_name": null,
            "user_data": {"present": true, "inspected": true, "not_inspected_reason": null, "secrets": []},
            "state_transition_time": null,
            "errors": {}
        });
        build("instance", &format!("instance/{id}"), id, props, overrides)
    }

    /// The region's EBS encryption default, enabled.
    pub fn ebs_default(overrides: Value) -> Resource {
        build(
            "ebs-encryption-by-default",
            "ebs-encryption-by-default",
            "ebs-encryption-by-default",
            json!({"enabled": true, "errors": {}}),
            overrides,
        )
    }

    /// An encrypted, attached volume.
    pub fn volume(id: &str, overrides: Value) -> Resource {
        let props = json!({
            "volume_id": id, "encrypted": true,
            "kms_key_id": "arn:aws:kms:us-east-1:111122223333:key/k", "size": 8, "volume_type": "gp3",
            "state": "in-use",
            "attachments": [{"instance_id": "i-1", "device": "/dev/xvda", "delete_on_termination": true,
                "state": "attached"}],
            "create_time": "2024-05-01T10:00:00Z", "availability_zone": "us-east-1a", "snapshot_id": null,
            "errors": {}
        });
        build("volume", &format!("volume/{id}"), id, props, overrides)
    }

    /// An encrypted, private snapshot.
    pub fn snapshot(id: &str, overrides: Value) -> Resource {
        let props = json!({
            "snapshot_id": id, "volume_id": "vol-1", "volume_size": 8, "encrypted": true,
            "kms_key_id": "arn:aws:kms:us-east-1:111122223333:key/k",
            "start_time": "2024-05-01T10:00:00Z", "state": "completed",
            "public": false, "shared_with_accounts": [],
            "errors": {}
        });
        build("snapshot", &format!("snapshot/{id}"), id, props, overrides)
    }

    /// A private AMI with encrypted EBS mappings. Its ARN has no account, as AWS writes it.
    pub fn image(id: &str, overrides: Value) -> Resource {
        let props = json!({
            "image_id": id, "name": "web-2024-05", "state": "available",
            "creation_date": "2024-05-01T10:00:00.000Z", "public": false,
            "shared_with_accounts": [], "ebs_encrypted": true, "snapshot_ids": ["snap-9"],
            "errors": {}
        });
        Resource::new(
            format!("arn:aws:ec2:{REGION}::image/{id}"),
            "aws:ec2:image",
            ACCOUNT,
            REGION,
            id,
        )
        .with_properties(lgp_sdk::testing::with_overrides(props, overrides))
    }

    /// A launch template whose latest version requires IMDSv2 and assigns no public address, and
    /// no version of which has user data.
    pub fn launch_template(id: &str, overrides: Value) -> Resource {
        let props = json!({
            "launch_template_id": id, "launch_template_name": "web", "latest_version_number": 3,
            "default_version_number": 3, "create_time": "2024-05-01T10:00:00Z",
            "metadata_options": {"http_tokens": "required", "http_endpoint": "enabled",
                "http_put_response_hop_limit": 2, "instance_metadata_tags": null},
            "associate_public_ip_address": false,
            "user_data": {"present": false, "inspected": false, "not_inspected_reason": null, "secrets": []},
            "user_data_by_version": [],
            "iam_instance_profile": null,
            "ebs_volumes": [{"device_name": "/dev/xvda", "encrypted": true, "kms_key_id": null}],
            "errors": {}
        });
        build(
            "launch-template",
            &format!("launch-template/{id}"),
            id,
            props,
            overrides,
        )
    }

    /// An associated Elastic IP.
    pub fn elastic_ip(id: &str, overrides: Value) -> Resource {
        let props = json!({
            "allocation_id": id, "public_ip": "3.4.5.6", "domain": "vpc",
            "association_id": "eipassoc-1", "instance_id": "i-1", "network_interface_id": "eni-1",
            "private_ip_address": "10.0.1.5", "associated": true,
            "errors": {}
        });
        build(
            "elastic-ip",
            &format!("elastic-ip/{id}"),
            id,
            props,
            overrides,
        )
    }

    /// One compliant resource of every kind the plugin reads.
    pub fn compliant_account() -> Vec<Resource> {
        vec![
            security_group("sg-1", json!({})),
            network_acl("acl-1", json!({})),
            vpc("vpc-1", json!({})),
            instance("i-1", json!({})),
            ebs_default(json!({})),
            volume("vol-1", json!({})),
            snapshot("snap-1", json!({})),
            image("ami-1", json!({})),
            launch_template("lt-1", json!({})),
            elastic_ip("eipalloc-1", json!({})),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::Ec2Rules;
    use super::test_support::compliant_account;
    use lgp_sdk::testing::{self, run, run_raw};
    use lgp_sdk::{RawResource, Resource, RulePlugin, Status};

    /// Checks per kind: security group 25 (9 + 16 service ports), network ACL 4, VPC 1,
    /// instance 9, EBS default 1, volume 1, snapshot 2, image 1, launch template 3, Elastic IP 1.
    const FINDINGS_PER_COMPLIANT_ACCOUNT: usize = 48;

    #[test]
    fn metadata_is_complete() {
        testing::assert_plugin_valid::<Ec2Rules>();
        let checks = Ec2Rules::checks();
        assert_eq!(checks.len(), 48);
        let mut ids: Vec<&str> = checks.iter().map(|c| c.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), checks.len(), "check ids are unique");
        for c in &checks {
            let m = c.meta();
            assert!(
                m.id.starts_with("ec2_") || m.id.starts_with("vpc_"),
                "{}",
                m.id
            );
            for field in [&m.description, &m.rationale, &m.remediation.text] {
                assert!(!field.is_empty(), "{}", m.id);
            }
            assert!(
                m.remediation.console.is_some() && m.remediation.url.is_some(),
                "{}",
                m.id
            );
            assert!(
                m.remediation
                    .cli
                    .as_deref()
                    .is_some_and(|c| c.starts_with("aws ")),
                "{}",
                m.id
            );
            assert!(
                !m.references.is_empty() || !m.equivalents.is_empty(),
                "{}",
                m.id
            );
        }
    }

    #[test]
    fn compliant_account_passes_everything() {
        let findings = run::<Ec2Rules>(&compliant_account());
        assert_eq!(findings.len(), FINDINGS_PER_COMPLIANT_ACCOUNT);
        for f in &findings {
            assert_eq!(
                f.status,
                Status::Pass,
                "{} on {}: {}",
                f.check_id,
                f.resource_arn,
                f.message
            );
            assert!(f.evidence.is_object());
        }
    }

    #[test]
    fn unreadable_properties_give_errors() {
        let batch: Vec<RawResource> = compliant_account()
            .iter()
            .map(|r| RawResource {
                properties: "{not json".into(),
                ..RawResource::from(r)
            })
            .collect();
        let findings = run_raw::<Ec2Rules>(&testing::context(), batch);
        assert_eq!(findings.len(), FINDINGS_PER_COMPLIANT_ACCOUNT);
        assert!(findings.iter().all(|f| f.status == Status::Error));
    }

    #[test]
    fn listing_placeholders_give_errors() {
        let mut placeholder = Resource::new(
            "arn:aws:ec2:eu-west-1:111122223333:volume/*",
            "aws:ec2:volume",
            "111122223333",
            "eu-west-1",
            "*",
        );
        placeholder.record_error(
            "*",
            lgp_sdk::CollectionError {
                code: "UnauthorizedOperation".into(),
                category: "access_denied".into(),
                message: None,
            },
        );
        let findings = run::<Ec2Rules>(&[placeholder]);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].status, Status::Error);
        assert!(
            findings[0].message.contains("UnauthorizedOperation"),
            "{}",
            findings[0].message
        );
    }

    #[test]
    fn other_kinds_are_skipped() {
        let bucket = Resource::new(
            "arn:aws:s3:::b",
            "aws:s3:bucket",
            "111122223333",
            "us-east-1",
            "b",
        );
        let iface = Resource::new(
            "arn:aws:ec2:us-east-1:111122223333:network-interface/eni-1",
            "aws:ec2:network-interface",
            "111122223333",
            "us-east-1",
            "eni-1",
        );
        assert!(run::<Ec2Rules>(&[bucket, iface]).is_empty());
    }
}
