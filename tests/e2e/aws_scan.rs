//! The `aws` capability in whole scans against the emulator: the allow-list, credentials kept
//! out of the sandbox, AWS errors counted without killing the scan, and snapshots that replay
//! the same inventory with no network.

use crate::collectors::{builtin, collect_with, emulator_aws};
use crate::emulator::Emulator;
use lgp_aws::{LiveAws, LiveConfig};
use lgp_aws_api::{AwsApi, Recorder, Replay};
use lgp_model::Resource;
use lgp_runtime::{Runtime, RuntimeConfig, Trust};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

const LGP: &str = env!("CARGO_BIN_EXE_lgp-under-test");
const COLLECTORS: [&str; 3] = ["collect-ec2", "collect-iam", "collect-s3"];
const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

/// Runs `lgp` with `args` and the environment `env` (AWS variables of the test process cleared).
fn lgp(args: &[&str], env: &[(&str, &str)], data_dir: &Path) -> Output {
    let mut cmd = Command::new(LGP);
    cmd.args(args).env("LGP_DATA_DIR", data_dir);
    for var in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    let out = cmd.output().expect("lgp runs");
    assert!(
        out.status.success(),
        "lgp {args:?} failed ({})\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn report(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).expect("`--format json` prints the JSON report")
}

/// `(check_id, resource_arn, status)` of every result, sorted.
fn outcomes(report: &Value) -> Vec<(String, String, String)> {
    let mut rows: Vec<_> = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_owned();
            (s("check_id"), s("resource_arn"), s("status"))
        })
        .collect();
    rows.sort();
    rows
}

/// Creates two buckets and a user allowed everything but `s3:GetBucketPolicy`, makes the
/// emulator enforce IAM, and returns the user's access key.
fn policy_reader_denied_bucket_policies(emulator: &Emulator) -> (String, String) {
    let keys = emulator.boto(
        "for b in ['lgp-denied-one', 'lgp-denied-two']:\n\
         \x20   s3.create_bucket(Bucket=b)\n\
         iam.create_user(UserName='auditor')\n\
         iam.put_user_policy(UserName='auditor', PolicyName='audit', PolicyDocument=json.dumps({\n\
         \x20   'Version': '2012-10-17', 'Statement': [\n\
         \x20       {'Effect': 'Allow', 'Action': '*', 'Resource': '*'},\n\
         \x20       {'Effect': 'Deny', 'Action': 's3:GetBucketPolicy', 'Resource': '*'}]}))\n\
         k = iam.create_access_key(UserName='auditor')['AccessKey']\n\
         print(k['AccessKeyId'] + ' ' + k['SecretAccessKey'])\n",
    );
    emulator.enforce_iam();
    let (key_id, secret) = keys.trim().split_once(' ').expect("two words");
    (key_id.to_owned(), secret.to_owned())
}

#[tokio::test]
async fn a_collector_gets_only_its_allow_list_and_never_the_credentials() {
    let emulator = Emulator::start();
    let (key_id, secret) = (
        "AKIALGPNEVERLEAKS01",
        "lgp-secret-that-must-not-reach-a-plugin",
    );
    let aws: Arc<dyn AwsApi> = Arc::new(
        LiveAws::new(LiveConfig {
            endpoint_url: Some(emulator.endpoint_url().to_owned()),
            static_credentials: Some((key_id.into(), secret.into())),
            ..LiveConfig::default()
        })
        .await
        .expect("client"),
    );
    let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime");
    let bytes = crate::support::read(crate::guests::PRYING_COLLECTOR);
    let prying = runtime
        .load("prying-collector", &bytes, Trust::Trusted)
        .await
        .expect("the prying collector loads");
    let run = collect_with(&prying, aws, "123456789012", &["us-east-1"]).await;
    let report: Value = serde_json::from_str(run.of_kind("test:prying:report")[0].properties.get())
        .expect("the report is JSON");
    let report = &report;

    assert_eq!(
        report["listed"], "ok",
        "its one listed operation works: {report}"
    );
    let unlisted = report["unlisted"].as_str().expect("text");
    assert!(
        unlisted.contains("Denied(") && unlisted.contains("aws:s3:GetBucketPolicy"),
        "an operation outside its manifest is refused, naming it: {unlisted}"
    );
    let write = report["write"].as_str().expect("text");
    assert!(
        write.contains("Denied(") && write.contains("read-only"),
        "a write is refused as not implemented: {write}"
    );
    assert_eq!(report["batch"][0], "ok");
    assert!(
        report["batch"][1]
            .as_str()
            .expect("text")
            .contains("aws:s3:GetBucketAcl")
    );
    assert_eq!(
        report["env"],
        serde_json::json!([]),
        "the sandbox has no environment"
    );
    let text = report.to_string();
    assert!(
        !text.contains(key_id) && !text.contains(secret),
        "no credential reached the plugin: {text}"
    );
    // The refusals are counted as the scan's access errors.
    assert_eq!(run.stats.error_total(), 3, "{:?}", run.stats);
}

