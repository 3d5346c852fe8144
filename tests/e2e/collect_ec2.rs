//! The built-in EC2 collector (`plugins/collect-ec2`) against the AWS emulator seeded with the
//! demo account: it finds exactly the seeded resources of every `aws:ec2:*` kind in both regions
//! (moto's defaults included), with the facts the seed script made true; and when some calls
//! are denied, the kinds they feed report a scope gap or a not-collected property while every
//! other kind is collected as usual.

use crate::collectors::{CollectRun, builtin, collect_live, collect_with, emulator_aws};
use crate::emulator::Emulator;
use lgp_aws::{LiveAws, LiveConfig};
use lgp_aws_api::AwsApi;
use lgp_model::Resource;
use lgp_runtime::{Runtime, RuntimeConfig};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

const COLLECTOR: &str = "collect-ec2";
const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
/// The fake secret the seed script puts in some user data (`FAKE_SECRET`): it must never be
/// collected.
const SECRET_FRAGMENT: &str = "wJalrXUtnFEMI";

/// One collected resource, properties parsed.
#[derive(Debug)]
struct Found {
    name: String,
    tags: BTreeMap<String, String>,
    props: Value,
}

/// The resources of `kind` in `region`, by ARN.
fn found(run: &CollectRun, kind: &str, region: &str) -> BTreeMap<String, Found> {
    run.resources
        .iter()
        .filter(|r| r.kind == kind && r.region == region)
        .map(|r: &Resource| {
            let props: Value =
                serde_json::from_str(r.properties.get()).expect("properties are JSON");
            let f = Found {
                name: r.name.clone(),
                tags: r.tags.clone(),
                props,
            };
            (r.arn.clone(), f)
        })
        .collect()
}

/// The strings at `key` of the manifest entries `list`.
fn manifest_ids(list: &Value, key: &str) -> BTreeSet<String> {
    entries(list)
        .iter()
        .map(|e| e[key].as_str().expect("a manifest id").to_owned())
        .collect()
}

fn entries(list: &Value) -> &Vec<Value> {
    list.as_array().expect("a manifest list")
}

/// A JSON list of strings as a set.
fn string_set(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("expected a list, found {v}"))
        .iter()
        .map(|s| s.as_str().expect("a string").to_owned())
        .collect()
}

/// The collected `user_data` of an instance or launch template against the seed's manifest entry
/// `want` (`user_data`, `user_data_secret`): present and searched when the seed gave some, with
/// secrets found exactly when the seed leaked one — and never the content.
fn assert_user_data(got: &Value, want: &Value, id: &str) {
    let present = want["user_data"] == true;
    assert_eq!(got["present"], present, "{id}: {got}");
    assert_eq!(got["inspected"], present, "{id}: {got}");
    let secrets = got["secrets"].as_array().expect("a list of secrets");
    assert_eq!(
        !secrets.is_empty(),
        want["user_data_secret"] == true,
        "{id}: {got}"
    );
    assert!(!got.to_string().contains(SECRET_FRAGMENT), "{id}");
}

/// A rule's protocol and ports, as a sortable key.
type Ports = (String, Option<i64>, Option<i64>);

fn ports(rule: &Value) -> Ports {
    (
        rule["protocol"].as_str().expect("protocol").to_owned(),
        rule["from_port"].as_i64(),
        rule["to_port"].as_i64(),
    )
}

struct Arns<'a> {
    region: &'a str,
    account: &'a str,
}

impl Arns<'_> {
    fn of(&self, resource_type: &str, ids: &BTreeSet<String>) -> BTreeSet<String> {
        ids.iter()
            .map(|id| {
                format!(
                    "arn:aws:ec2:{}:{}:{resource_type}/{id}",
                    self.region, self.account
                )
            })
            .collect()
    }

    fn one(&self, resource_type: &str, id: &str) -> String {
        format!(
            "arn:aws:ec2:{}:{}:{resource_type}/{id}",
            self.region, self.account
        )
    }
}

