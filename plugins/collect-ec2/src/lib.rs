//! LG-Protect's built-in EC2 collector: reads each region of the scan scope through the host's
//! `aws` capability and submits instances, security groups, network ACLs, VPCs and flow logs,
//! EBS volumes, snapshots and the EBS encryption default, AMIs, launch templates, Elastic IPs
//! and network interfaces as `aws:ec2:*` resources (schemas in [`lgp_sdk::kinds::ec2`], docs in
//! `docs/resources/aws-ec2.md`).
//!
//! A region costs two round trips to the host: every listing in one concurrent batch, then every
//! per-item detail call of all kinds in a second (the host bounds the concurrency). Each
//! kind is independent: a failed listing gives that kind's scope gap
//! ([`lgp_sdk::collector::scope_gap`]) and the other kinds carry on; a failed detail call
//! leaves its property `null` with an `errors` entry. EC2 has no global resources, so
//! `include_global` changes nothing and an empty `regions` collects nothing.
//!
//! User data is decoded and searched for secrets inside the sandbox ([`lgp_sdk::secrets`]); only
//! whether there is any and the kind and line of each secret found leave the plugin.
//!
//! What it deliberately does not do: keep user data, list public
//! AMIs or snapshots of other owners, or follow resources into other services.

mod details;
mod ebs_default;
mod elastic_ips;
mod images;
mod instances;
mod json;
mod launch_templates;
mod listings;
mod metadata;
mod network_acls;
mod network_interfaces;
mod permissions;
mod region;
mod security_groups;
mod snapshots;
mod volumes;
mod vpcs;

use details::Details;
use lgp_sdk::collector::{ScanScope, Submitter};
use lgp_sdk::{CollectorPlugin, PluginInfo, Resource, export_collector};
use listings::{Listing, Listings};
use region::Region;

/// The EC2 collector plugin.
pub struct Ec2Collector;

/// The per-item detail operations (the listings are [`Listing::operation`]).
const DETAIL_OPERATIONS: [&str; 4] = [
    instances::USER_DATA_OPERATION,
    snapshots::PERMISSION_OPERATION,
    images::PERMISSION_OPERATION,
    launch_templates::VERSIONS_OPERATION,
];

impl CollectorPlugin for Ec2Collector {
    fn info() -> PluginInfo {
        // The manifest names exactly the operations called: the host refuses any other.
        let operations = Listing::ALL.iter().map(|l| l.operation());
        operations.chain(DETAIL_OPERATIONS).fold(
            PluginInfo::collector(
                "collect-ec2",
                env!("CARGO_PKG_VERSION"),
                "Collects EC2 instances, security groups, network ACLs, VPCs and flow logs, EBS volumes, snapshots and encryption defaults, AMIs, launch templates, Elastic IPs and network interfaces.",
            ),
            |info, op| info.capability(format!("aws:ec2:{op}")),
        )
    }

    fn collect(scope: &ScanScope) -> Result<(), String> {
        let mut out = Submitter::default();
        for name in &scope.regions {
            let region = Region::new(&scope.account, name);
            for resource in collect_region(&region) {
                out.push(resource)
                    .map_err(|e| format!("failed to submit ec2 resources of {name}: {e}"))?;
            }
        }
        out.finish()
            .map(drop)
            .map_err(|e| format!("failed to submit ec2 resources: {e}"))
    }
}

