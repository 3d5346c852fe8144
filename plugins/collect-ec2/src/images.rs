//! `aws:ec2:image`: the account's own AMIs (DescribeImages) and whom each is shared with
//! (DescribeImageAttribute `launchPermission`).

use crate::details::{DetailAnswers, DetailCall};
use crate::json::{flag, list, text};
use crate::permissions::sharing;
use crate::region::{Region, display_name};
use lgp_sdk::Resource;
use lgp_sdk::collector::{AwsError, arn, tags_from_aws};
use lgp_sdk::kinds::ec2::image::{Image, KIND, props};
use serde_json::{Value, json};

/// The detail call: one AMI's `launchPermission`.
pub const PERMISSION_OPERATION: &str = "DescribeImageAttribute";

fn images(listing: &Value) -> impl Iterator<Item = (String, &Value)> {
    list(listing, "Images")
        .iter()
        .filter_map(|i| Some((text(i, "ImageId")?, i)))
}

/// AWS writes AMI ARNs without an account: `arn:aws:ec2:<region>::image/<id>`.
fn image_arn(region: &Region, id: &str) -> String {
    arn(
        crate::region::SERVICE,
        &region.name,
        "",
        &format!("image/{id}"),
    )
}

/// One permission call per listed AMI.
pub fn detail_calls(region: &Region, listing: Result<&Value, &AwsError>) -> Vec<DetailCall> {
    let Ok(listing) = listing else {
        return Vec::new();
    };
    images(listing)
        .map(|(id, _)| {
            let request = region
                .request(PERMISSION_OPERATION)
                .input(json!({ "ImageId": id, "Attribute": "launchPermission" }));
            (id, request)
        })
        .collect()
}

/// The region's AMIs, or the kind's scope gap.
pub fn resources(
    region: &Region,
    listing: Result<&Value, &AwsError>,
    permissions: &DetailAnswers,
) -> Vec<Resource> {
    match listing {
        Ok(listing) => images(listing)
            .map(|(id, item)| image(region, id, item, permissions))
            .collect(),
        Err(error) => vec![region.gap(KIND, image_arn(region, "*"), error)],
    }
}

fn image(region: &Region, id: String, item: &Value, permissions: &DetailAnswers) -> Resource {
    let ebs: Vec<&Value> = list(item, "BlockDeviceMappings")
        .iter()
        .filter_map(|m| m.get("Ebs"))
        .collect();
    let mut props = Image {
        name: text(item, "Name"),
        state: text(item, "State"),
        creation_date: text(item, "CreationDate"),
        // AWS's own flag: it is true exactly when a launch permission names group `all`, so
        // it stands even when the attribute cannot be read.
        public: flag(item, "Public").unwrap_or(false),
        // A mapping that does not say is not known to be encrypted.
        ebs_encrypted: (!ebs.is_empty())
            .then(|| ebs.iter().all(|e| flag(e, "Encrypted") == Some(true))),
        snapshot_ids: ebs.iter().filter_map(|e| text(e, "SnapshotId")).collect(),
        ..Image::default()
    };
    match permissions.get(&id) {
        Ok(answer) => {
            let shared = sharing(answer, "LaunchPermissions");
            props.public |= shared.public;
            props.shared_with_accounts = Some(shared.accounts);
        }
        Err(error) => {
            props.errors.insert(
                props::SHARED_WITH_ACCOUNTS.to_owned(),
                error.to_collection_error(),
            );
        }
    }
    let tags = tags_from_aws(item.get("Tags"));
    let name = display_name(&tags, props.name.as_deref().unwrap_or(&id));
    // AWS writes AMI ARNs without an account: `arn:aws:ec2:<region>::image/<id>`.
    let arn = arn(
        crate::region::SERVICE,
        &region.name,
        "",
        &format!("image/{id}"),
    );
    props.image_id = id;
    region.resource(KIND, arn, name, tags, &props)
}
