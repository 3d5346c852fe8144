//! `aws:ec2:instance`: DescribeInstances, and each instance's user data
//! (DescribeInstanceAttribute `userData`), searched for secrets here in the sandbox: only
//! whether there is any and the kind and line of each secret found are kept, never the content.

use crate::details::{DetailAnswers, DetailCall};
use crate::json::{list, text, texts};
use crate::metadata::metadata_options;
use crate::region::{Region, display_name};
use lgp_sdk::Resource;
use lgp_sdk::collector::{AwsError, tags_from_aws};
use lgp_sdk::kinds::ec2::UserData;
use lgp_sdk::kinds::ec2::instance::{Instance, KIND, props};
use serde_json::{Value, json};

/// The resource type in the kind's ARNs.
const ARN_TYPE: &str = "instance";

/// The detail call: the `userData` attribute of one instance.
pub const USER_DATA_OPERATION: &str = "DescribeInstanceAttribute";

/// The instances of a DescribeInstances answer (they come grouped by reservation).
fn instances(listing: &Value) -> impl Iterator<Item = (String, &Value)> {
    list(listing, "Reservations")
        .iter()
        .flat_map(|r| list(r, "Instances"))
        .filter_map(|i| Some((text(i, "InstanceId")?, i)))
}

/// One `userData` call per listed instance.
pub fn detail_calls(region: &Region, listing: Result<&Value, &AwsError>) -> Vec<DetailCall> {
    let Ok(listing) = listing else {
        return Vec::new();
    };
    instances(listing)
        .map(|(id, _)| {
            let request = region
                .request(USER_DATA_OPERATION)
                .input(json!({ "InstanceId": id, "Attribute": "userData" }));
            (id, request)
        })
        .collect()
}

/// The region's instances, or the kind's scope gap.
pub fn resources(
    region: &Region,
    listing: Result<&Value, &AwsError>,
    user_data: &DetailAnswers,
) -> Vec<Resource> {
    match listing {
        Ok(listing) => instances(listing)
            .map(|(id, item)| instance(region, id, item, user_data))
            .collect(),
        Err(error) => vec![region.gap(KIND, region.arn(ARN_TYPE, "*"), error)],
    }
}

fn instance(region: &Region, id: String, item: &Value, user_data: &DetailAnswers) -> Resource {
    let mut props = Instance {
        state: item.get("State").and_then(|s| text(s, "Name")),
        instance_type: text(item, "InstanceType"),
        image_id: text(item, "ImageId"),
        vpc_id: text(item, "VpcId"),
        subnet_id: text(item, "SubnetId"),
        private_ip_address: text(item, "PrivateIpAddress"),
        private_dns_name: text(item, "PrivateDnsName"),
        public_ip_address: text(item, "PublicIpAddress"),
        public_dns_name: text(item, "PublicDnsName"),
        metadata_options: metadata_options(item.get("MetadataOptions")),
        iam_instance_profile_arn: item.get("IamInstanceProfile").and_then(|p| text(p, "Arn")),
        security_group_ids: security_group_ids(item),
        network_interface_ids: texts(item, "NetworkInterfaces", "NetworkInterfaceId"),
        volume_ids: list(item, "BlockDeviceMappings")
            .iter()
            .filter_map(|m| text(m.get("Ebs")?, "VolumeId"))
            .collect(),
        launch_time: text(item, "LaunchTime"),
        monitoring_state: item.get("Monitoring").and_then(|m| text(m, "State")),
        key_name: text(item, "KeyName"),
        state_transition_time: text(item, "StateTransitionReason")
            .as_deref()
            .and_then(transition_time),
        ..Instance::default()
    };
    match user_data.get(&id) {
        Ok(answer) => props.user_data = Some(inspect_user_data(answer)),
        Err(error) => {
            props
                .errors
                .insert(props::USER_DATA.to_owned(), error.to_collection_error());
        }
    }
    let tags = tags_from_aws(item.get("Tags"));
    let name = display_name(&tags, &id);
    props.instance_id = id;
    let arn = region.arn(ARN_TYPE, &props.instance_id);
    region.resource(KIND, arn, name, tags, &props)
}

