//! The region being collected: where its calls go and how its resources are named.

use lgp_sdk::Resource;
use lgp_sdk::collector::{AwsError, AwsRequest, arn, scope_gap};
use serde::Serialize;
use std::collections::BTreeMap;

/// The service every call of this collector goes to.
pub const SERVICE: &str = "ec2";

/// One region of the scanned account.
#[derive(Debug, Clone)]
pub struct Region {
    /// The account id.
    pub account: String,
    /// The region name, e.g. `eu-west-1`.
    pub name: String,
}

impl Region {
    /// The region `name` of `account`.
    pub fn new(account: &str, name: &str) -> Self {
        Self {
            account: account.to_owned(),
            name: name.to_owned(),
        }
    }

    /// A call of `operation` in this region, with an empty input.
    pub fn request(&self, operation: &str) -> AwsRequest {
        AwsRequest::new(SERVICE, operation, &self.name)
    }

    /// The ARN of the resource `<resource_type>/<id>` of this account and region.
    pub fn arn(&self, resource_type: &str, id: &str) -> String {
        arn(
            SERVICE,
            &self.name,
            &self.account,
            &format!("{resource_type}/{id}"),
        )
    }

    /// The placeholder standing for every resource of `kind` here after its listing failed,
    /// under `arn`: the kind's ARN with `*` for the id, so it has the shape of the ARNs it
    /// stands for (`…:vpc-flow-log/*`, `arn:aws:ec2:<region>::image/*`).
    pub fn gap(&self, kind: &str, arn: String, error: &AwsError) -> Resource {
        let mut gap = scope_gap(kind, &self.account, &self.name, error);
        gap.arn = arn;
        gap
    }

    /// A resource of this region with its typed `properties`.
    pub fn resource<T: Serialize>(
        &self,
        kind: &str,
        arn: String,
        name: String,
        tags: BTreeMap<String, String>,
        properties: &T,
    ) -> Resource {
        let mut resource = Resource::new(arn, kind, &self.account, &self.name, name);
        resource.tags = tags;
        resource.properties = serde_json::to_value(properties)
            .expect("invariant: the kinds' property structs have string keys only");
        resource
    }
}

/// A resource's display name: its `Name` tag when set, else `fallback` (its id, usually).
pub fn display_name(tags: &BTreeMap<String, String>, fallback: &str) -> String {
    tags.get("Name")
        .filter(|n| !n.trim().is_empty())
        .cloned()
        .unwrap_or_else(|| fallback.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_and_names() {
        let r = Region::new("123456789012", "eu-west-1");
        assert_eq!(
            r.arn("instance", "i-1"),
            "arn:aws:ec2:eu-west-1:123456789012:instance/i-1"
        );
        let mut tags = BTreeMap::new();
        assert_eq!(display_name(&tags, "i-1"), "i-1");
        tags.insert("Name".to_owned(), "web".to_owned());
        assert_eq!(display_name(&tags, "i-1"), "web");
    }
}