/// Asserts that `kind` in `region` has exactly the ARNs `expected`, and returns what was found.
fn exactly(
    run: &CollectRun,
    kind: &str,
    region: &str,
    expected: &BTreeSet<String>,
) -> BTreeMap<String, Found> {
    let found = found(run, kind, region);
    let arns: BTreeSet<String> = found.keys().cloned().collect();
    assert_eq!(
        &arns, expected,
        "{kind} in {region}: collected ARNs (left) differ from the seeded ones (right)"
    );
    found
}

/// Whether inbound TCP `port` from anywhere gets through a network ACL's `entries`, evaluated
/// as AWS does: the lowest-numbered matching entry for the whole internet decides.
fn nacl_allows_world(entries: &Value, port: i64) -> bool {
    let mut inbound: Vec<&Value> = entries
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["egress"] == false && e["cidr_block"] == "0.0.0.0/0")
        .collect();
    inbound.sort_by_key(|e| e["rule_number"].as_i64());
    inbound
        .iter()
        .find(|e| {
            let proto = e["protocol"].as_str().expect("protocol");
            let ports = &e["port_range"];
            proto == "-1"
                || (proto == "6"
                    && (ports.is_null()
                        || (ports["from"].as_i64() <= Some(port)
                            && Some(port) <= ports["to"].as_i64())))
        })
        .is_some_and(|e| e["rule_action"] == "allow")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ec2_collector_finds_exactly_the_seeded_account() {
    let emulator = Emulator::start();
    let manifest = emulator.seed();
    let account = manifest["account_id"].as_str().expect("account id");
    let run = collect_live(COLLECTOR, emulator.endpoint_url(), &REGIONS).await;

    assert_eq!(
        run.stats.error_total(),
        0,
        "no call failed: {:?}",
        run.stats
    );
    for r in &run.resources {
        assert!(
            r.kind.starts_with("aws:ec2:"),
            "{} has kind {}",
            r.arn,
            r.kind
        );
        assert_eq!(r.account, account);
        assert!(!r.arn.ends_with("/*"), "no scope gap: {}", r.arn);
        let props: Value = serde_json::from_str(r.properties.get()).expect("JSON");
        assert_eq!(
            props["errors"],
            serde_json::json!({}),
            "{} was fully collected",
            r.arn
        );
        assert!(
            !r.properties.get().contains(SECRET_FRAGMENT),
            "user data content was collected: {}",
            r.arn
        );
    }
    // The manifest's kinds, and the EBS encryption setting it does not count as a resource.
    let kinds: BTreeSet<&str> = run.resources.iter().map(|r| r.kind.as_str()).collect();
    let mut expected_kinds: BTreeSet<&str> = manifest["counts"]["by_kind"]
        .as_object()
        .expect("counts")
        .keys()
        .map(String::as_str)
        .filter(|k| k.starts_with("aws:ec2:"))
        .collect();
    expected_kinds.insert("aws:ec2:ebs-encryption-by-default");
    assert_eq!(kinds, expected_kinds);
    // Exactly the manifest's counts per kind and region (it counts what an inventory lists).
    for (kind, regions) in manifest["counts"]["by_kind"].as_object().expect("counts") {
        if !kind.starts_with("aws:ec2:") {
            continue;
        }
        for region in REGIONS {
            let n = run
                .resources
                .iter()
                .filter(|r| &r.kind == kind && r.region == region)
                .count();
            assert_eq!(
                Some(n as u64),
                regions[region].as_u64(),
                "{kind} in {region}"
            );
        }
    }

    for region in REGIONS {
        let m = &manifest["ec2"][region];
        let arns = Arns { region, account };
        check_instances(&run, m, &arns);
        check_security_groups(&run, m, &arns);
        check_network_acls(&run, m, &arns);
        check_vpcs_and_flow_logs(&run, m, &arns);
        check_volumes(&run, m, &arns);
        check_snapshots(&run, m, &arns);
        check_images(&run, m, &arns);
        check_launch_templates(&run, m, &arns);
        check_elastic_ips(&run, m, &arns);
        check_network_interfaces(&run, m, &arns);

        // The account setting: one resource per region, as GetEbsEncryptionByDefault says.
        let setting_arn = format!("arn:aws:ec2:{region}:{account}:ebs-encryption-by-default");
        let settings = exactly(
            &run,
            "aws:ec2:ebs-encryption-by-default",
            region,
            &BTreeSet::from([setting_arn.clone()]),
        );
        let setting = &settings[&setting_arn];
        assert_eq!(setting.name, "ebs-encryption-by-default");
        assert_eq!(setting.props["enabled"], m["ebs_encryption_by_default"]);
    }
    // The seed turns EBS encryption by default on in us-east-1 only.
    assert_eq!(
        manifest["ec2"]["us-east-1"]["ebs_encryption_by_default"],
        true
    );
    assert_eq!(
        manifest["ec2"]["eu-west-1"]["ebs_encryption_by_default"],
        false
    );
}

