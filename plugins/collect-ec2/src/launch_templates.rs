//! `aws:ec2:launch-template`: DescribeLaunchTemplates, and each template's versions
//! (DescribeLaunchTemplateVersions, every version): the latest one's settings, where the
//! instances it launches get their metadata options, public address, user data, profile and
//! volumes from, and the user data of every version (older versions stay launchable). User data
//! is searched for secrets here; only the kind and line of each secret found is kept.

use crate::details::{DetailAnswers, DetailCall};
use crate::json::{flag, int, list, text};
use crate::metadata::metadata_options;
use crate::region::{Region, display_name};
use lgp_sdk::Resource;
use lgp_sdk::collector::{AwsError, tags_from_aws};
use lgp_sdk::kinds::ec2::UserData;
use lgp_sdk::kinds::ec2::launch_template::{
    KIND, LaunchTemplate, LaunchTemplateEbsVolume, VersionUserData, props,
};
use serde_json::{Value, json};

/// The resource type in the kind's ARNs.
const ARN_TYPE: &str = "launch-template";

/// The detail call: one template's versions (all of them when no version is named).
pub const VERSIONS_OPERATION: &str = "DescribeLaunchTemplateVersions";

fn templates(listing: &Value) -> impl Iterator<Item = (String, &Value)> {
    list(listing, "LaunchTemplates")
        .iter()
        .filter_map(|t| Some((text(t, "LaunchTemplateId")?, t)))
}

/// One versions call per listed template.
pub fn detail_calls(region: &Region, listing: Result<&Value, &AwsError>) -> Vec<DetailCall> {
    let Ok(listing) = listing else {
        return Vec::new();
    };
    templates(listing)
        .map(|(id, _)| {
            let request = region
                .request(VERSIONS_OPERATION)
                .input(json!({ "LaunchTemplateId": id }));
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
    let read = versions.get(&id).and_then(|answer| {
        let latest = latest_data(answer, props.latest_version_number)?;
        Ok((answer, latest))
    });
    match read {
        Ok((answer, latest)) => {
            apply_version(&mut props, latest);
            props.user_data_by_version = Some(user_data_by_version(answer));
        }
        Err(error) => {
            for property in props::FROM_VERSIONS {
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

/// The user data of every version of a versions answer that has some, newest first.
fn user_data_by_version(answer: &Value) -> Vec<VersionUserData> {
    let mut all: Vec<VersionUserData> = list(answer, "LaunchTemplateVersions")
        .iter()
        .filter_map(|v| {
            let encoded = text(v.get("LaunchTemplateData")?, "UserData")?;
            Some(VersionUserData {
                version_number: int(v, "VersionNumber")?,
                user_data: UserData::inspect(Some(&encoded)),
            })
        })
        .collect();
    all.sort_by_key(|v| std::cmp::Reverse(v.version_number));
    all
}

/// Fills the latest version's settings from its `LaunchTemplateData`.
fn apply_version(props: &mut LaunchTemplate, data: &Value) {
    props.metadata_options = metadata_options(data.get("MetadataOptions"));
    props.associate_public_ip_address = Some(
        list(data, "NetworkInterfaces")
            .iter()
            .any(|ni| flag(ni, "AssociatePublicIpAddress") == Some(true)),
    );
    // Searched for secrets here; only what was found and where is kept.
    props.user_data = Some(UserData::inspect(text(data, "UserData").as_deref()));
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
        assert!(
            props
                .user_data
                .as_ref()
                .is_some_and(|u| u.present && u.inspected)
        );
        assert_eq!(props.iam_instance_profile.as_deref(), Some("app"));
        let volumes = props.ebs_volumes.expect("volumes");
        assert_eq!(volumes.len(), 2);
        assert_eq!(volumes[0].encrypted, Some(true));
        assert_eq!(volumes[1].encrypted, None);

        let mut bare = LaunchTemplate::default();
        apply_version(&mut bare, &json!({"ImageId": "ami-1"}));
        assert_eq!(bare.metadata_options, None);
        assert_eq!(bare.associate_public_ip_address, Some(false));
        assert!(bare.user_data.as_ref().is_some_and(|u| !u.present));
        assert!(latest_data(&json!({}), Some(1)).is_err());
    }

    #[test]
    fn user_data_of_every_version_newest_first() {
        // Version 1 leaked a key ("export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"); version 2
        // has no user data; version 3 is clean.
        let answer = json!({"LaunchTemplateVersions": [
            {"VersionNumber": 1, "LaunchTemplateData": {"UserData": "ZXhwb3J0IEFXU19BQ0NFU1NfS0VZX0lEPUFLSUFJT1NGT0ROTjdFWEFNUExF"}},
            {"VersionNumber": 3, "LaunchTemplateData": {"UserData": "IyEvYmluL2Jhc2g="}},
            {"VersionNumber": 2, "LaunchTemplateData": {"ImageId": "ami-1"}}
        ]});
        let all = user_data_by_version(&answer);
        let numbers: Vec<i64> = all.iter().map(|v| v.version_number).collect();
        assert_eq!(numbers, [3, 1]);
        assert!(all[0].user_data.secrets.is_empty());
        assert_eq!(all[1].user_data.secrets[0].kind, "aws_access_key_id");
        let doc = serde_json::to_string(&all).expect("serializes");
        assert!(!doc.contains("AKIAIOSFODNN7EXAMPLE"));
    }
}
