//! `aws:ec2:snapshot`: the account's own snapshots (DescribeSnapshots) and who may create
//! volumes from each (DescribeSnapshotAttribute `createVolumePermission`).

use crate::details::{DetailAnswers, DetailCall};
use crate::json::{int, list, required_flag, text};
use crate::permissions::sharing;
use crate::region::{Region, display_name};
use lgp_sdk::Resource;
use lgp_sdk::collector::{AwsError, tags_from_aws};
use lgp_sdk::kinds::ec2::snapshot::{KIND, Snapshot, props};
use serde_json::{Value, json};

/// The resource type in the kind's ARNs.
const ARN_TYPE: &str = "snapshot";

/// The detail call: one snapshot's `createVolumePermission`.
pub const PERMISSION_OPERATION: &str = "DescribeSnapshotAttribute";

fn snapshots(listing: &Value) -> impl Iterator<Item = (String, &Value)> {
    list(listing, "Snapshots")
        .iter()
        .filter_map(|s| Some((text(s, "SnapshotId")?, s)))
}

/// One permission call per listed snapshot.
pub fn detail_calls(region: &Region, listing: Result<&Value, &AwsError>) -> Vec<DetailCall> {
    let Ok(listing) = listing else {
        return Vec::new();
    };
    snapshots(listing)
        .map(|(id, _)| {
            let request = region
                .request(PERMISSION_OPERATION)
                .input(json!({ "SnapshotId": id, "Attribute": "createVolumePermission" }));
            (id, request)
        })
        .collect()
}

/// The region's snapshots, or the kind's scope gap.
pub fn resources(
    region: &Region,
    listing: Result<&Value, &AwsError>,
    permissions: &DetailAnswers,
) -> Vec<Resource> {
    match listing {
        Ok(listing) => snapshots(listing)
            .map(|(id, item)| snapshot(region, id, item, permissions))
            .collect(),
        Err(error) => vec![region.gap(KIND, region.arn(ARN_TYPE, "*"), error)],
    }
}

fn snapshot(region: &Region, id: String, item: &Value, permissions: &DetailAnswers) -> Resource {
    let mut props = Snapshot {
        volume_id: text(item, "VolumeId"),
        volume_size: int(item, "VolumeSize"),
        kms_key_id: text(item, "KmsKeyId"),
        start_time: text(item, "StartTime"),
        state: text(item, "State"),
        ..Snapshot::default()
    };
    props.encrypted = required_flag(item, "Encrypted", props::ENCRYPTED, &mut props.errors);
    match permissions.get(&id) {
        Ok(answer) => {
            let shared = sharing(answer, "CreateVolumePermissions");
            props.public = Some(shared.public);
            props.shared_with_accounts = Some(shared.accounts);
        }
        Err(error) => {
            for property in [props::PUBLIC, props::SHARED_WITH_ACCOUNTS] {
                props
                    .errors
                    .insert(property.to_owned(), error.to_collection_error());
            }
        }
    }
    let tags = tags_from_aws(item.get("Tags"));
    let name = display_name(&tags, &id);
    let arn = region.arn(ARN_TYPE, &id);
    props.snapshot_id = id;
    region.resource(KIND, arn, name, tags, &props)
}
