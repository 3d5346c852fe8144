//! `aws:ec2:vpc` (DescribeVpcs) with the flow logs of each VPC, and `aws:ec2:flow-log`, one
//! resource per flow log (DescribeFlowLogs): the two listings are independent, so VPCs are
//! still collected when flow logs cannot be read (their `flow_logs` is then not collected).

use crate::json::{flag, list, text};
use crate::region::{Region, display_name};
use lgp_sdk::Resource;
use lgp_sdk::collector::{AwsError, tags_from_aws};
use lgp_sdk::kinds::ec2::flow_log::{self, FlowLog};
use lgp_sdk::kinds::ec2::vpc::{self, Vpc, VpcFlowLog};
use serde_json::Value;
use std::collections::HashMap;

/// The resource type in VPC ARNs.
const VPC_ARN_TYPE: &str = "vpc";
/// The resource type in flow log ARNs.
const FLOW_LOG_ARN_TYPE: &str = "vpc-flow-log";

/// The region's VPCs, or the kind's scope gap.
pub fn resources(
    region: &Region,
    listing: Result<&Value, &AwsError>,
    flow_logs: Result<&Value, &AwsError>,
) -> Vec<Resource> {
    let listing = match listing {
        Ok(listing) => listing,
        Err(error) => return vec![region.gap(vpc::KIND, region.arn(VPC_ARN_TYPE, "*"), error)],
    };
    let by_resource = flow_logs.map(flow_logs_by_resource);
    list(listing, "Vpcs")
        .iter()
        .filter_map(|item| {
            let id = text(item, "VpcId")?;
            let mut props = Vpc {
                cidr_block: text(item, "CidrBlock"),
                is_default: flag(item, "IsDefault").unwrap_or(false),
                state: text(item, "State"),
                ..Vpc::default()
            };
            match &by_resource {
                Ok(logs) => props.flow_logs = Some(logs.get(&id).cloned().unwrap_or_default()),
                Err(error) => {
                    props.errors.insert(
                        vpc::props::FLOW_LOGS.to_owned(),
                        error.to_collection_error(),
                    );
                }
            }
            let tags = tags_from_aws(item.get("Tags"));
            let name = display_name(&tags, &id);
            let arn = region.arn(VPC_ARN_TYPE, &id);
            props.vpc_id = id;
            Some(region.resource(vpc::KIND, arn, name, tags, &props))
        })
        .collect()
}

/// The region's flow logs, or the kind's scope gap.
pub fn flow_log_resources(region: &Region, listing: Result<&Value, &AwsError>) -> Vec<Resource> {
    let listing = match listing {
        Ok(listing) => listing,
        Err(error) => {
            return vec![region.gap(flow_log::KIND, region.arn(FLOW_LOG_ARN_TYPE, "*"), error)];
        }
    };
    list(listing, "FlowLogs")
        .iter()
        .filter_map(|item| {
            let id = text(item, "FlowLogId")?;
            let props = FlowLog {
                resource_id: text(item, "ResourceId"),
                status: text(item, "FlowLogStatus"),
                traffic_type: text(item, "TrafficType"),
                log_destination_type: text(item, "LogDestinationType"),
                log_destination: destination(item),
                deliver_logs_status: text(item, "DeliverLogsStatus"),
                creation_time: text(item, "CreationTime"),
                flow_log_id: id.clone(),
                ..FlowLog::default()
            };
            let tags = tags_from_aws(item.get("Tags"));
            let name = display_name(&tags, &id);
            let arn = region.arn(FLOW_LOG_ARN_TYPE, &id);
            Some(region.resource(flow_log::KIND, arn, name, tags, &props))
        })
        .collect()
}

/// The flow logs of each resource (VPC, subnet or interface) id.
fn flow_logs_by_resource(listing: &Value) -> HashMap<String, Vec<VpcFlowLog>> {
    let mut by_resource: HashMap<String, Vec<VpcFlowLog>> = HashMap::new();
    for item in list(listing, "FlowLogs") {
        let (Some(resource), Some(id)) = (text(item, "ResourceId"), text(item, "FlowLogId")) else {
            continue;
        };
        by_resource.entry(resource).or_default().push(VpcFlowLog {
            flow_log_id: id,
            status: text(item, "FlowLogStatus"),
            traffic_type: text(item, "TrafficType"),
            destination_type: text(item, "LogDestinationType"),
            destination: destination(item),
        });
    }
    by_resource
}

/// Where a flow log delivers: `LogDestination` (an ARN), or for CloudWatch Logs flow logs
/// created by group name, `LogGroupName`.
fn destination(item: &Value) -> Option<String> {
    text(item, "LogDestination").or_else(|| text(item, "LogGroupName"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flow_logs_are_grouped_by_resource_with_their_destination() {
        let listing = json!({"FlowLogs": [
            {"FlowLogId": "fl-1", "ResourceId": "vpc-1", "FlowLogStatus": "ACTIVE", "TrafficType": "ALL",
             "LogDestinationType": "s3", "LogDestination": "arn:aws:s3:::b"},
            {"FlowLogId": "fl-2", "ResourceId": "vpc-1", "LogDestinationType": "cloud-watch-logs",
             "LogGroupName": "/flow"},
            {"FlowLogId": "fl-3", "ResourceId": "subnet-1"}
        ]});
        let by = flow_logs_by_resource(&listing);
        assert_eq!(by["vpc-1"].len(), 2);
        assert_eq!(
            by["vpc-1"][0].destination.as_deref(),
            Some("arn:aws:s3:::b")
        );
        assert_eq!(by["vpc-1"][1].destination.as_deref(), Some("/flow"));
        assert_eq!(by["subnet-1"].len(), 1);
    }
}
