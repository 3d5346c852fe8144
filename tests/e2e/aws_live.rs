//! The live AWS capability (`lgp-aws`) against the AWS emulator: every operation of the
//! catalogue answers from the seeded demo account in the shapes `docs/aws-capability.md`
//! describes, all pages merged; "not configured" keeps its real error code; calls go through an
//! assumed role (with its external id); and a denied call is reported as access denied.
//!
//! Each test starts its own emulator. Set-up the capability cannot do (it only reads) is done
//! with boto3, which comes with moto.

use crate::emulator::Emulator;
use lgp_aws::{AssumeRole, LiveAws, LiveConfig};
use lgp_aws_api::{AwsApi, AwsCallError, AwsRequest, ErrorCategory, catalogue};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

/// moto accepts any credentials until authorization is switched on.
const DUMMY_KEY: (&str, &str) = ("testing", "testing");

/// The capability pointed at `emulator`, with `key` as its credentials.
async fn live(emulator: &Emulator, key: (&str, &str), assume_role: Option<AssumeRole>) -> LiveAws {
    LiveAws::new(LiveConfig {
        endpoint_url: Some(emulator.endpoint_url().to_owned()),
        static_credentials: Some((key.0.to_owned(), key.1.to_owned())),
        assume_role,
        ..LiveConfig::default()
    })
    .await
    .expect("the live capability sets up")
}

/// The capability, remembering which catalogue operations it was asked.
struct Account {
    aws: LiveAws,
    called: Mutex<BTreeSet<(String, String)>>,
}

impl Account {
    fn new(aws: LiveAws) -> Self {
        Self {
            aws,
            called: Mutex::new(BTreeSet::new()),
        }
    }

    async fn call(
        &self,
        service: &str,
        operation: &str,
        region: &str,
        input: Value,
    ) -> Result<Value, AwsCallError> {
        self.called
            .lock()
            .expect("not poisoned")
            .insert((service.to_owned(), operation.to_owned()));
        let request = AwsRequest::new(service, operation, region).with_input(input);
        self.aws.call(&request).await
    }

    /// The answer, which must be a JSON object.
    async fn ok(&self, service: &str, operation: &str, region: &str, input: Value) -> Value {
        let what = format!("{service} {operation} in {region} with {input}");
        let out = self
            .call(service, operation, region, input)
            .await
            .unwrap_or_else(|e| panic!("{what} failed: {e:?}"));
        assert!(out.is_object(), "{what} answered {out}");
        out
    }

    /// The error, which must be a service error that the catalogue calls "not configured" for
    /// the operation; returns its code.
    async fn absent(&self, service: &str, operation: &str, region: &str, input: Value) -> String {
        let what = format!("{service} {operation} in {region} with {input}");
        match self.call(service, operation, region, input).await {
            Err(AwsCallError::Service { code, .. }) => {
                let op = catalogue::find(service, operation).expect("a catalogue operation");
                assert!(
                    op.is_absent_code(&code),
                    "{what}: {code} is not a 'not configured' code of the operation"
                );
                assert_eq!(
                    ErrorCategory::of_code(&code),
                    ErrorCategory::ResourceNotFound
                );
                code
            }
            other => panic!("{what}: expected a 'not configured' error, got {other:?}"),
        }
    }

    /// Either the answer (when `configured`) or the operation's "not configured" error.
    async fn maybe(
        &self,
        configured: bool,
        service: &str,
        operation: &str,
        region: &str,
        input: Value,
    ) -> Option<Value> {
        if configured {
            Some(self.ok(service, operation, region, input).await)
        } else {
            self.absent(service, operation, region, input).await;
            None
        }
    }
}

/// The list at `field`, empty when omitted (the capability omits empty lists).
fn list<'a>(value: &'a Value, field: &str) -> &'a [Value] {
    value
        .get(field)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The strings at `field` of each item of the list `list_field`.
fn strings(value: &Value, list_field: &str, field: &str) -> BTreeSet<String> {
    list(value, list_field)
        .iter()
        .filter_map(|item| item.get(field).and_then(Value::as_str))
        .map(str::to_owned)
        .collect()
}

/// The item of `items` whose `field` is `want`.
fn find<'a>(items: &'a [Value], field: &str, want: &str) -> &'a Value {
    items
        .iter()
        .find(|item| item[field] == want)
        .unwrap_or_else(|| panic!("no item with {field} = {want} in {items:?}"))
}

/// The string at `pointer` of the manifest.
fn text<'a>(manifest: &'a Value, pointer: &str) -> &'a str {
    manifest
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string at {pointer}"))
}

/// The manifest's list at `pointer`.
fn manifest_list<'a>(manifest: &'a Value, pointer: &str) -> &'a [Value] {
    manifest
        .pointer(pointer)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_else(|| panic!("no list at {pointer}"))
}

/// The `field` strings of the manifest's list at `pointer`.
fn manifest_strings(manifest: &Value, pointer: &str, field: &str) -> BTreeSet<String> {
    manifest_list(manifest, pointer)
        .iter()
        .filter_map(|item| item[field].as_str())
        .map(str::to_owned)
        .collect()
}

/// An RFC 3339 UTC timestamp as the capability writes them (`2024-01-02T03:04:05Z`, optional
/// fraction).
fn assert_timestamp(value: &Value) {
    let s = value
        .as_str()
        .unwrap_or_else(|| panic!("{value} is no timestamp"));
    let bytes = s.as_bytes();
    let shape = bytes.len() >= 20
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[10] == b'T'
        && bytes[13] == b':'
        && bytes[16] == b':'
        && s.ends_with('Z');
    assert!(shape, "{s} is not an RFC 3339 UTC timestamp");
}

/// A policy document (JSON text) parsed.
fn policy(value: &Value) -> Value {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("{value} is no policy document text"));
    serde_json::from_str(text).unwrap_or_else(|e| panic!("policy {text:?} is not JSON: {e}"))
}