fn check_instances(run: &CollectRun, m: &Value, arns: &Arns) {
    let expected = arns.of("instance", &manifest_ids(&m["instances"], "id"));
    let found = exactly(run, "aws:ec2:instance", arns.region, &expected);
    for i in entries(&m["instances"]) {
        let id = i["id"].as_str().expect("id");
        let f = &found[&arns.one("instance", id)];
        let p = &f.props;
        assert_eq!(
            f.name,
            i["name"].as_str().expect("name"),
            "named by its Name tag"
        );
        assert_eq!(f.tags["project"], "lgp-demo");
        assert_eq!(p["instance_id"], id);
        assert_eq!(p["state"], "running");
        assert_eq!(p["instance_type"], "t3.micro");
        assert_eq!(p["vpc_id"], i["vpc_id"]);
        assert_eq!(p["subnet_id"], i["subnet_id"]);
        assert_eq!(p["public_ip_address"], i["public_ip"], "{id}");
        let tokens = &p["metadata_options"]["http_tokens"];
        let required = i["imdsv2_required"].as_bool().expect("bool");
        assert_eq!(
            tokens,
            if required { "required" } else { "optional" },
            "{id}"
        );
        assert_eq!(p["metadata_options"]["http_endpoint"], "enabled");
        assert_eq!(p["iam_instance_profile_arn"], i["instance_profile"], "{id}");
        assert_user_data(&p["user_data"], i, id);
        assert_eq!(
            string_set(&p["security_group_ids"]),
            string_set(&i["security_groups"]),
            "{id}"
        );
        assert!(!string_set(&p["network_interface_ids"]).is_empty(), "{id}");
        // Its root volume and any data volume attached to it.
        let attached: BTreeSet<String> = entries(&m["volumes"])
            .iter()
            .filter(|v| v["attached_to"] == id)
            .map(|v| v["id"].as_str().expect("id").to_owned())
            .collect();
        assert_eq!(string_set(&p["volume_ids"]), attached, "{id}");
        assert!(p["launch_time"].is_string());
    }
    // Concrete facts of the seed: an IMDSv1 instance with user data, one leaking a secret
    // (whose content is not collected, only the kind and line of each secret), one with an
    // instance profile.
    let by_name = |name: &str| {
        found
            .values()
            .find(|f| f.name.ends_with(name))
            .unwrap_or_else(|| panic!("instance {name}"))
    };
    let web1 = by_name("-web-1");
    assert_eq!(web1.props["metadata_options"]["http_tokens"], "optional");
    assert_eq!(web1.props["user_data"]["present"], true);
    assert_eq!(web1.props["user_data"]["secrets"], serde_json::json!([]));
    assert_eq!(
        by_name("-app-secret").props["user_data"]["secrets"],
        serde_json::json!([
            {"kind": "aws_secret_access_key", "line": 2},
            {"kind": "aws_access_key_id", "line": 3}
        ])
    );
    assert_eq!(by_name("-bastion").props["user_data"]["present"], false);
    assert!(
        by_name("-web-2").props["iam_instance_profile_arn"]
            .as_str()
            .is_some_and(|a| a.ends_with(":instance-profile/lgp-demo-profile-ec2-app"))
    );
}

