//! The built-in S3 collector (`plugins/collect-s3`) against the seeded emulator: it finds exactly
//! the seeded buckets, in their regions, with the settings the seed gave them, and the account's
//! Block Public Access settings as their own resource; a denied detail call leaves that property
//! not collected on every bucket and nothing else, and a denied ListBuckets leaves a scope gap.

use crate::collectors::{CollectRun, builtin, collect_live, collect_with};
use crate::emulator::Emulator;
use lgp_aws::{LiveAws, LiveConfig};
use lgp_aws_api::AwsApi;
use lgp_runtime::{Runtime, RuntimeConfig};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

const BUCKET: &str = "aws:s3:bucket";
const ACCOUNT_PAB: &str = "aws:s3:account-public-access-block";

/// A resource's properties, parsed.
fn properties(r: &lgp_model::Resource) -> Value {
    serde_json::from_str(r.properties.get()).expect("properties are JSON")
}

/// The seed's PascalCase Block Public Access configuration in the schema's snake case.
fn snake_pab(pab: &Value) -> Value {
    if pab.is_null() {
        return Value::Null;
    }
    json!({
        "block_public_acls": pab["BlockPublicAcls"],
        "ignore_public_acls": pab["IgnorePublicAcls"],
        "block_public_policy": pab["BlockPublicPolicy"],
        "restrict_public_buckets": pab["RestrictPublicBuckets"],
    })
}

/// The grants of an ACL as `(grantee URI or "owner", permission)`, sorted.
fn grants(acl: &Value) -> Vec<(String, String)> {
    let owner = acl["owner_id"].as_str().expect("owner_id");
    let mut grants: Vec<(String, String)> = acl["grants"]
        .as_array()
        .expect("grants")
        .iter()
        .map(|g| {
            let who = match (g["grantee_uri"].as_str(), g["grantee_id"].as_str()) {
                (Some(uri), _) => uri.rsplit('/').next().unwrap_or(uri).to_owned(),
                (None, Some(id)) if id == owner => "owner".to_owned(),
                (None, other) => format!("{other:?}"),
            };
            (
                who,
                g["permission"].as_str().expect("permission").to_owned(),
            )
        })
        .collect();
    grants.sort();
    grants
}

/// What the canned ACL the seed applied grants.
fn canned_acl_grants(canned: &str) -> Vec<(String, String)> {
    let mut grants = vec![("owner".to_owned(), "FULL_CONTROL".to_owned())];
    match canned {
        "private" => {}
        "public-read" => grants.push(("AllUsers".into(), "READ".into())),
        "log-delivery-write" => {
            grants.push(("LogDelivery".into(), "READ_ACP".into()));
            grants.push(("LogDelivery".into(), "WRITE".into()));
        }
        other => panic!("the seed used canned ACL {other}, unknown to this test"),
    }
    grants.sort();
    grants
}

/// The `Sid` of a policy's only statement.
fn only_sid(policy: &Value) -> &str {
    let statements = policy["Statement"].as_array().expect("Statement list");
    assert_eq!(statements.len(), 1, "{policy}");
    statements[0]["Sid"].as_str().expect("Sid")
}

