//! `aws:ec2:launch-template`: DescribeLaunchTemplates, and the settings of each template's
//! latest version (DescribeLaunchTemplateVersions `$Latest`), where the instances it launches
//! get their metadata options, public address, user data, profile and volumes from.

use crate::details::{DetailAnswers, DetailCall};
use crate::json::{flag, int, list, text};
use crate::metadata::metadata_options;
use crate::region::{Region, display_name};
use lgp_sdk::Resource;
use lgp_sdk::collector::{AwsError, tags_from_aws};
use lgp_sdk::kinds::ec2::launch_template::{KIND, LaunchTemplate, LaunchTemplateEbsVolume, props};
use serde_json::{Value, json};

/// The resource type in the kind's ARNs.
const ARN_TYPE: &str = "launch-template";

/// The detail call: one template's latest version.
pub const VERSIONS_OPERATION: &str = "DescribeLaunchTemplateVersions";

/// The version selector AWS resolves to the latest version.
const LATEST: &str = "$Latest";

fn templates(listing: &Value) -> impl Iterator<Item = (String, &Value)> {
    list(listing, "LaunchTemplates")
        .iter()
        .filter_map(|t| Some((text(t, "LaunchTemplateId")?, t)))
}

/// One latest-version call per listed template.
pub fn detail_calls(region: &Region, listing: Result<&Value, &AwsError>) -> Vec<DetailCall> {
    let Ok(listing) = listing else {
        return Vec::new();
    };
    templates(listing)
        .map(|(id, _)| {
            let request = region
                .request(VERSIONS_OPERATION)
                .input(json!({ "LaunchTemplateId": id, "Versions": [LATEST] }));
            (id, request)
        })
        .collect()
}

/// The region's launch templates, or the kind's scope gap.
pub fn resources(
    region: &Region,
    listing: Result<&Value, &AwsError>,
    versions: &DetailAnswers,
) -> Vec<Resource> {
    match listing {
        Ok(listing) => templates(listing)
            .map(|(id, item)| launch_template(region, id, item, versions))
            .collect(),
        Err(error) => vec![region.gap(KIND, region.arn(ARN_TYPE, "*"), error)],
    }
}

fn launch_template(
    region: &Region,
    id: String,
    item: &Value,
    versions: &DetailAnswers,
) -> Resource {
    let mut props = LaunchTemplate {
        launch_template_name: text(item, "LaunchTemplateName"),
        latest_version_number: int(item, "LatestVersionNumber"),
        default_version_number: int(item, "DefaultVersionNumber"),
        create_time: text(item, "CreateTime"),
        ..LaunchTemplate::default()
    };
    let latest = versions
        .get(&id)
        .and_then(|answer| latest_data(answer, props.latest_version_number));
    match latest {
        Ok(data) => apply_version(&mut props, data),
        Err(error) => {
            for property in props::LATEST_VERSION {
                props
                    .errors
                    .insert(property.to_owned(), error.to_collection_error());
            }
        }
    }
    let tags = tags_from_aws(item.get("Tags"));
    let name = display_name(&tags, props.launch_template_name.as_deref().unwrap_or(&id));
    let arn = region.arn(ARN_TYPE, &id);
    props.launch_template_id = id;
    region.resource(KIND, arn, name, tags, &props)
}

/// The `LaunchTemplateData` of the latest version in a versions answer (the one numbered
/// `latest`, else the only one `$Latest` returns).
fn latest_data(answer: &Value, latest: Option<i64>) -> Result<&Value, AwsError> {
    let versions = list(answer, "LaunchTemplateVersions");
    versions
        .iter()
        .find(|v| latest.is_some() && int(v, "VersionNumber") == latest)
        .or_else(|| versions.first())
        .map(|v| v.get("LaunchTemplateData").unwrap_or(&Value::Null))
        .ok_or_else(|| AwsError::BadOutput("no version of the template was returned".to_owned()))
}

/// Fills the latest version's settings from its `LaunchTemplateData`.
fn apply_version(props: &mut LaunchTemplate, data: &Value) {
    props.metadata_options = metadata_options(data.get("MetadataOptions"));
    props.associate_public_ip_address = Some(
        list(data, "NetworkInterfaces")
            .iter()
            .any(|ni| flag(ni, "AssociatePublicIpAddress") == Some(true)),
    );
    props.user_data_present = Some(text(data, "UserData").is_some());
    props.iam_instance_profile = data
        .get("IamInstanceProfile")
        .and_then(|p| text(p, "Arn").or_else(|| text(p, "Name")));
    props.ebs_volumes = Some(
        list(data, "BlockDeviceMappings")
            .iter()
            .filter_map(|m| {
                let ebs = m.get("Ebs")?;
                Some(LaunchTemplateEbsVolume {
                    device_name: text(m, "DeviceName"),
                    encrypted: flag(ebs, "Encrypted"),
                    kms_key_id: text(ebs, "KmsKeyId"),
                })
            })
            .collect(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_versions_settings() {
        let answer = json!({"LaunchTemplateVersions": [{"VersionNumber": 3, "LaunchTemplateData": {
            "MetadataOptions": {"HttpTokens": "optional", "HttpEndpoint": "enabled"},
            "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": false},
                                  {"DeviceIndex": 1, "AssociatePublicIpAddress": true}],
            "UserData": "IyEvYmluL2Jhc2g=",
            "IamInstanceProfile": {"Name": "app"},
            "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": true, "KmsKeyId": "k"}},
                                    {"DeviceName": "/dev/xvdb", "Ebs": {"VolumeSize": 10}},
                                    {"DeviceName": "/dev/sdc", "VirtualName": "ephemeral0"}]
        }}]});
        let mut props = LaunchTemplate::default();
        apply_version(&mut props, latest_data(&answer, Some(3)).expect("version"));
        assert!(
            props
                .metadata_options
                .as_ref()
                .is_some_and(|m| m.imdsv1_allowed())
        );
        assert_eq!(props.associate_public_ip_address, Some(true));
        assert_eq!(props.user_data_present, Some(true));
        assert_eq!(props.iam_instance_profile.as_deref(), Some("app"));
        let volumes = props.ebs_volumes.expect("volumes");
        assert_eq!(volumes.len(), 2);
        assert_eq!(volumes[0].encrypted, Some(true));
        assert_eq!(volumes[1].encrypted, None);

        let mut bare = LaunchTemplate::default();
        apply_version(&mut bare, &json!({"ImageId": "ami-1"}));
        assert_eq!(bare.metadata_options, None);
        assert_eq!(bare.associate_public_ip_address, Some(false));
        assert_eq!(bare.user_data_present, Some(false));
        assert!(latest_data(&json!({}), Some(1)).is_err());
    }
}