/// Standard base64 decoding (user data), enough for the tests.
fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text
        .bytes()
        .filter(|&c| c != b'=' && !c.is_ascii_whitespace())
    {
        let v = ALPHABET
            .iter()
            .position(|&a| a == c)
            .unwrap_or_else(|| panic!("{text:?} is not base64"));
        bits = (bits << 6) | v as u32;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_catalogue_operation_answers_from_the_seeded_account() {
    let emulator = Emulator::start();
    let m = emulator.seed();
    let account = Account::new(live(&emulator, DUMMY_KEY, None).await);
    let account_id = text(&m, "/account_id");

    let who = account
        .ok("sts", "GetCallerIdentity", "global", json!({}))
        .await;
    assert_eq!(who["Account"], account_id);
    assert!(
        who["Arn"]
            .as_str()
            .expect("a string")
            .starts_with("arn:aws:")
    );
    assert!(who["UserId"].is_string());

    let regions = account
        .ok(
            "ec2",
            "DescribeRegions",
            "us-east-1",
            json!({"AllRegions": true}),
        )
        .await;
    for region in manifest_list(&m, "/regions") {
        let r = find(
            list(&regions, "Regions"),
            "RegionName",
            region.as_str().expect("a string"),
        );
        assert!(
            r["Endpoint"].is_string() && r["OptInStatus"].is_string(),
            "{r}"
        );
    }

    for region in manifest_list(&m, "/regions") {
        let region = region.as_str().expect("a string");
        ec2_region(&account, &m, region).await;
    }
    s3_buckets(&account, &m).await;
    iam_account(&account, &m).await;

    // Nothing of the catalogue was left out.
    let all: BTreeSet<(String, String)> = catalogue::OPERATIONS
        .iter()
        .map(|o| (o.service.to_owned(), o.name.to_owned()))
        .collect();
    let called = account.called.lock().expect("not poisoned").clone();
    let missed: Vec<_> = all.difference(&called).collect();
    assert!(missed.is_empty(), "operations never exercised: {missed:?}");
}

async fn ec2_region(account: &Account, m: &Value, region: &str) {
    let at = |rest: &str| format!("/ec2/{region}/{rest}");
    let account_id = text(m, "/account_id");

    // Instances: reservations, public addresses, IMDS, profiles, security groups, user data.
    let out = account
        .ok("ec2", "DescribeInstances", region, json!({}))
        .await;
    let reservations = list(&out, "Reservations");
    let instances: Vec<&Value> = reservations
        .iter()
        .inspect(|r| {
            assert!(r["ReservationId"].is_string(), "{r}");
            assert_eq!(r["OwnerId"], account_id);
        })
        .flat_map(|r| list(r, "Instances"))
        .collect();
    let ids: BTreeSet<String> = instances
        .iter()
        .map(|i| i["InstanceId"].as_str().expect("a string").to_owned())
        .collect();
    assert_eq!(ids, manifest_strings(m, &at("instances"), "id"));
    for want in manifest_list(m, &at("instances")) {
        let id = want["id"].as_str().expect("a string");
        let got = instances
            .iter()
            .find(|i| i["InstanceId"] == id)
            .expect("listed");
        assert_eq!(got["State"]["Name"], "running");
        assert_timestamp(&got["LaunchTime"]);
        assert_eq!(
            got.get("PublicIpAddress"),
            want.get("public_ip").filter(|v| !v.is_null())
        );
        let tokens = if want["imdsv2_required"] == true {
            "required"
        } else {
            "optional"
        };
        assert_eq!(got["MetadataOptions"]["HttpTokens"], tokens, "{id}");
        assert!(got["MetadataOptions"]["HttpPutResponseHopLimit"].is_number());
        match want["instance_profile"].as_str() {
            Some(arn) => assert_eq!(got["IamInstanceProfile"]["Arn"], arn),
            None => assert!(got.get("IamInstanceProfile").is_none()),
        }
        // AWS lists the primary interface's groups in `SecurityGroups` too; moto leaves it
        // empty for instances launched with an explicit network interface, so both are read.
        let groups: BTreeSet<&str> = list(got, "SecurityGroups")
            .iter()
            .chain(
                list(got, "NetworkInterfaces")
                    .iter()
                    .flat_map(|n| list(n, "Groups")),
            )
            .map(|g| g["GroupId"].as_str().expect("a string"))
            .collect();
        let wanted: BTreeSet<&str> = want["security_groups"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|g| g.as_str().expect("a string"))
            .collect();
        assert_eq!(groups, wanted, "{id}");
        assert_eq!(got["SubnetId"], want["subnet_id"]);
        assert_eq!(got["VpcId"], want["vpc_id"]);
        let eni = &list(got, "NetworkInterfaces")[0];
        assert!(eni["NetworkInterfaceId"].is_string());
        if let Some(ip) = want["public_ip"].as_str() {
            assert_eq!(eni["Association"]["PublicIp"], ip);
        }
        let root = &list(got, "BlockDeviceMappings")[0];
        assert!(root["Ebs"]["VolumeId"].is_string());

        let attribute = account
            .ok(
                "ec2",
                "DescribeInstanceAttribute",
                region,
                json!({"InstanceId": id, "Attribute": "userData"}),
            )
            .await;
        assert_eq!(attribute["InstanceId"], id);
        let user_data = attribute["UserData"]["Value"].as_str();
        assert_eq!(
            user_data.is_some(),
            want["user_data"] == true,
            "{id}: {attribute}"
        );
        if let Some(encoded) = user_data {
            let script = String::from_utf8(base64_decode(encoded)).expect("text user data");
            assert!(script.starts_with("#!/bin/bash"));
            let leaks = script.contains("AWS_SECRET_ACCESS_KEY");
            assert_eq!(leaks, want["user_data_secret"] == true, "{id}");
        }
    }

    // Security groups: the world-open rules, with their ranges.
    let out = account
        .ok("ec2", "DescribeSecurityGroups", region, json!({}))
        .await;
    let groups = list(&out, "SecurityGroups");
    assert_eq!(
        strings(&out, "SecurityGroups", "GroupId"),
        manifest_strings(m, &at("security_groups"), "id")
    );
    let mut open_rules = 0;
    for want in manifest_list(m, &at("security_groups")) {
        let got = find(groups, "GroupId", want["id"].as_str().expect("a string"));
        assert_eq!(got["GroupName"], want["name"]);
        assert_eq!(got["OwnerId"], account_id);
        assert!(!list(got, "IpPermissionsEgress").is_empty(), "{got}");
        for rule in want["open_to_world"].as_array().expect("a list") {
            open_rules += 1;
            let perm = list(got, "IpPermissions")
                .iter()
                .find(|p| {
                    p["IpProtocol"] == rule["protocol"]
                        && p.get("FromPort") == rule.get("from_port").filter(|v| !v.is_null())
                        && p.get("ToPort") == rule.get("to_port").filter(|v| !v.is_null())
                })
                .unwrap_or_else(|| panic!("{rule} not among the rules of {got}"));
            let v4 = strings(perm, "IpRanges", "CidrIp").contains("0.0.0.0/0");
            let v6 = strings(perm, "Ipv6Ranges", "CidrIpv6").contains("::/0");
            assert_eq!(v4, rule["ipv4"] == true, "{perm}");
            assert_eq!(v6, rule["ipv6"] == true, "{perm}");
        }
        for rule in want["ingress"].as_array().into_iter().flatten() {
            for sg in rule["security_groups"].as_array().expect("a list") {
                let pairs: Vec<&Value> = list(got, "IpPermissions")
                    .iter()
                    .flat_map(|p| list(p, "UserIdGroupPairs"))
                    .collect();
                assert!(pairs.iter().any(|p| p["GroupId"] == *sg), "{sg} in {got}");
            }
        }
    }
    assert!(open_rules >= 4, "the demo account opens ports to the world");

    // Network ACLs: rules in order, actions, ranges.
    let out = account
        .ok("ec2", "DescribeNetworkAcls", region, json!({}))
        .await;
    assert_eq!(
        strings(&out, "NetworkAcls", "NetworkAclId"),
        manifest_strings(m, &at("network_acls"), "id")
    );
    let mut port_ranges = 0;
    for want in manifest_list(m, &at("network_acls")) {
        let got = find(
            list(&out, "NetworkAcls"),
            "NetworkAclId",
            want["id"].as_str().expect("a string"),
        );
        assert_eq!(got["VpcId"], want["vpc_id"]);
        assert_eq!(got["IsDefault"], want["default"]);
        let from_world = |port: Option<i64>| {
            list(got, "Entries").iter().any(|e| {
                assert!(
                    e["RuleNumber"].is_number() && e["Egress"].is_boolean(),
                    "{e}"
                );
                let covers = match (port, e.get("PortRange")) {
                    (_, None) => e["Protocol"] == "-1",
                    (None, Some(_)) => false,
                    (Some(p), Some(r)) => {
                        e["Protocol"] == "6"
                            && r["From"].as_i64().expect("a number") <= p
                            && p <= r["To"].as_i64().expect("a number")
                    }
                };
                e["Egress"] == false
                    && e["RuleAction"] == "allow"
                    && e["CidrBlock"] == "0.0.0.0/0"
                    && covers
            })
        };
        assert_eq!(
            from_world(Some(22)),
            want["allows_ssh_from_world"] == true,
            "{got}"
        );
        assert_eq!(
            from_world(None),
            want["allows_all_from_world"] == true,
            "{got}"
        );
        port_ranges += list(got, "Entries")
            .iter()
            .filter(|e| e.get("PortRange").is_some())
            .count();
    }
    assert!(port_ranges > 0, "the custom ACLs have port ranges");

    // VPCs, subnets, flow logs.
    let out = account.ok("ec2", "DescribeVpcs", region, json!({})).await;
    for want in manifest_list(m, &at("vpcs")) {
        let got = find(
            list(&out, "Vpcs"),
            "VpcId",
            want["id"].as_str().expect("a string"),
        );
        assert_eq!(got["CidrBlock"], want["cidr"]);
        assert_eq!(got["IsDefault"], want["default"]);
        assert_eq!(got["State"], "available");
    }
    assert_eq!(
        strings(&out, "Vpcs", "VpcId"),
        manifest_strings(m, &at("vpcs"), "id")
    );
    let out = account
        .ok("ec2", "DescribeSubnets", region, json!({}))
        .await;
    let subnets = strings(&out, "Subnets", "SubnetId");
    for want in manifest_list(m, &at("instances")) {
        assert!(subnets.contains(want["subnet_id"].as_str().expect("a string")));
    }
    for subnet in list(&out, "Subnets") {
        assert!(subnet["CidrBlock"].is_string() && subnet["MapPublicIpOnLaunch"].is_boolean());
        assert!(
            manifest_strings(m, &at("vpcs"), "id")
                .contains(subnet["VpcId"].as_str().expect("a string"))
        );
    }
    let out = account
        .ok("ec2", "DescribeFlowLogs", region, json!({}))
        .await;
    assert_eq!(
        strings(&out, "FlowLogs", "FlowLogId"),
        manifest_strings(m, &at("flow_logs"), "id")
    );
    for want in manifest_list(m, &at("flow_logs")) {
        let got = find(
            list(&out, "FlowLogs"),
            "FlowLogId",
            want["id"].as_str().expect("a string"),
        );
        assert_eq!(got["ResourceId"], want["vpc_id"]);
        assert_eq!(got["LogDestinationType"], want["destination_type"]);
        assert_eq!(got["FlowLogStatus"], "ACTIVE");
        assert!(got["TrafficType"].is_string());
    }

    // Volumes and snapshots: encryption, attachments, sharing.
    let out = account
        .ok("ec2", "DescribeVolumes", region, json!({}))
        .await;
    assert_eq!(
        strings(&out, "Volumes", "VolumeId"),
        manifest_strings(m, &at("volumes"), "id")
    );
    for want in manifest_list(m, &at("volumes")) {
        let got = find(
            list(&out, "Volumes"),
            "VolumeId",
            want["id"].as_str().expect("a string"),
        );
        assert_eq!(got["Encrypted"], want["encrypted"]);
        assert_eq!(got["Size"], want["size"]);
        assert_timestamp(&got["CreateTime"]);
        match want["attached_to"].as_str() {
            Some(instance) => {
                assert_eq!(list(got, "Attachments")[0]["InstanceId"], instance);
                assert_eq!(got["State"], "in-use");
            }
            None => assert!(list(got, "Attachments").is_empty()),
        }
    }
    let out = account
        .ok("ec2", "DescribeSnapshots", region, json!({}))
        .await;
    let same = account
        .ok(
            "ec2",
            "DescribeSnapshots",
            region,
            json!({"OwnerIds": ["self"]}),
        )
        .await;
    assert_eq!(out, same, "snapshots are listed for their owner by default");
    assert_eq!(
        strings(&out, "Snapshots", "SnapshotId"),
        manifest_strings(m, &at("snapshots"), "id")
    );
    for want in manifest_list(m, &at("snapshots")) {
        let id = want["id"].as_str().expect("a string");
        let got = find(list(&out, "Snapshots"), "SnapshotId", id);
        assert_eq!(got["Encrypted"], want["encrypted"]);
        assert_eq!(got["OwnerId"], account_id);
        assert_eq!(got["VolumeId"], want["volume_id"]);
        assert_timestamp(&got["StartTime"]);
        let attribute = account
            .ok(
                "ec2",
                "DescribeSnapshotAttribute",
                region,
                json!({"SnapshotId": id, "Attribute": "createVolumePermission"}),
            )
            .await;
        assert_eq!(attribute["SnapshotId"], id);
        assert_eq!(
            sharing(&attribute, "CreateVolumePermissions"),
            sharing_of(want),
            "{id}"
        );
    }
    let out = account
        .ok("ec2", "GetEbsEncryptionByDefault", region, json!({}))
        .await;
    assert_eq!(
        out["EbsEncryptionByDefault"],
        m["ec2"][region]["ebs_encryption_by_default"]
    );

    // Images and their launch permissions.
    let out = account.ok("ec2", "DescribeImages", region, json!({})).await;
    assert_eq!(
        strings(&out, "Images", "ImageId"),
        manifest_strings(m, &at("images"), "id")
    );
    for want in manifest_list(m, &at("images")) {
        let id = want["id"].as_str().expect("a string");
        let got = find(list(&out, "Images"), "ImageId", id);
        assert_eq!(got["Public"], want["public"]);
        assert_eq!(got["State"], "available");
        assert_eq!(got["OwnerId"], account_id);
        assert!(got["CreationDate"].is_string());
        let attribute = account
            .ok(
                "ec2",
                "DescribeImageAttribute",
                region,
                json!({"ImageId": id, "Attribute": "launchPermission"}),
            )
            .await;
        assert_eq!(attribute["ImageId"], id);
        assert_eq!(
            sharing(&attribute, "LaunchPermissions"),
            sharing_of(want),
            "{id}"
        );
    }

    // Launch templates and their data.
    let out = account
        .ok("ec2", "DescribeLaunchTemplates", region, json!({}))
        .await;
    assert_eq!(
        strings(&out, "LaunchTemplates", "LaunchTemplateId"),
        manifest_strings(m, &at("launch_templates"), "id")
    );
    for want in manifest_list(m, &at("launch_templates")) {
        let id = want["id"].as_str().expect("a string");
        let versions = account
            .ok(
                "ec2",
                "DescribeLaunchTemplateVersions",
                region,
                json!({"LaunchTemplateId": id, "Versions": ["$Latest"]}),
            )
            .await;
        let version = &list(&versions, "LaunchTemplateVersions")[0];
        assert_eq!(version["LaunchTemplateId"], id);
        let data = &version["LaunchTemplateData"];
        let required = data["MetadataOptions"]["HttpTokens"] == "required";
        assert_eq!(required, want["imdsv2_required"] == true, "{id}: {data}");
        let public = list(data, "NetworkInterfaces")
            .iter()
            .any(|n| n["AssociatePublicIpAddress"] == true);
        assert_eq!(public, want["associate_public_ip"] == true, "{id}: {data}");
        assert_eq!(data.get("UserData").is_some(), want["user_data"] == true);
        if let Some(encoded) = data["UserData"].as_str() {
            let script = String::from_utf8(base64_decode(encoded)).expect("text user data");
            assert_eq!(
                script.contains("AWS_SECRET_ACCESS_KEY"),
                want["user_data_secret"] == true
            );
        }
    }

    // Elastic IPs and network interfaces.
    let out = account
        .ok("ec2", "DescribeAddresses", region, json!({}))
        .await;
    assert_eq!(
        strings(&out, "Addresses", "AllocationId"),
        manifest_strings(m, &at("elastic_ips"), "allocation_id")
    );
    for want in manifest_list(m, &at("elastic_ips")) {
        let got = find(
            list(&out, "Addresses"),
            "AllocationId",
            want["allocation_id"].as_str().expect("a string"),
        );
        assert_eq!(got["PublicIp"], want["public_ip"]);
        assert_eq!(got["Domain"], "vpc");
        match want["associated_with"].as_str() {
            Some(eni) if eni.starts_with("eni-") => {
                assert_eq!(got["NetworkInterfaceId"], eni);
                assert!(got["AssociationId"].is_string());
            }
            Some(instance) => {
                assert_eq!(got["InstanceId"], instance);
                assert!(got["AssociationId"].is_string() && got["NetworkInterfaceId"].is_string());
            }
            None => assert!(got.get("AssociationId").is_none()),
        }
    }
    let out = account
        .ok("ec2", "DescribeNetworkInterfaces", region, json!({}))
        .await;
    assert_eq!(
        strings(&out, "NetworkInterfaces", "NetworkInterfaceId"),
        manifest_strings(m, &at("network_interfaces"), "id")
    );
    for want in manifest_list(m, &at("network_interfaces")) {
        let got = find(
            list(&out, "NetworkInterfaces"),
            "NetworkInterfaceId",
            want["id"].as_str().expect("a string"),
        );
        assert!(got["Status"].is_string() && got["InterfaceType"].is_string());
        assert!(!list(got, "Groups").is_empty());
        if let Some(instance) = want["attached_to"].as_str() {
            assert_eq!(got["Attachment"]["InstanceId"], instance);
            let public_ip = manifest_list(m, &at("instances"))
                .iter()
                .find(|i| i["id"] == instance)
                .and_then(|i| i["public_ip"].as_str());
            if let (Some(ip), Some(0)) = (public_ip, got["Attachment"]["DeviceIndex"].as_i64()) {
                assert_eq!(got["Association"]["PublicIp"], ip);
            }
        }
    }
}

/// Who a snapshot or image is shared with, from its attribute: `all` or account ids.
fn sharing(attribute: &Value, field: &str) -> BTreeSet<String> {
    list(attribute, field)
        .iter()
        .map(|p| match (p["Group"].as_str(), p["UserId"].as_str()) {
            (Some(group), None) => group.to_owned(),
            (None, Some(user)) => user.to_owned(),
            _ => panic!("odd permission {p}"),
        })
        .collect()
}

/// Who the manifest says a snapshot or image is shared with.
fn sharing_of(want: &Value) -> BTreeSet<String> {
    let mut who: BTreeSet<String> = want["shared_with"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|a| a.as_str().expect("a string").to_owned())
        .collect();
    if want["public"] == true {
        who.insert("all".to_owned());
    }
    who
}

async fn s3_buckets(account: &Account, m: &Value) {
    let out = account.ok("s3", "ListBuckets", "global", json!({})).await;
    assert_eq!(
        strings(&out, "Buckets", "Name"),
        manifest_strings(m, "/s3/buckets", "name")
    );
    for bucket in list(&out, "Buckets") {
        assert_timestamp(&bucket["CreationDate"]);
    }
    assert!(out["Owner"]["ID"].is_string());

    let mut absent_codes = BTreeSet::new();
    for want in manifest_list(m, "/s3/buckets") {
        let name = want["name"].as_str().expect("a string");
        let region = want["region"].as_str().expect("a string");
        let b = json!({ "Bucket": name });
        let has = |field: &str| !want[field].is_null() && want[field] != false;

        let location = account
            .ok("s3", "GetBucketLocation", region, b.clone())
            .await;
        let expected = if region == "us-east-1" {
            Value::Null
        } else {
            json!(region)
        };
        assert_eq!(
            location,
            json!({ "LocationConstraint": expected }),
            "{name}"
        );

        let tagging = account
            .ok("s3", "GetBucketTagging", region, b.clone())
            .await;
        let tags: BTreeMap<&str, &str> = list(&tagging, "TagSet")
            .iter()
            .map(|t| {
                (
                    t["Key"].as_str().expect("a string"),
                    t["Value"].as_str().expect("a string"),
                )
            })
            .collect();
        let wanted: BTreeMap<&str, &str> = want["tags"]
            .as_object()
            .expect("an object")
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str().expect("a string")))
            .collect();
        assert_eq!(tags, wanted, "{name}");

        if let Some(enc) = account
            .maybe(
                has("encryption"),
                "s3",
                "GetBucketEncryption",
                region,
                b.clone(),
            )
            .await
        {
            let rule = &list(&enc["ServerSideEncryptionConfiguration"], "Rules")[0];
            let default = &rule["ApplyServerSideEncryptionByDefault"];
            assert_eq!(default["SSEAlgorithm"], want["encryption"], "{name}");
            assert_eq!(
                default.get("KMSMasterKeyID"),
                want.get("kms_key_id").filter(|k| !k.is_null())
            );
            assert_eq!(rule["BucketKeyEnabled"], want["encryption"] == "aws:kms");
        }

        let versioning = account
            .ok("s3", "GetBucketVersioning", region, b.clone())
            .await;
        assert_eq!(
            versioning.get("Status"),
            want.get("versioning").filter(|v| !v.is_null())
        );

        let logging = account
            .ok("s3", "GetBucketLogging", region, b.clone())
            .await;
        match want["logging_target"].as_str() {
            Some(target) => {
                assert_eq!(logging["LoggingEnabled"]["TargetBucket"], target);
                assert_eq!(
                    logging["LoggingEnabled"]["TargetPrefix"],
                    format!("{name}/")
                );
            }
            None => assert_eq!(logging, json!({}), "{name}"),
        }

        if let Some(pab) = account
            .maybe(
                has("public_access_block"),
                "s3",
                "GetPublicAccessBlock",
                region,
                b.clone(),
            )
            .await
        {
            assert_eq!(
                pab["PublicAccessBlockConfiguration"],
                want["public_access_block"]
            );
        }

        if let Some(p) = account
            .maybe(has("policy"), "s3", "GetBucketPolicy", region, b.clone())
            .await
        {
            let document = policy(&p["Policy"]);
            assert!(
                !list(&document, "Statement").is_empty(),
                "{name}: {document}"
            );
        }
        if let Some(status) = account
            .maybe(
                has("policy"),
                "s3",
                "GetBucketPolicyStatus",
                region,
                b.clone(),
            )
            .await
        {
            let public = want["policy"] == "public-read";
            assert_eq!(status["PolicyStatus"]["IsPublic"], public, "{name}");
        }

        let acl = account.ok("s3", "GetBucketAcl", region, b.clone()).await;
        assert!(acl["Owner"]["ID"].is_string());
        let grants = list(&acl, "Grants");
        assert!(grants.iter().any(|g| g["Permission"] == "FULL_CONTROL"
            && g["Grantee"]["Type"] == "CanonicalUser"
            && g["Grantee"]["ID"].is_string()));
        let all_users = grants.iter().any(|g| {
            g["Grantee"]["URI"] == "http://acs.amazonaws.com/groups/global/AllUsers"
                && g["Grantee"]["Type"] == "Group"
        });
        assert_eq!(all_users, want["acl"] == "public-read", "{name}: {acl}");
        if want["acl"] == "log-delivery-write" {
            assert!(grants.iter().any(|g| {
                g["Grantee"]["URI"]
                    .as_str()
                    .is_some_and(|u| u.ends_with("/LogDelivery"))
            }));
        }

        if let Some(o) = account
            .maybe(
                has("ownership"),
                "s3",
                "GetBucketOwnershipControls",
                region,
                b.clone(),
            )
            .await
        {
            let rule = &list(&o["OwnershipControls"], "Rules")[0];
            assert_eq!(rule["ObjectOwnership"], want["ownership"]);
        }

        if let Some(l) = account
            .maybe(
                has("lifecycle"),
                "s3",
                "GetBucketLifecycleConfiguration",
                region,
                b.clone(),
            )
            .await
        {
            let rule = &list(&l, "Rules")[0];
            assert_eq!(rule["Status"], "Enabled");
            assert!(rule["Filter"].is_object(), "{rule}");
        }

        if let Some(r) = account
            .maybe(
                has("replication"),
                "s3",
                "GetBucketReplication",
                region,
                b.clone(),
            )
            .await
        {
            let config = &r["ReplicationConfiguration"];
            assert_eq!(config["Role"], want["replication"]["role"]);
            let rule = &list(config, "Rules")[0];
            assert_eq!(
                rule["Destination"]["Bucket"],
                want["replication"]["destination"]
            );
            assert_eq!(rule["Status"], "Enabled");
            assert_eq!(rule["DeleteMarkerReplication"]["Status"], "Disabled");
        }

        if let Some(lock) = account
            .maybe(
                has("object_lock"),
                "s3",
                "GetObjectLockConfiguration",
                region,
                b.clone(),
            )
            .await
        {
            let config = &lock["ObjectLockConfiguration"];
            assert_eq!(config["ObjectLockEnabled"], "Enabled");
            assert_eq!(config["Rule"]["DefaultRetention"]["Mode"], "GOVERNANCE");
            assert_eq!(config["Rule"]["DefaultRetention"]["Days"], 30);
        }

        let notifications = account
            .ok(
                "s3",
                "GetBucketNotificationConfiguration",
                region,
                b.clone(),
            )
            .await;
        let targets: BTreeSet<String> = strings(&notifications, "QueueConfigurations", "QueueArn")
            .into_iter()
            .chain(strings(&notifications, "TopicConfigurations", "TopicArn"))
            .collect();
        assert_eq!(
            targets,
            manifest_strings_plain(&want["notifications"]),
            "{name}"
        );
        for config in list(&notifications, "QueueConfigurations") {
            assert!(!list(config, "Events").is_empty());
        }

        for op in [
            "GetBucketEncryption",
            "GetPublicAccessBlock",
            "GetBucketPolicy",
            "GetBucketOwnershipControls",
        ] {
            if let Err(AwsCallError::Service { code, .. }) =
                account.call("s3", op, region, b.clone()).await
            {
                absent_codes.insert(code);
            }
        }
    }
    // The plainest buckets showed each "not configured" code.
    for code in [
        "ServerSideEncryptionConfigurationNotFoundError",
        "NoSuchPublicAccessBlockConfiguration",
        "NoSuchBucketPolicy",
        "OwnershipControlsNotFoundError",
    ] {
        assert!(
            absent_codes.contains(code),
            "{code} never seen: {absent_codes:?}"
        );
    }

    // The account-level block, for the credentials' account or a named one.
    let want = &m["s3"]["account_public_access_block"];
    let own = account
        .ok("s3control", "GetPublicAccessBlock", "global", json!({}))
        .await;
    assert_eq!(own["PublicAccessBlockConfiguration"], *want);
    let named = account
        .ok(
            "s3control",
            "GetPublicAccessBlock",
            "global",
            json!({"AccountId": text(m, "/account_id")}),
        )
        .await;
    assert_eq!(named, own);
}