fn check_security_groups(run: &CollectRun, m: &Value, arns: &Arns) {
    let expected = arns.of("security-group", &manifest_ids(&m["security_groups"], "id"));
    let found = exactly(run, "aws:ec2:security-group", arns.region, &expected);
    let interfaces = found_interfaces(run, arns.region);
    for g in entries(&m["security_groups"]) {
        let id = g["id"].as_str().expect("id");
        let f = &found[&arns.one("security-group", id)];
        let p = &f.props;
        assert_eq!(
            f.name,
            g["name"].as_str().expect("name"),
            "named by GroupName"
        );
        assert_eq!(p["group_id"], id);
        assert_eq!(p["group_name"], g["name"]);
        assert_eq!(p["vpc_id"], g["vpc_id"]);
        assert_eq!(p["is_default"], g["default"], "{id}");

        // Rules open to the world are exactly the manifest's `open_to_world`.
        let ingress = p["ingress"].as_array().expect("ingress");
        let world_rules: BTreeSet<(Ports, bool)> = ingress
            .iter()
            .filter_map(|r| {
                let v4 = r["cidr_ipv4"] == "0.0.0.0/0";
                let v6 = r["cidr_ipv6"] == "::/0";
                (v4 || v6).then(|| (ports(r), v6))
            })
            .collect();
        let mut expected_world = BTreeSet::new();
        for w in entries(&g["open_to_world"]) {
            for (family_v6, on) in [(false, &w["ipv4"]), (true, &w["ipv6"])] {
                if on == true {
                    expected_world.insert((ports(w), family_v6));
                }
            }
        }
        assert_eq!(world_rules, expected_world, "world-open rules of {id}");

        // Seeded groups: every ingress rule, one per peer.
        if let Some(rules) = g["ingress"].as_array() {
            let mut expected_rules = BTreeSet::new();
            for r in rules {
                let peers = entries(&r["cidrs"])
                    .iter()
                    .chain(entries(&r["security_groups"]));
                for peer in peers {
                    expected_rules.insert((ports(r), peer.as_str().expect("peer").to_owned()));
                }
            }
            let collected: BTreeSet<(Ports, String)> = ingress
                .iter()
                .map(|r| {
                    let peer = [
                        "cidr_ipv4",
                        "cidr_ipv6",
                        "security_group_id",
                        "prefix_list_id",
                    ]
                    .iter()
                    .find_map(|k| r[*k].as_str())
                    .expect("a rule has a peer");
                    (ports(r), peer.to_owned())
                })
                .collect();
            assert_eq!(collected, expected_rules, "ingress of {id}");
        }

        // Usage agrees with the collected network interfaces.
        let users = interfaces
            .values()
            .filter(|i| string_set(&i.props["security_group_ids"]).contains(id))
            .count();
        assert_eq!(p["network_interface_count"], users as u64, "{id}");
        if g["default"] == true {
            assert_eq!(
                p["network_interface_count"], 0,
                "no seeded interface uses {id}"
            );
        }
    }
    let named = |suffix: &str| {
        found
            .values()
            .find(|f| f.name.ends_with(suffix))
            .unwrap_or_else(|| panic!("group {suffix}"))
    };
    // SSH open to the world on 22 over IPv4 and IPv6; web-1 and bastion use it.
    let ssh = named("-ssh-open-world");
    assert!(
        ssh.props["ingress"]
            .as_array()
            .expect("rules")
            .iter()
            .any(|r| {
                r["protocol"] == "tcp" && r["from_port"] == 22 && r["cidr_ipv4"] == "0.0.0.0/0"
            })
    );
    assert_eq!(ssh.props["network_interface_count"], 2);
    // All traffic: protocol -1, no ports.
    let all = named("-all-open-world");
    let rule = &all.props["ingress"][0];
    assert_eq!(rule["protocol"], "-1");
    assert!(rule["from_port"].is_null() && rule["to_port"].is_null());
    assert_eq!(named("-no-ingress").props["ingress"], serde_json::json!([]));
    assert_eq!(named("-no-ingress").props["network_interface_count"], 1);
    // The egress every new group gets: all traffic to anywhere.
    assert!(
        named("-no-ingress").props["egress"]
            .as_array()
            .expect("egress")
            .iter()
            .any(|r| r["protocol"] == "-1" && r["cidr_ipv4"] == "0.0.0.0/0")
    );
}