/// The groups of the instance and of each of its network interfaces, once each in order of
/// appearance: an instance launched with explicit network interfaces may list its groups only
/// on them (emulators do), and each interface can have its own.
fn security_group_ids(item: &Value) -> Vec<String> {
    let interfaces = list(item, "NetworkInterfaces")
        .iter()
        .flat_map(|ni| texts(ni, "Groups", "GroupId"));
    let mut ids: Vec<String> = Vec::new();
    for id in texts(item, "SecurityGroups", "GroupId")
        .into_iter()
        .chain(interfaces)
    {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// The user data of a `userData` attribute answer (`{"UserData": {}}` when none), inspected.
fn inspect_user_data(answer: &Value) -> UserData {
    let encoded = answer.get("UserData").and_then(|u| text(u, "Value"));
    UserData::inspect(encoded.as_deref())
}

/// The RFC 3339 time in a `StateTransitionReason` such as
/// `User initiated (2024-05-01 10:00:00 GMT)`; `None` when the reason carries no such date.
fn transition_time(reason: &str) -> Option<String> {
    let (_, rest) = reason.rsplit_once('(')?;
    let stamp = rest.strip_suffix(" GMT)")?;
    let (date, time) = stamp.split_once(' ')?;
    // Digits with separators at fixed places: `YYYY-MM-DD` and `HH:MM:SS`.
    let shaped = |s: &str, len: usize, seps: [usize; 2], sep: u8| {
        s.len() == len
            && s.bytes().enumerate().all(|(i, b)| {
                if seps.contains(&i) {
                    b == sep
                } else {
                    b.is_ascii_digit()
                }
            })
    };
    (shaped(date, 10, [4, 7], b'-') && shaped(time, 8, [2, 5], b':'))
        .then(|| format!("{date}T{time}Z"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn security_groups_of_the_instance_and_its_interfaces() {
        let item = json!({"SecurityGroups": [{"GroupId": "sg-1"}],
            "NetworkInterfaces": [{"Groups": [{"GroupId": "sg-1"}, {"GroupId": "sg-2"}]},
                                  {"Groups": [{"GroupId": "sg-3"}]}]});
        assert_eq!(security_group_ids(&item), ["sg-1", "sg-2", "sg-3"]);
        let only_interfaces = json!({"NetworkInterfaces": [{"Groups": [{"GroupId": "sg-9"}]}]});
        assert_eq!(security_group_ids(&only_interfaces), ["sg-9"]);
    }

    #[test]
    fn user_data_is_inspected_and_never_kept() {
        let clean = inspect_user_data(&json!({"UserData": {"Value": "IyEvYmluL2Jhc2g="}}));
        assert!(clean.present && clean.inspected && clean.secrets.is_empty());
        assert!(!inspect_user_data(&json!({"InstanceId": "i-1", "UserData": {}})).present);
        assert!(!inspect_user_data(&json!({"InstanceId": "i-1"})).present);
        // The seed script's leaky user data: "#!/bin/bash\nexport AWS_SECRET_ACCESS_KEY=…\n
        // export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n/opt/app/run\n".
        let leaky = "IyEvYmluL2Jhc2gKZXhwb3J0IEFXU19TRUNSRVRfQUNDRVNTX0tFWT13SmFsclhVdG5GRU1JL0s3TURFTkcvYlB4UmZpQ1lFWEFNUExFS0VZCmV4cG9ydCBBV1NfQUNDRVNTX0tFWV9JRD1BS0lBSU9TRk9ETk43RVhBTVBMRQovb3B0L2FwcC9ydW4K";
        let found = inspect_user_data(&json!({"UserData": {"Value": leaky}}));
        let doc = serde_json::to_string(&found).expect("serializes");
        assert_eq!(found.secrets.len(), 2, "{doc}");
        assert!(!doc.contains("wJalrXUtnFEMI") && !doc.contains("AKIAIOSFODNN7EXAMPLE"));
    }

    #[test]
    fn state_transition_times() {
        assert_eq!(
            transition_time("User initiated (2024-05-01 10:00:00 GMT)").as_deref(),
            Some("2024-05-01T10:00:00Z")
        );
        assert_eq!(transition_time(""), None);
        assert_eq!(transition_time("Server.SpotInstanceTermination"), None);
        assert_eq!(transition_time("User initiated (soon GMT)"), None);
    }
}
