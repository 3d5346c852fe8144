//! The built-in IAM collector (`collect-iam`) against the emulator's seeded demo account: it
//! finds exactly the seeded users, groups, roles, customer managed policies, virtual MFA devices,
//! server certificates and SAML providers, plus the one account resource, with the seeded facts;
//! and with its permissions cut, failed listings become scope gaps and failed detail calls
//! `errors` entries, never a dead collection.
//!
//! moto differs from AWS in ways the assertions spell out: its credential report has no
//! `<root_account>` row and a fixed `GeneratedTime` (2015-02-02T20:02:02Z), and
//! ListServerCertificates reports the same `Expiration` (2012-05-08T01:02:03.004Z) and id for
//! every certificate, whatever the certificate says; and the report gives users without a password
//! their creation date as `password_last_changed` where AWS writes `N/A`.

use crate::collectors::{CollectRun, builtin, collect_live, collect_with};
use crate::emulator::Emulator;
use lgp_aws::{LiveAws, LiveConfig};
use lgp_aws_api::AwsApi;
use lgp_model::Resource;
use lgp_runtime::{Runtime, RuntimeConfig};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
const ACCOUNT: &str = "123456789012";

fn props(r: &Resource) -> Value {
    serde_json::from_str(r.properties.get()).expect("properties are JSON")
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("a list: {v}"))
        .iter()
        .map(|s| {
            s.as_str()
                .unwrap_or_else(|| panic!("a string: {s}"))
                .to_owned()
        })
        .collect()
}

fn field_set(v: &Value, field: &str) -> BTreeSet<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("a list: {v}"))
        .iter()
        .map(|x| {
            x[field]
                .as_str()
                .unwrap_or_else(|| panic!("{field} in {x}"))
                .to_owned()
        })
        .collect()
}

/// The resources of `kind` by ARN (all in region `global`), with their properties parsed.
fn by_arn(run: &CollectRun, kind: &str) -> BTreeMap<String, (Resource, Value)> {
    run.of_kind(kind)
        .into_iter()
        .map(|r| {
            assert_eq!(r.region, "global", "{}", r.arn);
            assert_eq!(r.account, ACCOUNT, "{}", r.arn);
            (r.arn.clone(), (r.clone(), props(r)))
        })
        .collect()
}

/// Asserts the collected ARNs of `kind` are exactly `want`.
fn assert_arns(found: &BTreeMap<String, (Resource, Value)>, want: &BTreeSet<String>, kind: &str) {
    let got: BTreeSet<String> = found.keys().cloned().collect();
    assert_eq!(
        &got, want,
        "{kind}: collected ARNs differ from the seeded ones"
    );
}