fn found_interfaces(run: &CollectRun, region: &str) -> BTreeMap<String, Found> {
    found(run, "aws:ec2:network-interface", region)
}

fn check_network_acls(run: &CollectRun, m: &Value, arns: &Arns) {
    let expected = arns.of("network-acl", &manifest_ids(&m["network_acls"], "id"));
    let found = exactly(run, "aws:ec2:network-acl", arns.region, &expected);
    for n in entries(&m["network_acls"]) {
        let id = n["id"].as_str().expect("id");
        let p = &found[&arns.one("network-acl", id)].props;
        assert_eq!(p["network_acl_id"], id);
        assert_eq!(p["vpc_id"], n["vpc_id"]);
        assert_eq!(p["is_default"], n["default"], "{id}");
        assert_eq!(
            nacl_allows_world(&p["entries"], 22),
            n["allows_ssh_from_world"] == true,
            "SSH from the world through {id}: {}",
            p["entries"]
        );
        // Every entry is complete.
        for e in p["entries"].as_array().expect("entries") {
            assert!(e["rule_number"].is_i64() && e["egress"].is_boolean(), "{e}");
            assert!(
                e["rule_action"] == "allow" || e["rule_action"] == "deny",
                "{e}"
            );
        }
        if n["default"] == true {
            assert!(
                !string_set(&p["subnet_ids"]).is_empty(),
                "{id} guards subnets"
            );
        }
    }
    let ssh_open = found
        .values()
        .find(|f| f.name.ends_with("-ssh-open"))
        .expect("the ssh-open ACL");
    assert!(
        ssh_open.props["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .any(|e| {
                e["rule_number"] == 100
                    && e["protocol"] == "6"
                    && e["port_range"] == serde_json::json!({"from": 22, "to": 22})
            })
    );
}

fn check_vpcs_and_flow_logs(run: &CollectRun, m: &Value, arns: &Arns) {
    let expected = arns.of("vpc", &manifest_ids(&m["vpcs"], "id"));
    let vpcs = exactly(run, "aws:ec2:vpc", arns.region, &expected);
    let flow_ids = manifest_ids(&m["flow_logs"], "id");
    let logs = exactly(
        run,
        "aws:ec2:flow-log",
        arns.region,
        &arns.of("vpc-flow-log", &flow_ids),
    );
    for v in entries(&m["vpcs"]) {
        let id = v["id"].as_str().expect("id");
        let f = &vpcs[&arns.one("vpc", id)];
        assert_eq!(f.props["cidr_block"], v["cidr"]);
        assert_eq!(f.props["is_default"], v["default"]);
        assert_eq!(f.props["state"], "available");
        if let Some(name) = v["name"].as_str() {
            assert_eq!(f.name, name);
        } else {
            assert_eq!(f.name, id, "an untagged VPC is named by its id");
        }
        let attached: BTreeSet<String> = f.props["flow_logs"]
            .as_array()
            .expect("flow_logs collected")
            .iter()
            .map(|l| l["flow_log_id"].as_str().expect("id").to_owned())
            .collect();
        let seeded: BTreeSet<String> = entries(&m["flow_logs"])
            .iter()
            .filter(|l| l["vpc_id"] == id)
            .map(|l| l["id"].as_str().expect("id").to_owned())
            .collect();
        assert_eq!(attached, seeded, "flow logs of {id}");
        assert_eq!(!attached.is_empty(), v["flow_logs"] == true);
    }
    for l in entries(&m["flow_logs"]) {
        let id = l["id"].as_str().expect("id");
        let p = &logs[&arns.one("vpc-flow-log", id)].props;
        assert_eq!(p["resource_id"], l["vpc_id"]);
        assert_eq!(p["log_destination_type"], l["destination_type"]);
        assert_eq!(p["status"], "ACTIVE");
        assert_eq!(p["traffic_type"], "ALL");
        assert!(p["log_destination"].is_string(), "{p}");
    }
}