/// Checks one collected bucket against the seed's facts `f`; `account_pab` is the account's
/// settings in snake case (`None`: the collector could not read them, see the caller).
fn assert_bucket(r: &lgp_model::Resource, f: &Value, account_pab: Option<&Value>) {
    let name = f["name"].as_str().expect("name");
    let p = properties(r);
    let at = |what: &str| format!("bucket {name}, {what}: {p:#}");

    // Envelope.
    assert_eq!(r.name, name);
    assert_eq!(r.region, f["region"], "{}", at("region"));
    assert_eq!(p["region"], f["region"], "{}", at("region property"));
    let tags: BTreeMap<String, String> =
        serde_json::from_value(f["tags"].clone()).expect("seeded tags");
    assert_eq!(r.tags, tags, "{}", at("tags"));
    assert!(
        p["creation_date"]
            .as_str()
            .is_some_and(|d| d.ends_with('Z')),
        "{}",
        at("creation_date")
    );

    // Nothing failed, except (see the caller) the account's settings.
    let errors = p["errors"].as_object().expect("errors object");
    let unexpected: Vec<&String> = errors
        .keys()
        .filter(|k| !(account_pab.is_none() && k.as_str() == "account_public_access_block"))
        .collect();
    assert!(unexpected.is_empty(), "{}", at("errors"));
    if let Some(account_pab) = account_pab {
        assert_eq!(
            &p["account_public_access_block"],
            account_pab,
            "{}",
            at("account_public_access_block")
        );
    }

    // Encryption.
    let enc = &p["encryption"];
    match f["encryption"].as_str() {
        None => assert_eq!(
            enc,
            &json!({"status": "not_configured", "algorithm": null, "kms_key_id": null,
                "bucket_key_enabled": null}),
            "{}",
            at("encryption")
        ),
        Some(algorithm) => {
            assert_eq!(enc["status"], "enabled", "{}", at("encryption"));
            assert_eq!(enc["algorithm"], algorithm, "{}", at("encryption"));
            assert_eq!(enc["kms_key_id"], f["kms_key_id"], "{}", at("kms key"));
        }
    }

    // Versioning (moto ignores MFA delete: the seed reads back what the emulator kept).
    let status = match f["versioning"].as_str() {
        None => "disabled",
        Some("Enabled") => "enabled",
        Some("Suspended") => "suspended",
        Some(other) => panic!("seeded versioning {other}"),
    };
    assert_eq!(
        p["versioning"],
        json!({"status": status, "mfa_delete": f["mfa_delete"]}),
        "{}",
        at("versioning")
    );

    // Logging.
    let logging = match f["logging_target"].as_str() {
        Some(target) => {
            json!({"enabled": true, "target_bucket": target, "target_prefix": format!("{name}/")})
        }
        None => json!({"enabled": false, "target_bucket": null, "target_prefix": null}),
    };
    assert_eq!(p["logging"], logging, "{}", at("logging"));

    // Public access: Block Public Access, policy, ACL, ownership.
    assert_eq!(
        p["public_access_block"],
        snake_pab(&f["public_access_block"]),
        "{}",
        at("public_access_block")
    );
    match f["policy"].as_str() {
        None => {
            assert_eq!(p["policy"], Value::Null, "{}", at("policy"));
            assert_eq!(p["policy_status"], Value::Null, "{}", at("policy_status"));
        }
        Some(kind) => {
            let sid = match kind {
                "public-read" => "PublicRead",
                "deny-insecure-transport" => "DenyInsecureTransport",
                "cross-account" => "PartnerAccess",
                other => panic!("seeded policy {other}"),
            };
            assert_eq!(only_sid(&p["policy"]), sid, "{}", at("policy"));
            assert_eq!(p["policy"]["Version"], "2012-10-17");
            assert_eq!(
                p["policy_status"],
                json!({"is_public": kind == "public-read"}),
                "{}",
                at("policy_status")
            );
        }
    }
    // moto answers only the first permission of a grant that has several (log-delivery-write's
    // LogDelivery grant has READ_ACP and WRITE): every grantee is there, each permission found
    // is one the canned ACL gives.
    let found_grants = grants(&p["acl"]);
    let canned = canned_acl_grants(f["acl"].as_str().expect("acl"));
    assert!(
        found_grants.iter().all(|g| canned.contains(g)),
        "{}",
        at("acl")
    );
    let grantees = |g: &[(String, String)]| {
        g.iter()
            .map(|(who, _)| who.clone())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(grantees(&found_grants), grantees(&canned), "{}", at("acl"));
    assert_eq!(p["ownership"], f["ownership"], "{}", at("ownership"));

    // Lifecycle, replication, object lock, notifications.
    if f["lifecycle"] == true {
        assert_eq!(
            p["lifecycle"],
            json!({"rules": [{"id": "archive", "status": "Enabled", "has_expiration": true,
                "has_transitions": true, "has_noncurrent_version_expiration": false,
                "has_abort_incomplete_multipart_upload": true}]}),
            "{}",
            at("lifecycle")
        );
    } else {
        assert_eq!(p["lifecycle"], Value::Null, "{}", at("lifecycle"));
    }
    match f["replication"].as_object() {
        Some(replication) => assert_eq!(
            p["replication"],
            // The seeded replica lives in eu-west-1 (`replica-euw1`), in the same account.
            json!({"role": replication["role"], "rules": [{"id": "to-eu", "status": "Enabled",
                "destination_bucket": replication["destination"],
                "destination_region": "eu-west-1"}]}),
            "{}",
            at("replication")
        ),
        None => assert_eq!(p["replication"], Value::Null, "{}", at("replication")),
    }
    if f["object_lock"] == true {
        assert_eq!(
            p["object_lock"],
            json!({"enabled": true, "mode": "GOVERNANCE", "days": 30, "years": null}),
            "{}",
            at("object_lock")
        );
    } else {
        assert_eq!(p["object_lock"], Value::Null, "{}", at("object_lock"));
    }
    let notified = f["notifications"].as_array().expect("notifications");
    let expected = if notified.is_empty() {
        json!({"topics": [], "queues": [], "lambda_functions": [], "event_bridge": false})
    } else {
        // The seed lists the queue, then the topic.
        json!({"topics": [{"arn": notified[1], "events": ["s3:ObjectRemoved:*"]}],
            "queues": [{"arn": notified[0], "events": ["s3:ObjectCreated:*"]}],
            "lambda_functions": [], "event_bridge": false})
    };
    assert_eq!(p["notifications"], expected, "{}", at("notifications"));
}

/// The buckets of a run by ARN.
fn buckets_by_arn(run: &CollectRun) -> BTreeMap<&str, &lgp_model::Resource> {
    run.of_kind(BUCKET)
        .into_iter()
        .map(|r| (r.arn.as_str(), r))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collects_exactly_the_seeded_buckets_with_their_settings() {
    let emulator = Emulator::start();
    let manifest = emulator.seed();
    let account = manifest["account_id"].as_str().expect("account id");
    let seeded = manifest["s3"]["buckets"]
        .as_array()
        .expect("seeded buckets");
    let run = collect_live(
        "collect-s3",
        emulator.endpoint_url(),
        &["us-east-1", "eu-west-1"],
    )
    .await;

    // Exactly the seeded buckets, each in its region, each once.
    let found = buckets_by_arn(&run);
    assert_eq!(
        found.len(),
        run.of_kind(BUCKET).len(),
        "a bucket came twice"
    );
    let seeded_set: BTreeSet<(String, String)> = seeded
        .iter()
        .map(|f| {
            (
                f["arn"].as_str().expect("arn").to_owned(),
                f["region"].as_str().expect("region").to_owned(),
            )
        })
        .collect();
    let found_set: BTreeSet<(String, String)> = found
        .values()
        .map(|r| (r.arn.clone(), r.region.clone()))
        .collect();
    assert_eq!(found_set, seeded_set);
    for region in ["us-east-1", "eu-west-1"] {
        let n = found.values().filter(|r| r.region == region).count();
        assert_eq!(
            json!(n),
            manifest["counts"]["by_kind"][BUCKET][region],
            "buckets in {region}"
        );
    }
    assert!(found.values().all(|r| r.account == account));

    // The account's Block Public Access settings: one resource, and a copy in every bucket.
    let account_resources = run.of_kind(ACCOUNT_PAB);
    assert_eq!(account_resources.len(), 1, "one account resource");
    let account_resource = account_resources[0];
    assert_eq!(
        account_resource.arn,
        format!("arn:aws:s3::{account}:account-public-access-block")
    );
    assert_eq!(account_resource.region, "global");
    assert_eq!(account_resource.name, account);
    let account_props = properties(account_resource);
    let seeded_account_pab = snake_pab(&manifest["s3"]["account_public_access_block"]);
    let account_pab = if account_props["errors"].get("*").is_some() {
        // The call failed: recorded, not fatal (reported to the lead when it happens).
        eprintln!("s3control GetPublicAccessBlock failed: {account_props}");
        assert_eq!(account_props["configured"], Value::Null);
        for r in found.values() {
            let p = properties(r);
            assert!(p["errors"].get("account_public_access_block").is_some());
            assert_eq!(p["account_public_access_block"], Value::Null);
        }
        None
    } else {
        let mut expected = seeded_account_pab.clone();
        expected["configured"] = json!(true);
        expected["errors"] = json!({});
        assert_eq!(account_props, expected);
        Some(seeded_account_pab)
    };

    // Every bucket with the seeded settings.
    for f in seeded {
        let arn = f["arn"].as_str().expect("arn");
        assert_bucket(found[arn], f, account_pab.as_ref());
    }

    // Concrete facts the rules depend on, spelled out.
    let props_of = |short: &str| {
        let arn = format!("arn:aws:s3:::lgp-demo-{short}");
        properties(found[arn.as_str()])
    };
    let public_acl = props_of("public-acl");
    assert!(
        public_acl["acl"]["grants"]
            .as_array()
            .expect("grants")
            .iter()
            .any(|g| g["grantee_uri"] == "http://acs.amazonaws.com/groups/global/AllUsers")
    );
    assert_eq!(
        props_of("public-website")["policy"]["Statement"][0]["Principal"],
        "*"
    );
    assert_eq!(
        props_of("public-website")["public_access_block"],
        Value::Null
    );
    assert_eq!(
        props_of("unencrypted-plain")["encryption"]["status"],
        "not_configured"
    );
    assert_eq!(props_of("eu-secure")["region"], "eu-west-1");
    assert_eq!(
        props_of("versioning-suspended")["versioning"]["status"],
        "suspended"
    );
    assert_eq!(
        props_of("secure-data")["encryption"]["algorithm"],
        "aws:kms"
    );

    // No call failed, but the account's settings when they could not be read.
    let failed: Vec<_> = run
        .stats
        .errors
        .iter()
        .filter(|e| !(account_pab.is_none() && e.service == "s3control"))
        .collect();
    assert!(failed.is_empty(), "calls failed: {failed:#?}");
    // ListBuckets, s3control, then per bucket GetBucketLocation and 13 detail calls.
    assert_eq!(run.stats.calls, 2 + 14 * seeded.len() as u64);
}

/// Creates an IAM user allowed `s3:*` but denied `denied` (IAM action names) and returns the
/// live capability with its keys. Call [`Emulator::enforce_iam`] before using it.
async fn user_denied(emulator: &Emulator, user: &str, denied: &[&str]) -> Arc<dyn AwsApi> {
    let denied = serde_json::to_string(denied).expect("action list");
    let keys = emulator.boto(&format!(
        "iam.create_user(UserName='{user}')\n\
         iam.put_user_policy(UserName='{user}', PolicyName='s3', PolicyDocument=json.dumps({{\n\
           'Version': '2012-10-17', 'Statement': [\n\
             {{'Effect': 'Allow', 'Action': 's3:*', 'Resource': '*'}},\n\
             {{'Effect': 'Deny', 'Action': {denied}, 'Resource': '*'}}]}}))\n\
         k = iam.create_access_key(UserName='{user}')['AccessKey']\n\
         print(k['AccessKeyId'], k['SecretAccessKey'])\n"
    ));
    let (key_id, secret) = keys.trim().split_once(' ').expect("a key pair");
    Arc::new(
        LiveAws::new(LiveConfig {
            endpoint_url: Some(emulator.endpoint_url().to_owned()),
            static_credentials: Some((key_id.to_owned(), secret.to_owned())),
            ..LiveConfig::default()
        })
        .await
        .expect("the live client starts"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denied_calls_leave_gaps_only_where_they_apply() {
    let emulator = Emulator::start();
    let manifest = emulator.seed();
    let account = manifest["account_id"].as_str().expect("account id");
    let seeded = manifest["s3"]["buckets"]
        .as_array()
        .expect("seeded buckets");
    let regions = ["us-east-1", "eu-west-1"];
    let partial = user_denied(&emulator, "lgp-s3-no-policy", &["s3:GetBucketPolicy"]).await;
    let blind = user_denied(&emulator, "lgp-s3-no-list", &["s3:ListAllMyBuckets"]).await;
    emulator.enforce_iam();
    let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime starts");
    let collector = builtin(&runtime, "collect-s3").await;

    // GetBucketPolicy denied: every bucket is still there, `policy` not collected, the rest read.
    let run = collect_with(&collector, partial, account, &regions).await;
    let found = buckets_by_arn(&run);
    assert_eq!(found.len(), seeded.len());
    for r in found.values() {
        let p = properties(r);
        assert_eq!(p["policy"], Value::Null, "{}", r.name);
        assert_eq!(p["errors"]["policy"]["code"], "AccessDenied", "{p:#}");
        assert_eq!(p["errors"]["policy"]["category"], "access_denied", "{p:#}");
        let others: Vec<&String> = p["errors"]
            .as_object()
            .expect("errors")
            .keys()
            .filter(|k| !matches!(k.as_str(), "policy" | "account_public_access_block"))
            .collect();
        assert!(others.is_empty(), "{}: {others:?}", r.name);
        assert!(p["acl"]["grants"].is_array() && p["versioning"]["status"].is_string());
    }
    let public_website = found["arn:aws:s3:::lgp-demo-public-website"];
    assert_eq!(
        public_website.tags.get("purpose").map(String::as_str),
        Some("website")
    );

    // ListBuckets denied: one scope gap for every bucket of the account, and the account's
    // settings still collected (or their failure recorded).
    let run = collect_with(&collector, blind, account, &regions).await;
    let gaps = run.of_kind(BUCKET);
    assert_eq!(gaps.len(), 1, "only the scope gap");
    assert_eq!(gaps[0].arn, format!("arn:aws:s3::{account}:bucket/*"));
    assert_eq!(gaps[0].region, "global");
    let gap = properties(gaps[0]);
    assert_eq!(gap["errors"]["*"]["category"], "access_denied", "{gap}");
    assert_eq!(run.of_kind(ACCOUNT_PAB).len(), 1);
}