/// Every EC2 resource of one region, scope gaps included.
fn collect_region(region: &Region) -> Vec<Resource> {
    let listings = Listings::fetch(region);
    let mut details = Details::default();
    let user_data = details.plan(instances::detail_calls(
        region,
        listings.get(Listing::Instances),
    ));
    let snapshot_permissions = details.plan(snapshots::detail_calls(
        region,
        listings.get(Listing::Snapshots),
    ));
    let image_permissions =
        details.plan(images::detail_calls(region, listings.get(Listing::Images)));
    let latest_versions = details.plan(launch_templates::detail_calls(
        region,
        listings.get(Listing::LaunchTemplates),
    ));
    let mut answers = details.fetch();

    let interfaces = listings.get(Listing::NetworkInterfaces);
    let mut resources = Vec::new();
    resources.extend(instances::resources(
        region,
        listings.get(Listing::Instances),
        &answers.take(user_data),
    ));
    resources.extend(security_groups::resources(
        region,
        listings.get(Listing::SecurityGroups),
        interfaces,
    ));
    resources.extend(network_acls::resources(
        region,
        listings.get(Listing::NetworkAcls),
    ));
    resources.extend(vpcs::resources(
        region,
        listings.get(Listing::Vpcs),
        listings.get(Listing::FlowLogs),
    ));
    resources.extend(vpcs::flow_log_resources(
        region,
        listings.get(Listing::FlowLogs),
    ));
    resources.extend(volumes::resources(region, listings.get(Listing::Volumes)));
    resources.extend(snapshots::resources(
        region,
        listings.get(Listing::Snapshots),
        &answers.take(snapshot_permissions),
    ));
    resources.extend(ebs_default::resources(
        region,
        listings.get(Listing::EbsEncryptionByDefault),
    ));
    resources.extend(images::resources(
        region,
        listings.get(Listing::Images),
        &answers.take(image_permissions),
    ));
    resources.extend(launch_templates::resources(
        region,
        listings.get(Listing::LaunchTemplates),
        &answers.take(latest_versions),
    ));
    resources.extend(elastic_ips::resources(
        region,
        listings.get(Listing::Addresses),
    ));
    resources.extend(network_interfaces::resources(region, interfaces));
    resources
}

export_collector!(Ec2Collector);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_names_each_operation_once() {
        let caps = Ec2Collector::info().capabilities;
        assert_eq!(caps.len(), 16);
        let unique: std::collections::BTreeSet<&String> = caps.iter().collect();
        assert_eq!(unique.len(), caps.len());
        assert!(caps.contains(&"aws:ec2:DescribeLaunchTemplateVersions".to_owned()));
        assert!(caps.iter().all(|c| c.starts_with("aws:ec2:")));
    }

    #[test]
    fn without_a_host_every_kind_reports_its_scope_gap() {
        // Natively every call fails (no host): each listing's kind gets exactly one gap.
        let region = Region::new("123456789012", "eu-west-1");
        let resources = collect_region(&region);
        let mut kinds: Vec<&str> = resources.iter().map(|r| r.kind.as_str()).collect();
        kinds.sort_unstable();
        let mut expected = vec![
            lgp_sdk::kinds::ec2::instance::KIND,
            lgp_sdk::kinds::ec2::security_group::KIND,
            lgp_sdk::kinds::ec2::network_acl::KIND,
            lgp_sdk::kinds::ec2::vpc::KIND,
            lgp_sdk::kinds::ec2::flow_log::KIND,
            lgp_sdk::kinds::ec2::volume::KIND,
            lgp_sdk::kinds::ec2::snapshot::KIND,
            lgp_sdk::kinds::ec2::ebs_encryption_by_default::KIND,
            lgp_sdk::kinds::ec2::image::KIND,
            lgp_sdk::kinds::ec2::launch_template::KIND,
            lgp_sdk::kinds::ec2::elastic_ip::KIND,
            lgp_sdk::kinds::ec2::network_interface::KIND,
        ];
        expected.sort_unstable();
        assert_eq!(kinds, expected);
        for r in &resources {
            assert!(r.ensure_collected("anything").is_err(), "{}", r.arn);
        }
        let arns: Vec<&str> = resources.iter().map(|r| r.arn.as_str()).collect();
        for arn in [
            "arn:aws:ec2:eu-west-1:123456789012:vpc-flow-log/*",
            "arn:aws:ec2:eu-west-1::image/*",
            "arn:aws:ec2:eu-west-1:123456789012:ebs-encryption-by-default",
            "arn:aws:ec2:eu-west-1:123456789012:security-group/*",
        ] {
            assert!(arns.contains(&arn), "{arn} in {arns:?}");
        }
    }
}