fn check_volumes(run: &CollectRun, m: &Value, arns: &Arns) {
    let expected = arns.of("volume", &manifest_ids(&m["volumes"], "id"));
    let found = exactly(run, "aws:ec2:volume", arns.region, &expected);
    for v in entries(&m["volumes"]) {
        let id = v["id"].as_str().expect("id");
        let p = &found[&arns.one("volume", id)].props;
        assert_eq!(p["encrypted"], v["encrypted"], "{id}");
        assert_eq!(p["size"], v["size"], "{id}");
        let attached: Vec<&Value> = p["attachments"]
            .as_array()
            .expect("attachments")
            .iter()
            .map(|a| &a["instance_id"])
            .collect();
        match v["attached_to"].as_str() {
            Some(instance) => assert_eq!(attached, [instance], "{id}"),
            None => assert!(attached.is_empty(), "{id}"),
        }
        if v["root"] == true {
            // moto gives every instance an 8 GiB unencrypted root volume.
            assert_eq!(p["size"], 8);
            assert_eq!(p["encrypted"], false);
        }
    }
    let plain = found
        .values()
        .filter(|f| f.name.contains("-data-plain-") && f.props["encrypted"] == false)
        .count();
    assert_eq!(plain, 2, "the seeded unencrypted data volumes");
}

fn check_snapshots(run: &CollectRun, m: &Value, arns: &Arns) {
    let expected = arns.of("snapshot", &manifest_ids(&m["snapshots"], "id"));
    let found = exactly(run, "aws:ec2:snapshot", arns.region, &expected);
    for s in entries(&m["snapshots"]) {
        let id = s["id"].as_str().expect("id");
        let p = &found[&arns.one("snapshot", id)].props;
        assert_eq!(p["public"], s["public"], "{id}");
        assert_eq!(
            string_set(&p["shared_with_accounts"]),
            string_set(&s["shared_with"]),
            "{id}"
        );
        assert_eq!(p["encrypted"], s["encrypted"], "{id}");
        assert_eq!(p["volume_id"], s["volume_id"], "{id}");
        assert_eq!(p["state"], "completed");
    }
    let public: Vec<&Found> = found
        .values()
        .filter(|f| f.props["public"] == true)
        .collect();
    assert_eq!(public.len(), 1);
    assert!(public[0].name.ends_with("-snap-public"));
}

fn check_images(run: &CollectRun, m: &Value, arns: &Arns) {
    // AWS writes AMI ARNs without the account.
    let expected: BTreeSet<String> = manifest_ids(&m["images"], "id")
        .iter()
        .map(|id| format!("arn:aws:ec2:{}::image/{id}", arns.region))
        .collect();
    let found = exactly(run, "aws:ec2:image", arns.region, &expected);
    for i in entries(&m["images"]) {
        let id = i["id"].as_str().expect("id");
        let f = &found[&format!("arn:aws:ec2:{}::image/{id}", arns.region)];
        assert_eq!(f.name, i["name"].as_str().expect("name"));
        assert_eq!(f.props["public"], i["public"], "{id}");
        assert_eq!(
            string_set(&f.props["shared_with_accounts"]),
            string_set(&i["shared_with"]),
            "{id}"
        );
        assert_eq!(f.props["state"], "available");
        // moto's AMI mappings do not say `Encrypted`; the collector then counts them as not
        // encrypted (their snapshots are not).
        assert_eq!(f.props["ebs_encrypted"], false, "{id}");
        assert_eq!(string_set(&f.props["snapshot_ids"]).len(), 1, "{id}");
    }
}