/// A manifest list of strings as a set.
fn manifest_strings_plain(list: &Value) -> BTreeSet<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|s| s.as_str().expect("a string").to_owned())
        .collect()
}

async fn iam_account(account: &Account, m: &Value) {
    let g = "global";
    let users = manifest_list(m, "/iam/users");
    let user_names = manifest_strings(m, "/iam/users", "name");

    // Credential report: the CSV as text.
    let generated = account
        .ok("iam", "GenerateCredentialReport", g, json!({}))
        .await;
    assert!(
        ["STARTED", "INPROGRESS", "COMPLETE"]
            .contains(&generated["State"].as_str().expect("a string"))
    );
    let report = account.ok("iam", "GetCredentialReport", g, json!({})).await;
    assert_eq!(report["ReportFormat"], "text/csv");
    assert_timestamp(&report["GeneratedTime"]);
    let csv = report["Content"].as_str().expect("the report as text");
    assert!(
        csv.starts_with("user,arn,user_creation_time,password_enabled"),
        "{csv}"
    );
    let rows: BTreeSet<&str> = csv
        .lines()
        .skip(1)
        .filter_map(|line| line.split(',').next())
        .collect();
    for name in &user_names {
        assert!(rows.contains(name.as_str()), "{name} not in the report");
    }

    // Everything at once, policy documents decoded.
    let details = account
        .ok("iam", "GetAccountAuthorizationDetails", g, json!({}))
        .await;
    assert_eq!(strings(&details, "UserDetailList", "UserName"), user_names);
    for want in users {
        let got = find(
            list(&details, "UserDetailList"),
            "UserName",
            want["name"].as_str().expect("a string"),
        );
        assert_eq!(got["Arn"], want["arn"]);
        let groups: BTreeSet<&str> = list(got, "GroupList")
            .iter()
            .map(|g| g.as_str().expect("a string"))
            .collect();
        let wanted: BTreeSet<&str> = want["groups"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|g| g.as_str().expect("a string"))
            .collect();
        assert_eq!(groups, wanted);
        assert_eq!(
            strings(got, "AttachedManagedPolicies", "PolicyArn"),
            manifest_strings_plain(&want["attached_policies"])
        );
        for inline in list(got, "UserPolicyList") {
            let document = policy(&inline["PolicyDocument"]);
            assert!(document.to_string().contains("s3:GetObject"), "{document}");
        }
        assert_eq!(
            strings(got, "UserPolicyList", "PolicyName"),
            manifest_strings_plain(&want["inline_policies"])
        );
    }
    assert_eq!(
        strings(&details, "GroupDetailList", "GroupName"),
        manifest_strings(m, "/iam/groups", "name")
    );
    let roles = manifest_list(m, "/iam/roles");
    assert_eq!(
        strings(&details, "RoleDetailList", "RoleName"),
        manifest_strings(m, "/iam/roles", "name")
    );
    for want in roles {
        let got = find(
            list(&details, "RoleDetailList"),
            "RoleName",
            want["name"].as_str().expect("a string"),
        );
        let trust = policy(&got["AssumeRolePolicyDocument"]);
        assert!(!list(&trust, "Statement").is_empty());
        if let Some(profile) = want["instance_profile"].as_str() {
            assert_eq!(list(got, "InstanceProfileList")[0]["Arn"], profile);
        }
        assert_eq!(
            strings(got, "AttachedManagedPolicies", "PolicyArn"),
            manifest_strings_plain(&want["attached_policies"])
        );
    }
    let local = manifest_strings(m, "/iam/policies", "arn");
    let managed: Vec<&Value> = list(&details, "Policies")
        .iter()
        .filter(|p| local.contains(p["Arn"].as_str().expect("a string")))
        .collect();
    assert_eq!(managed.len(), local.len());
    for p in managed {
        let default = list(p, "PolicyVersionList")
            .iter()
            .find(|v| v["IsDefaultVersion"] == true)
            .unwrap_or_else(|| panic!("no default version in {p}"));
        assert_eq!(default["VersionId"], p["DefaultVersionId"]);
        assert!(!list(&policy(&default["Document"]), "Statement").is_empty());
    }

    let summary = account.ok("iam", "GetAccountSummary", g, json!({})).await;
    assert_eq!(summary["SummaryMap"]["Users"], users.len());
    assert_eq!(
        summary["SummaryMap"]["Groups"],
        manifest_list(m, "/iam/groups").len()
    );
    assert!(summary["SummaryMap"]["AccountMFAEnabled"].is_number());

    let password = account
        .ok("iam", "GetAccountPasswordPolicy", g, json!({}))
        .await;
    for (field, want) in m["iam"]["password_policy"].as_object().expect("an object") {
        if !want.is_null() {
            assert_eq!(password["PasswordPolicy"][field], *want, "{field}");
        }
    }

    // Users, one by one.
    let out = account.ok("iam", "ListUsers", g, json!({})).await;
    assert_eq!(strings(&out, "Users", "UserName"), user_names);
    for user in list(&out, "Users") {
        assert_timestamp(&user["CreateDate"]);
        assert!(user["UserId"].is_string() && user["Arn"].is_string());
    }
    let mut last_used_checked = false;
    for want in users {
        let name = want["name"].as_str().expect("a string");
        let u = json!({ "UserName": name });
        let tags = account.ok("iam", "ListUserTags", g, u.clone()).await;
        assert_eq!(
            find(list(&tags, "Tags"), "Key", "project")["Value"],
            "lgp-demo"
        );
        if let Some(login) = account
            .maybe(
                want["console_password"] == true,
                "iam",
                "GetLoginProfile",
                g,
                u.clone(),
            )
            .await
        {
            assert_eq!(login["LoginProfile"]["UserName"], name);
            assert_timestamp(&login["LoginProfile"]["CreateDate"]);
        }
        let keys = account.ok("iam", "ListAccessKeys", g, u.clone()).await;
        let statuses: BTreeMap<String, String> = list(&keys, "AccessKeyMetadata")
            .iter()
            .map(|k| {
                assert_timestamp(&k["CreateDate"]);
                assert_eq!(k["UserName"], name);
                (
                    k["AccessKeyId"].as_str().expect("a string").to_owned(),
                    k["Status"].as_str().expect("a string").to_owned(),
                )
            })
            .collect();
        let wanted: BTreeMap<String, String> = want["access_keys"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|k| {
                (
                    k["id"].as_str().expect("a string").to_owned(),
                    k["status"].as_str().expect("a string").to_owned(),
                )
            })
            .collect();
        assert_eq!(statuses, wanted, "{name}");
        if let Some(key) = wanted.keys().next() {
            let last = account
                .ok(
                    "iam",
                    "GetAccessKeyLastUsed",
                    g,
                    json!({ "AccessKeyId": key }),
                )
                .await;
            assert_eq!(last["UserName"], name);
            assert!(last["AccessKeyLastUsed"]["ServiceName"].is_string());
            last_used_checked = true;
        }
        let mfa = account.ok("iam", "ListMFADevices", g, u.clone()).await;
        let serials = strings(&mfa, "MFADevices", "SerialNumber");
        match want["mfa_serial"].as_str() {
            Some(serial) => {
                assert_eq!(serials, BTreeSet::from([serial.to_owned()]));
                assert_timestamp(&list(&mfa, "MFADevices")[0]["EnableDate"]);
            }
            None => assert!(serials.is_empty(), "{name}: {mfa}"),
        }
        let attached = account
            .ok("iam", "ListAttachedUserPolicies", g, u.clone())
            .await;
        assert_eq!(
            strings(&attached, "AttachedPolicies", "PolicyArn"),
            manifest_strings_plain(&want["attached_policies"])
        );
        let inline = account.ok("iam", "ListUserPolicies", g, u.clone()).await;
        let names: BTreeSet<String> = list(&inline, "PolicyNames")
            .iter()
            .map(|n| n.as_str().expect("a string").to_owned())
            .collect();
        assert_eq!(names, manifest_strings_plain(&want["inline_policies"]));
        for policy_name in &names {
            let p = account
                .ok(
                    "iam",
                    "GetUserPolicy",
                    g,
                    json!({"UserName": name, "PolicyName": policy_name}),
                )
                .await;
            assert_eq!(p["UserName"], name);
            let document = policy(&p["PolicyDocument"]);
            let actions = &list(&document, "Statement")[0]["Action"];
            assert!(
                actions
                    .as_array()
                    .expect("a list")
                    .contains(&json!("s3:GetObject")),
                "{document}"
            );
        }
        let groups = account.ok("iam", "ListGroupsForUser", g, u.clone()).await;
        assert_eq!(
            strings(&groups, "Groups", "GroupName"),
            manifest_strings_plain(&want["groups"])
        );
    }
    assert!(last_used_checked);

    let devices = account
        .ok("iam", "ListVirtualMFADevices", g, json!({}))
        .await;
    assert_eq!(
        strings(&devices, "VirtualMFADevices", "SerialNumber"),
        manifest_strings(m, "/iam/mfa_devices", "serial")
    );
    for want in manifest_list(m, "/iam/mfa_devices") {
        let got = find(
            list(&devices, "VirtualMFADevices"),
            "SerialNumber",
            want["serial"].as_str().expect("a string"),
        );
        assert_eq!(
            got["User"].get("UserName"),
            want.get("user").filter(|u| !u.is_null())
        );
        assert!(got.get("Base32StringSeed").is_none() && got.get("QRCodePNG").is_none());
    }
    let unassigned = account
        .ok(
            "iam",
            "ListVirtualMFADevices",
            g,
            json!({"AssignmentStatus": "Unassigned"}),
        )
        .await;
    let want_unassigned: BTreeSet<String> = manifest_list(m, "/iam/mfa_devices")
        .iter()
        .filter(|d| d["user"].is_null())
        .map(|d| d["serial"].as_str().expect("a string").to_owned())
        .collect();
    assert_eq!(
        strings(&unassigned, "VirtualMFADevices", "SerialNumber"),
        want_unassigned
    );

    // Groups.
    let out = account.ok("iam", "ListGroups", g, json!({})).await;
    assert_eq!(
        strings(&out, "Groups", "GroupName"),
        manifest_strings(m, "/iam/groups", "name")
    );
    for want in manifest_list(m, "/iam/groups") {
        let name = want["name"].as_str().expect("a string");
        let gn = json!({ "GroupName": name });
        let group = account.ok("iam", "GetGroup", g, gn.clone()).await;
        assert_eq!(group["Group"]["Arn"], want["arn"]);
        assert_eq!(
            strings(&group, "Users", "UserName"),
            manifest_strings_plain(&want["members"])
        );
        let attached = account
            .ok("iam", "ListAttachedGroupPolicies", g, gn.clone())
            .await;
        assert_eq!(
            strings(&attached, "AttachedPolicies", "PolicyArn"),
            manifest_strings_plain(&want["attached_policies"])
        );
        let inline = account.ok("iam", "ListGroupPolicies", g, gn.clone()).await;
        for policy_name in list(&inline, "PolicyNames") {
            let p = account
                .ok(
                    "iam",
                    "GetGroupPolicy",
                    g,
                    json!({"GroupName": name, "PolicyName": policy_name}),
                )
                .await;
            assert_eq!(p["GroupName"], name);
            assert!(!list(&policy(&p["PolicyDocument"]), "Statement").is_empty());
        }
        assert_eq!(
            list(&inline, "PolicyNames").len(),
            want["inline_policies"].as_array().expect("a list").len()
        );
    }

    // Roles and instance profiles.
    let out = account.ok("iam", "ListRoles", g, json!({})).await;
    assert_eq!(
        strings(&out, "Roles", "RoleName"),
        manifest_strings(m, "/iam/roles", "name")
    );
    for want in roles {
        let name = want["name"].as_str().expect("a string");
        let got = find(list(&out, "Roles"), "RoleName", name);
        assert!(!list(&policy(&got["AssumeRolePolicyDocument"]), "Statement").is_empty());
        let r = json!({ "RoleName": name });
        let attached = account
            .ok("iam", "ListAttachedRolePolicies", g, r.clone())
            .await;
        assert_eq!(
            strings(&attached, "AttachedPolicies", "PolicyArn"),
            manifest_strings_plain(&want["attached_policies"])
        );
        let inline = account.ok("iam", "ListRolePolicies", g, r.clone()).await;
        let names: BTreeSet<String> = list(&inline, "PolicyNames")
            .iter()
            .map(|n| n.as_str().expect("a string").to_owned())
            .collect();
        assert_eq!(names, manifest_strings_plain(&want["inline_policies"]));
        for policy_name in &names {
            let p = account
                .ok(
                    "iam",
                    "GetRolePolicy",
                    g,
                    json!({"RoleName": name, "PolicyName": policy_name}),
                )
                .await;
            assert!(
                policy(&p["PolicyDocument"])
                    .to_string()
                    .contains("s3:Replicate*")
            );
        }
    }
    let out = account
        .ok("iam", "ListInstanceProfiles", g, json!({}))
        .await;
    assert_eq!(
        strings(&out, "InstanceProfiles", "Arn"),
        manifest_strings(m, "/iam/instance_profiles", "arn")
    );
    for want in manifest_list(m, "/iam/instance_profiles") {
        let got = find(
            list(&out, "InstanceProfiles"),
            "Arn",
            want["arn"].as_str().expect("a string"),
        );
        assert_eq!(list(got, "Roles")[0]["RoleName"], want["role"]);
    }

    // Customer managed policies.
    let out = account
        .ok("iam", "ListPolicies", g, json!({"Scope": "Local"}))
        .await;
    assert_eq!(strings(&out, "Policies", "Arn"), local);
    let attached = account
        .ok(
            "iam",
            "ListPolicies",
            g,
            json!({"Scope": "Local", "OnlyAttached": true}),
        )
        .await;
    let want_attached: BTreeSet<String> = manifest_list(m, "/iam/policies")
        .iter()
        .filter(|p| p["attached"] == true)
        .map(|p| p["arn"].as_str().expect("a string").to_owned())
        .collect();
    assert_eq!(strings(&attached, "Policies", "Arn"), want_attached);
    for want in manifest_list(m, "/iam/policies") {
        let got = find(
            list(&out, "Policies"),
            "Arn",
            want["arn"].as_str().expect("a string"),
        );
        assert_eq!(got["DefaultVersionId"], want["default_version"]);
        assert_eq!(got["IsAttachable"], true);
        let version = account
            .ok(
                "iam",
                "GetPolicyVersion",
                g,
                json!({"PolicyArn": want["arn"], "VersionId": want["default_version"]}),
            )
            .await;
        assert_eq!(version["PolicyVersion"]["IsDefaultVersion"], true);
        let document = policy(&version["PolicyVersion"]["Document"]);
        if want["admin"] == true {
            assert_eq!(list(&document, "Statement")[0]["Action"], "*");
        }
        if want["name"] == "lgp-demo-policy-ci-deploy" {
            assert!(
                document.to_string().contains("s3:DeleteObject"),
                "the second version is the default"
            );
        }
    }

    // Certificates and identity providers.
    let out = account
        .ok("iam", "ListServerCertificates", g, json!({}))
        .await;
    assert_eq!(
        strings(
            &out,
            "ServerCertificateMetadataList",
            "ServerCertificateName"
        ),
        manifest_strings(m, "/iam/server_certificates", "name")
    );
    for cert in list(&out, "ServerCertificateMetadataList") {
        assert_timestamp(&cert["Expiration"]);
        assert_timestamp(&cert["UploadDate"]);
    }
    let out = account.ok("iam", "ListSAMLProviders", g, json!({})).await;
    assert_eq!(
        strings(&out, "SAMLProviderList", "Arn"),
        manifest_strings(m, "/iam/saml_providers", "arn")
    );
    for provider in list(&out, "SAMLProviderList") {
        assert_timestamp(&provider["ValidUntil"]);
        assert_timestamp(&provider["CreateDate"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paginated_answers_hold_every_page() {
    let emulator = Emulator::start();
    // moto pages ListRoles and ListPolicies by 100 (it ignores MaxItems for ListUsers).
    emulator.boto("trust = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', \
         'Principal': {'Service': 'ec2.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]})\n\
         for i in range(120):\n    iam.create_role(RoleName=f'paged-{i:03}', AssumeRolePolicyDocument=trust)\n\
         assert iam.list_roles()['IsTruncated']\n",
    );
    let aws = live(&emulator, DUMMY_KEY, None).await;
    let roles = aws
        .call(&AwsRequest::new("iam", "ListRoles", "global"))
        .await
        .expect("ListRoles");
    let names: Vec<&str> = list(&roles, "Roles")
        .iter()
        .map(|r| r["RoleName"].as_str().expect("a string"))
        .collect();
    let unique: BTreeSet<String> = names.iter().map(|n| (*n).to_owned()).collect();
    let expected: BTreeSet<String> = (0..120).map(|i| format!("paged-{i:03}")).collect();
    assert_eq!(names.len(), 120, "every role once");
    assert_eq!(unique, expected);
    assert!(roles.get("Marker").is_none() && roles.get("IsTruncated").is_none());

    // AWS managed policies: moto loads over a thousand, sixteen pages.
    let policies = aws
        .call(&AwsRequest::new("iam", "ListPolicies", "global"))
        .await
        .expect("ListPolicies");
    let arns: Vec<&str> = list(&policies, "Policies")
        .iter()
        .map(|p| p["Arn"].as_str().expect("a string"))
        .collect();
    let unique: BTreeSet<&str> = arns.iter().copied().collect();
    assert!(arns.len() > 1000, "only {} policies", arns.len());
    assert_eq!(unique.len(), arns.len(), "no page twice");
    assert!(unique.contains("arn:aws:iam::aws:policy/AdministratorAccess"));
    let aws_only = aws
        .call(&AwsRequest::new("iam", "ListPolicies", "global").with_input(json!({"Scope": "AWS"})))
        .await
        .expect("ListPolicies AWS");
    assert_eq!(list(&aws_only, "Policies").len(), arns.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_configured_keeps_its_code_and_bad_calls_are_refused() {
    let emulator = Emulator::start();
    emulator.boto("s3.create_bucket(Bucket='bare')\n");
    let account = Account::new(live(&emulator, DUMMY_KEY, None).await);
    let bare = json!({"Bucket": "bare"});
    for (op, code) in [
        (
            "GetBucketEncryption",
            "ServerSideEncryptionConfigurationNotFoundError",
        ),
        (
            "GetPublicAccessBlock",
            "NoSuchPublicAccessBlockConfiguration",
        ),
        ("GetBucketPolicy", "NoSuchBucketPolicy"),
        ("GetBucketPolicyStatus", "NoSuchBucketPolicy"),
        (
            "GetBucketOwnershipControls",
            "OwnershipControlsNotFoundError",
        ),
        (
            "GetBucketLifecycleConfiguration",
            "NoSuchLifecycleConfiguration",
        ),
        (
            "GetBucketReplication",
            "ReplicationConfigurationNotFoundError",
        ),
        (
            "GetObjectLockConfiguration",
            "ObjectLockConfigurationNotFoundError",
        ),
        ("GetBucketTagging", "NoSuchTagSet"),
    ] {
        assert_eq!(
            account.absent("s3", op, "us-east-1", bare.clone()).await,
            code,
            "{op}"
        );
    }
    // Not configured, but answered: AWS gives an empty configuration.
    for op in [
        "GetBucketVersioning",
        "GetBucketLogging",
        "GetBucketNotificationConfiguration",
    ] {
        assert_eq!(
            account.ok("s3", op, "us-east-1", bare.clone()).await,
            json!({}),
            "{op}"
        );
    }

    let missing = json!({"Bucket": "lgp-no-such-bucket"});
    for op in [
        "GetBucketPolicy",
        "GetBucketEncryption",
        "GetBucketLocation",
        "GetBucketAcl",
    ] {
        match account.call("s3", op, "us-east-1", missing.clone()).await {
            Err(AwsCallError::Service { code, .. }) => assert_eq!(code, "NoSuchBucket", "{op}"),
            other => panic!("{op} of an unknown bucket: {other:?}"),
        }
    }

    // Inputs the host can tell are wrong never reach AWS.
    let cases = [
        (
            "s3",
            "GetBucketPolicy",
            "us-east-1",
            json!({"Bucket": 5}),
            "`Bucket`",
        ),
        ("s3", "GetBucketPolicy", "us-east-1", json!({}), "requires"),
        (
            "ec2",
            "DescribeImages",
            "us-east-1",
            json!({"Owners": "self"}),
            "list of strings",
        ),
        (
            "ec2",
            "DescribeRegions",
            "us-east-1",
            json!({"AllRegions": "yes"}),
            "boolean",
        ),
        (
            "ec2",
            "DescribeInstanceAttribute",
            "us-east-1",
            json!({"InstanceId": "i-1", "Attribute": "password"}),
            "one of",
        ),
        (
            "iam",
            "GetAccountAuthorizationDetails",
            "global",
            json!({"Filter": ["Everything"]}),
            "one of",
        ),
        ("ec2", "DescribeVpcs", "not a region", json!({}), "region"),
        (
            "ec2",
            "DescribeVpcs",
            "us-east-1",
            json!([1, 2]),
            "JSON object",
        ),
    ];
    for (service, op, region, input, says) in cases {
        match account.call(service, op, region, input.clone()).await {
            Err(AwsCallError::InvalidInput(message)) => {
                assert!(message.contains(says), "{op} {input}: {message}")
            }
            other => panic!("{op} {input}: expected invalid input, got {other:?}"),
        }
    }
    let refused = account
        .call("s3", "PutBucketPolicy", "us-east-1", bare.clone())
        .await
        .expect_err("the call fails");
    assert!(matches!(refused, AwsCallError::Refused(_)), "{refused:?}");
    let refused = account
        .call("lambda", "ListFunctions", "us-east-1", json!({}))
        .await
        .expect_err("the call fails");
    assert!(matches!(refused, AwsCallError::Refused(_)), "{refused:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_go_through_the_assumed_role_with_its_external_id() {
    let emulator = Emulator::start();
    emulator.boto(
        "trust = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', \
         'Principal': {'AWS': 'arn:aws:iam::999988887777:root'}, 'Action': 'sts:AssumeRole', \
         'Condition': {'StringEquals': {'sts:ExternalId': 'tenant-7-secret'}}}]})\n\
         iam.create_role(RoleName='lgp-scanner', AssumeRolePolicyDocument=trust)\n\
         s3.create_bucket(Bucket='tenant-data')\n",
    );
    let role = AssumeRole {
        role_arn: "arn:aws:iam::123456789012:role/lgp-scanner".to_owned(),
        external_id: Some("tenant-7-secret".to_owned()),
        session_name: "lgp-scan-42".to_owned(),
    };
    let aws = live(&emulator, DUMMY_KEY, Some(role)).await;
    let who = aws
        .call(&AwsRequest::new("sts", "GetCallerIdentity", "global"))
        .await
        .expect("GetCallerIdentity through the role");
    assert_eq!(
        who["Arn"],
        "arn:aws:sts::123456789012:assumed-role/lgp-scanner/lgp-scan-42"
    );
    let buckets = aws
        .call(&AwsRequest::new("s3", "ListBuckets", "global"))
        .await
        .expect("ListBuckets through the role");
    assert_eq!(
        strings(&buckets, "Buckets", "Name"),
        BTreeSet::from(["tenant-data".to_owned()])
    );
    aws.call(&AwsRequest::new("ec2", "DescribeVpcs", "eu-west-1"))
        .await
        .expect("a regional call through the role");

    // The emulator saw one AssumeRole (credentials are cached), with the external id.
    let sessions: Value = serde_json::from_str(&emulator.boto(
        "data = json.load(urllib.request.urlopen(ep + '/moto-api/data.json'))\n\
         print(json.dumps(data['sts']['AssumedRole']))\n",
    ))
    .expect("moto's record of assumed roles");
    let sessions = sessions.as_array().expect("a list");
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    assert_eq!(sessions[0]["external_id"], "tenant-7-secret");
    assert_eq!(sessions[0]["session_name"], "lgp-scan-42");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_call_is_reported_as_access_denied() {
    let emulator = Emulator::start();
    // A scanner allowed to read, except bucket policies; then moto starts enforcing IAM.
    let key: Vec<String> = serde_json::from_str(&emulator.boto("s3.create_bucket(Bucket='guarded')\n\
         s3.put_bucket_policy(Bucket='guarded', Policy=json.dumps({'Version': '2012-10-17', \
         'Statement': [{'Effect': 'Allow', 'Principal': '*', 'Action': 's3:GetObject', \
         'Resource': 'arn:aws:s3:::guarded/*'}]}))\n\
         iam.create_user(UserName='scanner')\n\
         iam.put_user_policy(UserName='scanner', PolicyName='read', PolicyDocument=json.dumps({\
         'Version': '2012-10-17', 'Statement': [\
         {'Effect': 'Allow', 'Action': ['s3:Get*', 's3:List*', 'sts:GetCallerIdentity'], 'Resource': '*'},\
         {'Effect': 'Deny', 'Action': 's3:GetBucketPolicy', 'Resource': '*'}]}))\n\
         k = iam.create_access_key(UserName='scanner')['AccessKey']\n\
         print(json.dumps([k['AccessKeyId'], k['SecretAccessKey']]))\n",
    ))
    .expect("the scanner's key");
    emulator.enforce_iam();
    let aws = live(&emulator, (&key[0], &key[1]), None).await;
    let guarded = || json!({"Bucket": "guarded"});

    let denied = aws
        .call(&AwsRequest::new("s3", "GetBucketPolicy", "us-east-1").with_input(guarded()))
        .await
        .expect_err("the call fails");
    assert!(
        matches!(&denied, AwsCallError::Service { code, .. } if code == "AccessDenied"),
        "{denied:?}"
    );
    assert_eq!(denied.category(), ErrorCategory::AccessDenied);

    // What the policy allows still answers.
    let status = aws
        .call(&AwsRequest::new("s3", "GetBucketPolicyStatus", "us-east-1").with_input(guarded()))
        .await
        .expect("allowed");
    assert_eq!(status["PolicyStatus"]["IsPublic"], true);
    let who = aws
        .call(&AwsRequest::new("sts", "GetCallerIdentity", "global"))
        .await
        .expect("allowed");
    assert_eq!(who["Arn"], "arn:aws:iam::123456789012:user/scanner");

    // Nothing granted at all: IAM is not in the scanner's policy.
    let denied = aws
        .call(&AwsRequest::new("iam", "ListUsers", "global"))
        .await
        .expect_err("the call fails");
    assert_eq!(denied.category(), ErrorCategory::AccessDenied, "{denied:?}");

    // Credentials the account does not know.
    let stranger = live(&emulator, ("AKIAUNKNOWN000000000", "nope"), None).await;
    let unknown = stranger
        .call(&AwsRequest::new("ec2", "DescribeVpcs", "us-east-1"))
        .await
        .expect_err("the call fails");
    assert!(
        matches!(unknown, AwsCallError::Service { .. }),
        "{unknown:?}"
    );
    assert!(
        matches!(
            unknown.category(),
            ErrorCategory::AccessDenied | ErrorCategory::ServiceNotEnabled
        ),
        "{unknown:?}"
    );
}
