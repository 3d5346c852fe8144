//! {{name}}: an LG-Protect collector plugin.
//!
//! A collector reads the account through the host's `aws` capability (the host holds the
//! credentials and answers only the read-only operations the plugin's manifest names) and
//! submits resources, which rules then evaluate. This one lists the VPC subnets of each region
//! of the scan (`ec2:DescribeSubnets`) as `aws:ec2:subnet` resources.
//!
//! Turning an answer into resources is a pure function, [`subnets`], tested natively below:
//! outside the host, `aws_call` and `submit` answer `unavailable`.
//!
//! - `cargo test` runs the tests below natively.
//! - `lgp plugin build` builds the component and validates it as the host would.

use lgp_sdk::collector::{self, AwsError, ScanScope, Submitter};
use lgp_sdk::serde_json::{Value, json};
use lgp_sdk::{CollectorPlugin, PluginInfo, Resource};
use serde::Serialize;

/// The service every call goes to.
pub const SERVICE: &str = "ec2";
/// The one operation this collector calls; its manifest asks for exactly this capability.
pub const OPERATION: &str = "DescribeSubnets";
/// The kind of the resources it submits.
pub const KIND: &str = "aws:ec2:subnet";

/// The plugin.
pub struct Collector;

impl CollectorPlugin for Collector {
    fn info() -> PluginInfo {
        PluginInfo::collector(
            "{{name}}",
            env!("CARGO_PKG_VERSION"),
            "{{description}}",
        )
        .capability(format!("aws:{SERVICE}:{OPERATION}"))
    }

    fn collect(scope: &ScanScope) -> Result<(), String> {
        let mut out = Submitter::default();
        for region in &scope.regions {
            let answer = collector::aws_call(SERVICE, OPERATION, region, &json!({}));
            for resource in region_resources(&scope.account, region, answer) {
                out.push(resource)
                    .map_err(|e| format!("failed to submit the subnets of {region}: {e}"))?;
            }
        }
        out.finish()
            .map(drop)
            .map_err(|e| format!("failed to submit subnets: {e}"))
    }
}

lgp_sdk::export_collector!(Collector);

/// The resources of one region's answer. A failed listing must not look like "no subnets": it
/// gives the kind's scope gap, so every check of the kind reports `error` for the region.
pub fn region_resources(
    account: &str,
    region: &str,
    answer: Result<Value, AwsError>,
) -> Vec<Resource> {
    match answer {
        Ok(output) => subnets(account, region, &output),
        Err(error) => vec![collector::scope_gap(KIND, account, region, &error)],
    }
}

/// The properties of an `aws:ec2:subnet`: the schema rules read, in snake case.
#[derive(Debug, Serialize)]
pub struct Subnet {
    /// The subnet id, e.g. `subnet-0a1b2c3d`.
    pub subnet_id: String,
    /// The VPC it belongs to.
    pub vpc_id: Option<String>,
    /// Its IPv4 range.
    pub cidr_block: Option<String>,
    /// Its Availability Zone.
    pub availability_zone: Option<String>,
    /// Whether instances launched in it get a public IPv4 address by default.
    pub map_public_ip_on_launch: bool,
    /// Whether it is the default subnet of its Availability Zone.
    pub default_for_az: bool,
    /// Free IPv4 addresses.
    pub available_ip_address_count: Option<i64>,
}

/// The subnets of one DescribeSubnets answer (the host's output uses the field names of the
/// AWS API reference); entries without a `SubnetId` are skipped.
pub fn subnets(account: &str, region: &str, output: &Value) -> Vec<Resource> {
    let text = |item: &Value, key: &str| item.get(key).and_then(Value::as_str).map(str::to_owned);
    let flag = |item: &Value, key: &str| item.get(key).and_then(Value::as_bool).unwrap_or(false);
    let items = output.get("Subnets").and_then(Value::as_array);
    items
        .into_iter()
        .flatten()
        .filter_map(|item| {
            let subnet_id = text(item, "SubnetId")?;
            let tags = collector::tags_from_aws(item.get("Tags"));
            let name = tags
                .get("Name")
                .cloned()
                .unwrap_or_else(|| subnet_id.clone());
            let arn = text(item, "SubnetArn").unwrap_or_else(|| {
                collector::arn(SERVICE, region, account, &format!("subnet/{subnet_id}"))
            });
            let props = Subnet {
                vpc_id: text(item, "VpcId"),
                cidr_block: text(item, "CidrBlock"),
                availability_zone: text(item, "AvailabilityZone"),
                map_public_ip_on_launch: flag(item, "MapPublicIpOnLaunch"),
                default_for_az: flag(item, "DefaultForAz"),
                available_ip_address_count: item
                    .get("AvailableIpAddressCount")
                    .and_then(Value::as_i64),
                subnet_id,
            };
            let mut resource = Resource::new(arn, KIND, account, region, name);
            resource.tags = tags;
            resource.properties = json!(props);
            Some(resource)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_becomes_subnets() {
        let output = json!({"Subnets": [
            {"SubnetId": "subnet-0a1b2c3d", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24",
             "AvailabilityZone": "eu-west-1a", "MapPublicIpOnLaunch": true, "DefaultForAz": false,
             "AvailableIpAddressCount": 250,
             "SubnetArn": "arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-0a1b2c3d",
             "Tags": [{"Key": "Name", "Value": "public-a"}]},
            {"SubnetId": "subnet-9f8e7d6c"},
            {"VpcId": "vpc-without-id"}
        ]});
        let found = subnets("111122223333", "eu-west-1", &output);
        assert_eq!(found.len(), 2);
        let public = &found[0];
        assert_eq!(public.kind, KIND);
        assert_eq!(public.name, "public-a");
        assert_eq!(
            public.arn,
            "arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-0a1b2c3d"
        );
        assert_eq!(public.properties["map_public_ip_on_launch"], true);
        assert_eq!(public.properties["available_ip_address_count"], 250);
        let bare = &found[1];
        assert_eq!(bare.name, "subnet-9f8e7d6c");
        assert_eq!(
            bare.arn,
            "arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-9f8e7d6c"
        );
        assert_eq!(bare.properties["map_public_ip_on_launch"], false);
        assert!(subnets("111122223333", "eu-west-1", &json!({})).is_empty());
    }

    #[test]
    fn the_manifest_asks_for_exactly_the_operation_called() {
        assert_eq!(Collector::info().capabilities, ["aws:ec2:DescribeSubnets"]);
    }

    #[test]
    fn a_failed_listing_gives_the_regions_scope_gap() {
        // Natively every call fails (there is no host), as a denied call would in one.
        let answer = collector::aws_call(SERVICE, OPERATION, "eu-west-1", &json!({}));
        let found = region_resources("111122223333", "eu-west-1", answer);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].arn, "arn:aws:ec2:eu-west-1:111122223333:subnet/*");
        assert!(found[0].ensure_collected("cidr_block").is_err());
    }
}