fn no_errors(arn: &str, p: &Value) {
    assert_eq!(p["errors"], json!({}), "{arn} has collection errors");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collect_iam_finds_exactly_the_seeded_identities() {
    let emulator = Emulator::start();
    let m = emulator.seed();
    let iam = &m["iam"];
    let run = collect_live("collect-iam", emulator.endpoint_url(), &REGIONS).await;
    assert_eq!(
        run.stats.error_total(),
        0,
        "no call failed: {:?}",
        run.stats.errors
    );
    assert!(
        run.resources.iter().all(|r| r.kind.starts_with("aws:iam:")),
        "only IAM kinds"
    );
    // Few calls: eight account-wide ones, two per user, one per access key, and the report
    // (ready at once on moto); nothing per group, role or policy.
    let users_n = iam["users"].as_array().expect("users").len();
    let keys_n: usize = iam["users"]
        .as_array()
        .expect("users")
        .iter()
        .map(|u| u["access_keys"].as_array().expect("keys").len())
        .sum();
    assert_eq!(
        run.stats.calls as usize,
        8 + 2 * users_n + keys_n + 1,
        "calls made"
    );

    // Users.
    let users = by_arn(&run, "aws:iam:user");
    let seeded = iam["users"].as_array().expect("users");
    assert_arns(&users, &field_set(&iam["users"], "arn"), "aws:iam:user");
    for u in seeded {
        let arn = u["arn"].as_str().expect("arn");
        let (r, p) = &users[arn];
        no_errors(arn, p);
        assert_eq!(r.name, u["name"].as_str().expect("name"));
        assert_eq!(p["name"], u["name"]);
        assert_eq!(p["arn"], arn);
        assert_eq!(p["path"], "/");
        assert!(
            p["id"].as_str().is_some_and(|id| !id.is_empty()),
            "{arn} id"
        );
        assert!(p["create_date"].is_string(), "{arn} create_date");
        assert_eq!(r.tags.get("project").map(String::as_str), Some("lgp-demo"));
        assert_eq!(p["tags"]["project"], "lgp-demo");

        let console = u["console_password"].as_bool().expect("console_password");
        assert_eq!(p["password_enabled"], console, "{arn} password_enabled");
        // moto writes the creation date as `password_last_changed` even without a password
        // (AWS writes `N/A`), so only users with a password are checked.
        if console {
            assert!(
                p["password_last_changed"].is_string(),
                "{arn} password_last_changed"
            );
        }
        assert_eq!(
            p["password_last_used"],
            Value::Null,
            "{arn}: never signed in"
        );

        let mfa = u["mfa"].as_bool().expect("mfa");
        assert_eq!(p["mfa_active"], mfa, "{arn} mfa_active");
        let devices = p["mfa_devices"].as_array().expect("mfa_devices");
        if mfa {
            assert_eq!(devices.len(), 1, "{arn}");
            assert_eq!(devices[0]["serial_number"], u["mfa_serial"]);
            assert_eq!(devices[0]["type"], "virtual");
            assert!(devices[0]["enable_date"].is_string());
        } else {
            assert!(devices.is_empty(), "{arn} has no MFA device");
        }

        let keys = p["access_keys"].as_array().expect("access_keys");
        let got: BTreeSet<(String, String)> = keys
            .iter()
            .map(|k| {
                (
                    k["id"].as_str().expect("id").into(),
                    k["status"].as_str().expect("status").into(),
                )
            })
            .collect();
        let want: BTreeSet<(String, String)> = u["access_keys"]
            .as_array()
            .expect("seeded keys")
            .iter()
            .map(|k| {
                (
                    k["id"].as_str().expect("id").into(),
                    k["status"].as_str().expect("status").into(),
                )
            })
            .collect();
        assert_eq!(got, want, "{arn} access keys");
        for k in keys {
            assert!(k["create_date"].is_string());
            // Never used: AWS's (and moto's) `N/A` service and region become null.
            assert_eq!(
                (
                    &k["last_used_date"],
                    &k["last_used_service"],
                    &k["last_used_region"]
                ),
                (&Value::Null, &Value::Null, &Value::Null),
                "{arn}"
            );
        }

        assert_eq!(strings(&p["groups"]), strings(&u["groups"]), "{arn} groups");
        assert_eq!(
            field_set(&p["attached_policies"], "arn"),
            strings(&u["attached_policies"]),
            "{arn} attached policies"
        );
        assert_eq!(
            field_set(&p["inline_policies"], "name"),
            strings(&u["inline_policies"]),
            "{arn} inline policies"
        );
        for inline in p["inline_policies"].as_array().expect("inline") {
            assert_eq!(
                inline["document"]["Statement"][0]["Action"],
                json!(["s3:GetObject", "s3:PutObject"])
            );
        }
    }
    // An AWS managed policy attached to a user shows in its attachments (not as a resource).
    let frank = &users[&format!("arn:aws:iam::{ACCOUNT}:user/lgp-demo-user-frank-legacy")].1;
    assert_eq!(
        frank["attached_policies"],
        json!([{"name": "AdministratorAccess", "arn": "arn:aws:iam::aws:policy/AdministratorAccess"}])
    );

    // Groups.
    let groups = by_arn(&run, "aws:iam:group");
    assert_arns(&groups, &field_set(&iam["groups"], "arn"), "aws:iam:group");
    for g in iam["groups"].as_array().expect("groups") {
        let arn = g["arn"].as_str().expect("arn");
        let (r, p) = &groups[arn];
        no_errors(arn, p);
        assert_eq!(r.name, g["name"].as_str().expect("name"));
        assert_eq!(
            strings(&p["members"]),
            strings(&g["members"]),
            "{arn} members"
        );
        assert_eq!(
            field_set(&p["attached_policies"], "arn"),
            strings(&g["attached_policies"]),
            "{arn}"
        );
        assert_eq!(
            field_set(&p["inline_policies"], "name"),
            strings(&g["inline_policies"]),
            "{arn}"
        );
    }
    let developers = &groups[&format!("arn:aws:iam::{ACCOUNT}:group/lgp-demo-group-developers")].1;
    assert_eq!(
        developers["inline_policies"],
        json!([{"name": "dev-extra", "document": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "cloudwatch:Get*", "Resource": "*"}]}}])
    );

    // Roles.
    let roles = by_arn(&run, "aws:iam:role");
    assert_arns(&roles, &field_set(&iam["roles"], "arn"), "aws:iam:role");
    for role in iam["roles"].as_array().expect("roles") {
        let arn = role["arn"].as_str().expect("arn");
        let (r, p) = &roles[arn];
        no_errors(arn, p);
        assert_eq!(r.name, role["name"].as_str().expect("name"));
        assert_eq!(r.tags.get("project").map(String::as_str), Some("lgp-demo"));
        assert!(
            p["trust_policy"]["Statement"].is_array(),
            "{arn}: the trust policy is parsed"
        );
        assert_eq!(
            field_set(&p["attached_policies"], "arn"),
            strings(&role["attached_policies"]),
            "{arn}"
        );
        assert_eq!(
            field_set(&p["inline_policies"], "name"),
            strings(&role["inline_policies"]),
            "{arn}"
        );
        let profiles: Vec<Value> = role["instance_profile"]
            .as_str()
            .map(|a| json!(a))
            .into_iter()
            .collect();
        assert_eq!(p["instance_profiles"], json!(profiles), "{arn}");
        assert_eq!(p["max_session_duration"], 3600, "{arn}");
        assert_eq!(p["service_linked"], false, "{arn}");
        assert_eq!(
            p["last_used"],
            json!({"date": null, "region": null}),
            "{arn}: never assumed"
        );
    }
    let any = &roles[&format!("arn:aws:iam::{ACCOUNT}:role/lgp-demo-role-any-principal")].1;
    assert_eq!(
        any["trust_policy"]["Statement"][0]["Principal"],
        json!({"AWS": "*"})
    );
    let extid = &roles[&format!("arn:aws:iam::{ACCOUNT}:role/lgp-demo-role-cross-account-extid")].1;
    assert_eq!(
        extid["trust_policy"]["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"],
        "lgp-demo-external-id"
    );

    // Customer managed policies only, although AWS managed ones exist and are attached.
    let policies = by_arn(&run, "aws:iam:policy");
    assert_arns(
        &policies,
        &field_set(&iam["policies"], "arn"),
        "aws:iam:policy",
    );
    assert!(policies.keys().all(|a| !a.starts_with("arn:aws:iam::aws:")));
    for pol in iam["policies"].as_array().expect("policies") {
        let arn = pol["arn"].as_str().expect("arn");
        let (r, p) = &policies[arn];
        no_errors(arn, p);
        assert_eq!(r.name, pol["name"].as_str().expect("name"));
        assert_eq!(p["name"], pol["name"]);
        assert_eq!(p["version_count"], pol["versions"], "{arn}");
        assert_eq!(p["default_version_id"], pol["default_version"], "{arn}");
        assert_eq!(p["is_attachable"], true);
        let attached = pol["attached"].as_bool().expect("attached");
        assert_eq!(
            p["attachment_count"].as_i64().expect("count") > 0,
            attached,
            "{arn}"
        );
        assert!(
            p["document"]["Statement"].is_array(),
            "{arn}: the document is parsed"
        );
        if pol["admin"] == true {
            assert_eq!(
                p["document"]["Statement"],
                json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}])
            );
        }
    }
    // ci-deploy's default is its second, wider version.
    let ci = &policies[&format!("arn:aws:iam::{ACCOUNT}:policy/lgp-demo-policy-ci-deploy")].1;
    assert_eq!(
        ci["document"]["Statement"][0]["Action"],
        json!(["s3:PutObject", "s3:DeleteObject"])
    );

    // Virtual MFA devices, the unassigned one included.
    let devices = by_arn(&run, "aws:iam:mfa-device");
    assert_arns(
        &devices,
        &field_set(&iam["mfa_devices"], "serial"),
        "aws:iam:mfa-device",
    );
    for d in iam["mfa_devices"].as_array().expect("mfa devices") {
        let serial = d["serial"].as_str().expect("serial");
        let p = &devices[serial].1;
        no_errors(serial, p);
        assert_eq!(p["serial_number"], serial);
        assert_eq!(p["user"], d["user"], "{serial}");
        assert_eq!(p["assigned"], d["enabled"], "{serial}");
        assert_eq!(
            p["enable_date"].is_string(),
            d["enabled"] == true,
            "{serial}"
        );
    }

    // The account: one resource. moto's report has no root row, so `root_credentials` is null
    // (without an error), and its GeneratedTime is fixed.
    let accounts = by_arn(&run, "aws:iam:account");
    let root_arn = format!("arn:aws:iam::{ACCOUNT}:root");
    assert_arns(
        &accounts,
        &BTreeSet::from([root_arn.clone()]),
        "aws:iam:account",
    );
    let (r, p) = &accounts[&root_arn];
    no_errors(&root_arn, p);
    assert_eq!(r.name, "root account");
    assert_eq!(p["account_mfa_enabled"], false);
    assert_eq!(p["account_access_keys_present"], false);
    assert_eq!(p["account_signing_certificates_present"], false);
    assert_eq!(p["root_hardware_mfa"], false);
    assert_eq!(p["summary"]["Users"], seeded.len());
    assert_eq!(
        p["summary"]["Roles"],
        iam["roles"].as_array().expect("roles").len()
    );
    assert_eq!(p["root_credentials"], Value::Null);
    assert_eq!(p["credential_report_generated"], "2015-02-02T20:02:02Z");
    let want = &iam["password_policy"];
    assert_eq!(
        p["password_policy"],
        json!({
            "minimum_password_length": want["MinimumPasswordLength"],
            "require_symbols": want["RequireSymbols"],
            "require_numbers": want["RequireNumbers"],
            "require_uppercase_characters": want["RequireUppercaseCharacters"],
            "require_lowercase_characters": want["RequireLowercaseCharacters"],
            "allow_users_to_change_password": want["AllowUsersToChangePassword"],
            "expire_passwords": false,
            "max_password_age": want["MaxPasswordAge"],
            "password_reuse_prevention": want["PasswordReusePrevention"],
            "hard_expiry": want["HardExpiry"],
        })
    );

    // Server certificates, as the API lists them (moto: one Expiration and id for all).
    let certs = by_arn(&run, "aws:iam:server-certificate");
    assert_arns(
        &certs,
        &field_set(&iam["server_certificates"], "arn"),
        "aws:iam:server-certificate",
    );
    for c in iam["server_certificates"].as_array().expect("certificates") {
        let arn = c["arn"].as_str().expect("arn");
        let (r, p) = &certs[arn];
        assert_eq!(r.name, c["name"].as_str().expect("name"));
        assert_eq!(p["id"], c["id"]);
        assert_eq!(p["path"], "/");
        assert!(p["upload_date"].is_string());
        let listed = c["listed_expiration"].as_str().expect("listed expiration");
        let expiration = p["expiration"].as_str().expect("expiration");
        assert_eq!(
            expiration.get(..19),
            listed.get(..19),
            "{arn}: the listed expiration"
        );
        assert!(
            p.get("expired").is_none(),
            "expiry is judged by rules, not collectors"
        );
    }

    // SAML providers.
    let saml = by_arn(&run, "aws:iam:saml-provider");
    assert_arns(
        &saml,
        &field_set(&iam["saml_providers"], "arn"),
        "aws:iam:saml-provider",
    );
    for s in iam["saml_providers"].as_array().expect("providers") {
        let arn = s["arn"].as_str().expect("arn");
        let (r, p) = &saml[arn];
        assert_eq!(r.name, s["name"].as_str().expect("name"));
        assert_eq!(p["name"], s["name"]);
        assert!(p["valid_until"].is_string() && p["create_date"].is_string());
    }

    // Nothing else, nothing twice.
    let counted: usize = [
        users.len(),
        groups.len(),
        roles.len(),
        policies.len(),
        devices.len(),
        accounts.len(),
        certs.len(),
        saml.len(),
    ]
    .iter()
    .sum();
    assert_eq!(run.resources.len(), counted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collect_iam_turns_denied_calls_into_scope_gaps_and_errors() {
    let emulator = Emulator::start();
    // A scanner allowed everything but three IAM reads: one listing (server certificates), one
    // per-user detail (access keys) and the credential report.
    let keys = emulator.boto(
        "iam.create_user(UserName='scanner')\n\
         iam.create_user(UserName='someone')\n\
         iam.create_access_key(UserName='someone')\n\
         iam.put_user_policy(UserName='scanner', PolicyName='scan', PolicyDocument=json.dumps({\n\
         \x20   'Version': '2012-10-17', 'Statement': [\n\
         \x20       {'Effect': 'Allow', 'Action': '*', 'Resource': '*'},\n\
         \x20       {'Effect': 'Deny', 'Resource': '*', 'Action': ['iam:ListServerCertificates',\n\
         \x20        'iam:ListAccessKeys', 'iam:GenerateCredentialReport', 'iam:GetCredentialReport']}]}))\n\
         k = iam.create_access_key(UserName='scanner')['AccessKey']\n\
         print(k['AccessKeyId'] + ' ' + k['SecretAccessKey'])\n",
    );
    let (key_id, secret) = keys.trim().split_once(' ').expect("two words");
    emulator.enforce_iam();

    let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime starts");
    let plugin = builtin(&runtime, "collect-iam").await;
    let live = LiveAws::new(LiveConfig {
        endpoint_url: Some(emulator.endpoint_url().to_owned()),
        static_credentials: Some((key_id.to_owned(), secret.to_owned())),
        ..LiveConfig::default()
    })
    .await
    .expect("the live client starts");
    let aws: Arc<dyn AwsApi> = Arc::new(live);
    let run = collect_with(&plugin, aws, ACCOUNT, &REGIONS[..1]).await;
    assert!(run.stats.error_total() > 0, "the denials are counted");

    // The denied listing: one placeholder standing for every server certificate.
    let certs = run.of_kind("aws:iam:server-certificate");
    assert_eq!(certs.len(), 1);
    assert_eq!(
        certs[0].arn,
        format!("arn:aws:iam::{ACCOUNT}:server-certificate/*")
    );
    assert_eq!(props(certs[0])["errors"]["*"]["category"], "access_denied");

    // Users are still there; what could not be read is null with an `errors` entry.
    let users = by_arn(&run, "aws:iam:user");
    assert_eq!(
        users
            .values()
            .map(|(r, _)| r.name.as_str())
            .collect::<BTreeSet<_>>(),
        BTreeSet::from(["scanner", "someone"])
    );
    for (arn, (_, p)) in &users {
        assert_eq!(p["access_keys"], Value::Null, "{arn}");
        assert_eq!(p["errors"]["access_keys"]["code"], "AccessDenied", "{arn}");
        for field in ["password_enabled", "password_last_changed"] {
            assert_eq!(p[field], Value::Null, "{arn} {field}");
            assert_eq!(
                p["errors"][field]["category"], "access_denied",
                "{arn} {field}"
            );
        }
        // ListUsers stands in for the report's last password use.
        assert!(p["errors"].get("password_last_used").is_none(), "{arn}");
        assert_eq!(
            p["mfa_active"], false,
            "{arn}: the device listing still answers"
        );
        assert!(p["inline_policies"].is_array());
    }
    let account = &run.of_kind("aws:iam:account");
    assert_eq!(account.len(), 1);
    let p = props(account[0]);
    assert_eq!(p["root_credentials"], Value::Null);
    assert_eq!(p["errors"]["root_credentials"]["category"], "access_denied");
    assert!(p["summary"].is_object(), "the summary was allowed");
    // The other listings still answered: the scanner's own inline policy is there.
    let scanner = &users[&format!("arn:aws:iam::{ACCOUNT}:user/scanner")].1;
    assert_eq!(
        field_set(&scanner["inline_policies"], "name"),
        BTreeSet::from(["scan".to_owned()])
    );
}
