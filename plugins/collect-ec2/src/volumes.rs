//! `aws:ec2:volume`: DescribeVolumes.

use crate::json::{flag, int, list, required_flag, text};
use crate::region::{Region, display_name};
use lgp_sdk::Resource;
use lgp_sdk::collector::{AwsError, tags_from_aws};
use lgp_sdk::kinds::ec2::volume::{KIND, Volume, VolumeAttachment, props};
use serde_json::Value;

/// The resource type in the kind's ARNs.
const ARN_TYPE: &str = "volume";

/// The region's volumes, or the kind's scope gap.
pub fn resources(region: &Region, listing: Result<&Value, &AwsError>) -> Vec<Resource> {
    match listing {
        Ok(listing) => list(listing, "Volumes")
            .iter()
            .filter_map(|v| volume(region, v))
            .collect(),
        Err(error) => vec![region.gap(KIND, region.arn(ARN_TYPE, "*"), error)],
    }
}

fn volume(region: &Region, item: &Value) -> Option<Resource> {
    let id = text(item, "VolumeId")?;
    let mut props = Volume {
        kms_key_id: text(item, "KmsKeyId"),
        size: int(item, "Size"),
        volume_type: text(item, "VolumeType"),
        state: text(item, "State"),
        attachments: list(item, "Attachments")
            .iter()
            .map(|a| VolumeAttachment {
                instance_id: text(a, "InstanceId"),
                device: text(a, "Device"),
                delete_on_termination: flag(a, "DeleteOnTermination"),
                state: text(a, "State"),
            })
            .collect(),
        create_time: text(item, "CreateTime"),
        availability_zone: text(item, "AvailabilityZone"),
        snapshot_id: text(item, "SnapshotId"),
        volume_id: id.clone(),
        ..Volume::default()
    };
    props.encrypted = required_flag(item, "Encrypted", props::ENCRYPTED, &mut props.errors);
    let tags = tags_from_aws(item.get("Tags"));
    let name = display_name(&tags, &id);
    Some(region.resource(KIND, region.arn(ARN_TYPE, &id), name, tags, &props))
}