#[tokio::test]
async fn record_then_replay_gives_identical_inventory_without_the_network() {
    let emulator = Emulator::start();
    let manifest = emulator.seed();
    let account = manifest["account_id"].as_str().expect("account").to_owned();
    let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime");
    let recorder = Arc::new(Recorder::new(emulator_aws(emulator.endpoint_url()).await));
    let mut live: Vec<Resource> = Vec::new();
    for name in COLLECTORS {
        let plugin = builtin(&runtime, name).await;
        live.extend(
            collect_with(&plugin, recorder.clone(), &account, &REGIONS)
                .await
                .resources,
        );
    }
    let snapshot = recorder.snapshot(
        account.clone(),
        REGIONS.map(String::from).to_vec(),
        "t".into(),
    );
    drop(emulator); // no AWS from here on

    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("account.snapshot.json.gz");
    snapshot.write(&file).expect("the snapshot is written");
    let replay: Arc<dyn AwsApi> = Arc::new(Replay::new(
        &lgp_aws_api::Snapshot::read(&file).expect("read back"),
    ));
    let mut replayed: Vec<Resource> = Vec::new();
    for name in COLLECTORS {
        let plugin = builtin(&runtime, name).await;
        replayed.extend(
            collect_with(&plugin, replay.clone(), &account, &REGIONS)
                .await
                .resources,
        );
    }
    live.sort_by(|a, b| a.arn.cmp(&b.arn));
    replayed.sort_by(|a, b| a.arn.cmp(&b.arn));
    let total = manifest["counts"]["total"].as_u64().expect("count");
    assert!(
        live.len() as u64 >= total,
        "{} resources collected, {total} seeded",
        live.len()
    );
    assert_eq!(live.len(), replayed.len());
    for (a, b) in live.iter().zip(&replayed) {
        assert_eq!(a, b, "the replayed resource equals the recorded one");
    }
}

#[test]
fn a_recorded_scan_replays_to_the_same_results_with_the_network_unreachable() {
    let emulator = Emulator::start();
    emulator.seed();
    let dir = tempfile::tempdir().expect("tempdir");
    let snapshot = dir.path().join("demo.snapshot.json.gz");
    let creds = [
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_REGION", "us-east-1"),
    ];
    let recorded = lgp(
        &[
            "snapshot",
            "record",
            "--out",
            snapshot.to_str().expect("a UTF-8 path"),
            "--endpoint-url",
            emulator.endpoint_url(),
            "--regions",
            "us-east-1,eu-west-1",
            "--reports",
            dir.path().join("recorded").to_str().expect("a UTF-8 path"),
        ],
        &creds,
        &dir.path().join("data-record"),
    );
    let said = String::from_utf8_lossy(&recorded.stdout);
    assert!(said.contains("snapshot of account 123456789012"), "{said}");
    let recorded_report: Value = {
        let reports = std::fs::read_dir(dir.path().join("recorded"))
            .expect("reports")
            .next();
        let path = reports.expect("one report").expect("entry").path();
        serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json")
    };
    drop(emulator);

    // Replay in a fresh data directory, with AWS pointed at a closed port.
    let replayed = lgp(
        &[
            "scan",
            "--snapshot",
            snapshot.to_str().expect("a UTF-8 path"),
            "--format",
            "json",
            "--out",
            dir.path().join("replayed").to_str().expect("a UTF-8 path"),
        ],
        &[
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
            ("AWS_ACCESS_KEY_ID", "none"),
            ("AWS_SECRET_ACCESS_KEY", "none"),
        ],
        &dir.path().join("data-replay"),
    );
    let replayed_report = report(&replayed);
    assert_eq!(replayed_report["scan"]["source"], "snapshot");
    assert_eq!(
        replayed_report["scan"]["counters"]["resources"],
        recorded_report["scan"]["counters"]["resources"]
    );
    assert!(
        replayed_report["scan"]["counters"]["resources"]
            .as_u64()
            .expect("a number")
            >= 200
    );
    assert_eq!(outcomes(&replayed_report), outcomes(&recorded_report));
    assert!(
        replayed_report["scan"]["errors"]
            .as_object()
            .is_none_or(|e| e.is_empty()),
        "nothing failed in the replay: {}",
        replayed_report["scan"]["errors"]
    );
}