fn check_launch_templates(run: &CollectRun, m: &Value, arns: &Arns) {
    let expected = arns.of(
        "launch-template",
        &manifest_ids(&m["launch_templates"], "id"),
    );
    let found = exactly(run, "aws:ec2:launch-template", arns.region, &expected);
    for t in entries(&m["launch_templates"]) {
        let id = t["id"].as_str().expect("id");
        let f = &found[&arns.one("launch-template", id)];
        let p = &f.props;
        assert_eq!(f.name, t["name"].as_str().expect("name"));
        assert_eq!(p["launch_template_name"], t["name"]);
        assert_eq!(p["latest_version_number"], 1);
        assert_eq!(p["default_version_number"], 1);
        let required = p["metadata_options"]["http_tokens"] == "required";
        assert_eq!(required, t["imdsv2_required"] == true, "{id}");
        assert_eq!(
            p["associate_public_ip_address"], t["associate_public_ip"],
            "{id}"
        );
        assert_user_data(&p["user_data"], t, id);
        // One version: its user data is also the only entry of `user_data_by_version`.
        let by_version = p["user_data_by_version"].as_array().expect("a list");
        if t["user_data"] == true {
            assert_eq!(by_version.len(), 1, "{id}");
            assert_eq!(by_version[0]["version_number"], 1, "{id}");
            assert_eq!(by_version[0]["user_data"], p["user_data"], "{id}");
        } else {
            assert!(by_version.is_empty(), "{id}");
        }
        assert!(p["ebs_volumes"].is_array(), "{id}");
        assert!(p["iam_instance_profile"].is_null(), "{id}");
    }
    let bare = found
        .values()
        .find(|f| f.name.ends_with("-lt-no-metadata-options"))
        .expect("the template without metadata options");
    assert!(bare.props["metadata_options"].is_null());
}

fn check_elastic_ips(run: &CollectRun, m: &Value, arns: &Arns) {
    let expected = arns.of(
        "elastic-ip",
        &manifest_ids(&m["elastic_ips"], "allocation_id"),
    );
    let found = exactly(run, "aws:ec2:elastic-ip", arns.region, &expected);
    for e in entries(&m["elastic_ips"]) {
        let id = e["allocation_id"].as_str().expect("id");
        let f = &found[&arns.one("elastic-ip", id)];
        let p = &f.props;
        assert_eq!(f.name, e["name"].as_str().expect("name"));
        assert_eq!(p["public_ip"], e["public_ip"]);
        assert_eq!(p["domain"], "vpc");
        assert_eq!(p["associated"], !e["associated_with"].is_null(), "{id}");
        match e["associated_with"].as_str() {
            Some(target) if target.starts_with("i-") => assert_eq!(p["instance_id"], target),
            Some(target) => {
                assert_eq!(p["network_interface_id"], target);
                assert!(p["instance_id"].is_null(), "{id}");
            }
            None => {
                assert!(p["association_id"].is_null() && p["instance_id"].is_null());
                assert!(p["network_interface_id"].is_null(), "{id}");
            }
        }
    }
}