#[test]
fn access_denied_on_one_service_is_counted_and_the_scan_completes() {
    let emulator = Emulator::start();
    let (key_id, secret) = policy_reader_denied_bucket_policies(&emulator);

    let dir = tempfile::tempdir().expect("tempdir");
    let out = lgp(
        &[
            "scan",
            "--endpoint-url",
            emulator.endpoint_url(),
            "--regions",
            "us-east-1",
            "--format",
            "json",
            "--out",
            dir.path().join("reports").to_str().expect("a UTF-8 path"),
        ],
        &[
            ("AWS_ACCESS_KEY_ID", key_id.as_str()),
            ("AWS_SECRET_ACCESS_KEY", secret.as_str()),
            ("AWS_REGION", "us-east-1"),
        ],
        &dir.path().join("data"),
    );
    let report = report(&out);
    assert_eq!(report["scan"]["status"], "completed");
    let errors = &report["scan"]["errors"];
    assert_eq!(
        errors["access_denied/s3/us-east-1"], 2,
        "one denied GetBucketPolicy per bucket, counted by category, service and region: {errors}"
    );
    for bucket in ["lgp-denied-one", "lgp-denied-two"] {
        let arn = format!("arn:aws:s3:::{bucket}");
        let policy_check = report["results"]
            .as_array()
            .expect("results")
            .iter()
            .find(|r| {
                r["resource_arn"] == arn.as_str() && r["check_id"] == "s3_bucket_policy_not_public"
            })
            .unwrap_or_else(|| panic!("a policy result for {bucket}"));
        assert_eq!(
            policy_check["status"], "error",
            "the unreadable policy gives an error, never a pass: {policy_check}"
        );
        let encryption = report["results"]
            .as_array()
            .expect("results")
            .iter()
            .find(|r| {
                r["resource_arn"] == arn.as_str() && r["check_id"] == "s3_bucket_default_encryption"
            })
            .unwrap_or_else(|| panic!("an encryption result for {bucket}"));
        assert_ne!(
            encryption["status"], "error",
            "what could be read is evaluated"
        );
    }
}

#[test]
fn the_demo_replays_the_bundled_snapshot_of_a_mixed_account() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = lgp(
        &[
            "scan",
            "--demo",
            "--format",
            "json",
            "--out",
            dir.path().join("r").to_str().expect("a UTF-8 path"),
        ],
        &[("AWS_ENDPOINT_URL", "http://127.0.0.1:9")],
        &dir.path().join("data"),
    );
    let report = report(&out);
    assert_eq!(report["scan"]["source"], "demo");
    assert_eq!(report["scan"]["status"], "completed");
    let resources = report["scan"]["counters"]["resources"]
        .as_u64()
        .expect("a number");
    assert!(
        resources >= 200,
        "the demo account has {resources} resources"
    );
    let rows = outcomes(&report);
    for status in ["pass", "fail"] {
        assert!(
            rows.iter().any(|r| r.2 == status),
            "the demo account has {status} results"
        );
    }
    let regions: std::collections::BTreeSet<&str> = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["region"].as_str())
        .collect();
    assert!(
        regions.contains("us-east-1") && regions.contains("eu-west-1"),
        "{regions:?}"
    );
}

#[tokio::test]
async fn a_collecting_scan_publishes_each_aws_error_once_with_its_count() {
    let emulator = Emulator::start();
    let (key_id, secret) = policy_reader_denied_bucket_policies(&emulator);
    let aws: Arc<dyn AwsApi> = Arc::new(
        LiveAws::new(LiveConfig {
            endpoint_url: Some(emulator.endpoint_url().to_owned()),
            static_credentials: Some((key_id, secret)),
            ..LiveConfig::default()
        })
        .await
        .expect("client"),
    );
    let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime");
    let collector = builtin(&runtime, "collect-s3").await;
    let rules = builtin(&runtime, "rules-s3").await;
    let p = crate::pipeline::platform(std::slice::from_ref(&rules)).await;
    let tenant = lgp_events::TenantId::new("t-aws").expect("tenant");
    let mut live = p.services.bus.live(&tenant);
    let started = lgp_pipeline::Scanner::new(p.services.clone(), p.rules)
        .run_collection(lgp_pipeline::CollectingScan {
            tenant: tenant.clone(),
            account_id: "123456789012".into(),
            source: "live".into(),
            collection: lgp_pipeline::Collection {
                collectors: vec![collector],
                aws,
                regions: vec!["us-east-1".into()],
                concurrency: 2,
            },
        })
        .await
        .expect("the scan runs");
    let mut errors = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(60), async {
        loop {
            let e = live.recv().await.expect("live events");
            if e.event_type == lgp_events::EventType::SystemServiceError {
                errors.push(e.data.clone());
            }
            if e.event_type == lgp_events::EventType::ComplianceScanCompleted {
                return;
            }
        }
    })
    .await
    .expect("the scan completes");
    p.router.shutdown().await;

    assert_eq!(errors.len(), 1, "one event per distinct error: {errors:?}");
    let e = &errors[0];
    assert_eq!(e["component"], "aws");
    assert_eq!(e["category"], "access_denied");
    assert_eq!(e["code"], "AccessDenied");
    assert_eq!(
        (&e["service"], &e["region"]),
        (&"s3".into(), &"us-east-1".into())
    );
    assert_eq!(e["operation"], "GetBucketPolicy");
    assert_eq!(e["count"], 2, "both buckets' denied calls, counted");
    assert_eq!(e["account_id"], "123456789012");
    assert_eq!(started.calls.error_total(), 2);
    let scan = p
        .services
        .store
        .get_scan(&tenant, &started.scan_id)
        .await
        .expect("the scan is stored");
    assert_eq!(scan.errors.get("access_denied/s3/us-east-1"), Some(&2));
}