fn check_network_interfaces(run: &CollectRun, m: &Value, arns: &Arns) {
    let expected = arns.of(
        "network-interface",
        &manifest_ids(&m["network_interfaces"], "id"),
    );
    let found = exactly(run, "aws:ec2:network-interface", arns.region, &expected);
    for n in entries(&m["network_interfaces"]) {
        let id = n["id"].as_str().expect("id");
        let f = &found[&arns.one("network-interface", id)];
        let p = &f.props;
        assert_eq!(p["instance_id"], n["attached_to"], "{id}");
        assert_eq!(p["interface_type"], "interface");
        assert!(p["private_ip_address"].is_string(), "{id}");
        assert!(!string_set(&p["security_group_ids"]).is_empty(), "{id}");
        if let Some(name) = n["name"].as_str() {
            assert_eq!(f.name, name);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denied_calls_leave_gaps_only_where_they_apply() {
    let emulator = Emulator::start();
    let manifest = emulator.seed();
    let account = manifest["account_id"]
        .as_str()
        .expect("account id")
        .to_owned();
    let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime starts");
    let collector = builtin(&runtime, COLLECTOR).await;
    // The seeded account read with full rights, for comparison (before IAM is enforced: the
    // emulator's test credentials belong to no user).
    let full = collect_with(
        &collector,
        emulator_aws(emulator.endpoint_url()).await,
        &account,
        &REGIONS,
    )
    .await;
    assert_eq!(full.stats.error_total(), 0, "{:?}", full.stats);

    // A user who may read EC2 except flow logs (a listing) and snapshot permissions (a detail
    // call); then the emulator starts enforcing IAM.
    let keys = emulator.boto(
        "iam.create_user(UserName='lgp-ec2-partial')\n\
         iam.put_user_policy(UserName='lgp-ec2-partial', PolicyName='partial', PolicyDocument=json.dumps({\n\
           'Version': '2012-10-17', 'Statement': [\n\
             {'Effect': 'Allow', 'Action': ['ec2:Describe*', 'ec2:GetEbsEncryptionByDefault'], 'Resource': '*'},\n\
             {'Effect': 'Deny', 'Action': ['ec2:DescribeFlowLogs', 'ec2:DescribeSnapshotAttribute'], 'Resource': '*'}]}))\n\
         k = iam.create_access_key(UserName='lgp-ec2-partial')['AccessKey']\n\
         print(k['AccessKeyId'], k['SecretAccessKey'])\n",
    );
    let (key_id, secret) = keys.trim().split_once(' ').expect("a key pair");
    emulator.enforce_iam();
    let aws: Arc<dyn AwsApi> = Arc::new(
        LiveAws::new(LiveConfig {
            endpoint_url: Some(emulator.endpoint_url().to_owned()),
            static_credentials: Some((key_id.to_owned(), secret.to_owned())),
            ..LiveConfig::default()
        })
        .await
        .expect("the live client starts"),
    );
    let run = collect_with(&collector, aws, &account, &REGIONS).await;

    for region in REGIONS {
        let m = &manifest["ec2"][region];
        // The flow-log listing failed: one scope gap stands for every flow log of the region.
        let gaps = found(&run, "aws:ec2:flow-log", region);
        let gap_arn = format!("arn:aws:ec2:{region}:{account}:vpc-flow-log/*");
        assert_eq!(gaps.keys().collect::<Vec<_>>(), [&gap_arn], "{region}");
        let error = &gaps[&gap_arn].props["errors"]["*"];
        assert_eq!(error["category"], "access_denied", "{error}");

        // VPCs are still collected, their flow logs marked as not collected.
        let vpcs = found(&run, "aws:ec2:vpc", region);
        assert_eq!(vpcs.len(), entries(&m["vpcs"]).len());
        for v in vpcs.values() {
            assert!(v.props["flow_logs"].is_null());
            assert_eq!(v.props["errors"]["flow_logs"]["category"], "access_denied");
        }

        // Snapshots are still collected, their sharing marked as not collected.
        let snapshots = found(&run, "aws:ec2:snapshot", region);
        assert_eq!(snapshots.len(), entries(&m["snapshots"]).len());
        for s in snapshots.values() {
            assert!(s.props["public"].is_null() && s.props["shared_with_accounts"].is_null());
            for property in ["public", "shared_with_accounts"] {
                assert_eq!(
                    s.props["errors"][property]["category"], "access_denied",
                    "{}",
                    s.props
                );
            }
            assert!(s.props["encrypted"].is_boolean());
        }

        // Every other kind is exactly what a full read finds.
        for kind in [
            "aws:ec2:instance",
            "aws:ec2:security-group",
            "aws:ec2:network-acl",
            "aws:ec2:volume",
            "aws:ec2:image",
            "aws:ec2:launch-template",
            "aws:ec2:elastic-ip",
            "aws:ec2:network-interface",
            "aws:ec2:ebs-encryption-by-default",
        ] {
            let partial = found(&run, kind, region);
            let complete = found(&full, kind, region);
            assert_eq!(
                partial.keys().collect::<Vec<_>>(),
                complete.keys().collect::<Vec<_>>(),
                "{kind} in {region}"
            );
            for (arn, f) in &partial {
                assert_eq!(f.props, complete[arn].props, "{arn}");
            }
        }
    }
    // Two denied operations: the flow-log listing per region and one permission call per
    // snapshot, all counted as access errors of the scan.
    let snapshots: usize = REGIONS
        .iter()
        .map(|r| entries(&manifest["ec2"][*r]["snapshots"]).len())
        .sum();
    let denied: u64 = run
        .stats
        .errors
        .iter()
        .filter(|e| e.category.as_str() == "access_denied")
        .map(|e| e.count)
        .sum();
    assert_eq!(
        denied,
        (REGIONS.len() + snapshots) as u64,
        "{:?}",
        run.stats
    );
}
