//! The built-in rules against the seeded emulator account: a live `lgp scan` must judge every
//! seeded security group, instance, user and policy the way the seed script meant it (its
//! manifest records the intent: which groups are open to the world, which instances require
//! IMDSv2, which users have MFA…), and the whole result set must equal the reviewed
//! expectation in `expected/seeded-results.tsv`.

use crate::emulator::Emulator;
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;

const LGP: &str = env!("CARGO_BIN_EXE_lgp-under-test");

/// `(check_id, resource_arn)` → status of a scan report.
fn statuses(report: &Value) -> BTreeMap<(String, String), String> {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_owned();
            ((s("check_id"), s("resource_arn")), s("status"))
        })
        .collect()
}

/// Whether a manifest `open_to_world` entry exposes `port` (all traffic, or a TCP/UDP range).
fn exposes(entry: &Value, port: i64) -> bool {
    let protocol = entry["protocol"].as_str().unwrap_or_default();
    if protocol == "-1" || protocol == "all" {
        return true;
    }
    let (from, to) = (entry["from_port"].as_i64(), entry["to_port"].as_i64());
    matches!(protocol, "tcp" | "udp" | "6" | "17")
        && from.zip(to).is_some_and(|(f, t)| f <= port && port <= t)
}

fn expect(
    got: &BTreeMap<(String, String), String>,
    check: &str,
    arn: &str,
    fails: bool,
    why: &str,
) {
    let want = if fails { "fail" } else { "pass" };
    let status = got
        .get(&(check.to_owned(), arn.to_owned()))
        .unwrap_or_else(|| panic!("no {check} result for {arn}"));
    assert_eq!(status, want, "{check} on {arn} ({why})");
}

/// The reviewed expectation: every (check, resource, status) of a live scan of the seeded
/// account, one `check<TAB>arn<TAB>status` line each, sorted, the account id written as
/// `{account}`.
const EXPECTED: &str = include_str!("expected/seeded-results.tsv");
const EXPECTED_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/e2e/expected/seeded-results.tsv"
);

/// Asserts that the scan produced exactly the expected results, naming every missing, extra or
/// changed one. `LGP_BLESS=1` rewrites the expectation instead (review its diff before
/// committing it).
fn assert_exact_results(got: &BTreeMap<(String, String), String>, account: &str) {
    let lines: Vec<String> = got
        .iter()
        .map(|((check, arn), status)| {
            format!("{check}\t{}\t{status}", arn.replace(account, "{account}"))
        })
        .collect();
    let actual = lines.join("\n") + "\n";
    if std::env::var_os("LGP_BLESS").is_some() {
        std::fs::write(EXPECTED_PATH, &actual).expect("write the expectation");
        return;
    }
    let want: std::collections::BTreeSet<&str> = EXPECTED.lines().collect();
    let have: std::collections::BTreeSet<&str> = actual.lines().collect();
    let missing: Vec<&&str> = want.difference(&have).collect();
    let extra: Vec<&&str> = have.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "the scan's results differ from {EXPECTED_PATH}\n--- expected, not produced ({}):\n{}\n+++ produced, not expected ({}):\n{}",
        missing.len(),
        missing
            .iter()
            .map(|l| format!("- {l}"))
            .collect::<Vec<_>>()
            .join("\n"),
        extra.len(),
        extra
            .iter()
            .map(|l| format!("+ {l}"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
}

#[test]
fn the_rules_judge_the_seeded_account_as_the_seed_meant_it() {
    let emulator = Emulator::start();
    let manifest = emulator.seed();
    let account = manifest["account_id"].as_str().expect("account");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(LGP)
        .args(["scan", "--endpoint-url", emulator.endpoint_url()])
        .args([
            "--regions",
            "us-east-1,eu-west-1",
            "--format",
            "json",
            "--out",
        ])
        .arg(dir.path().join("reports"))
        .env("LGP_DATA_DIR", dir.path().join("data"))
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("lgp runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let got = statuses(&report);
    assert_exact_results(&got, account);

    for region in ["us-east-1", "eu-west-1"] {
        let ec2 = &manifest["ec2"][region];
        for sg in ec2["security_groups"].as_array().expect("groups") {
            let arn = format!(
                "arn:aws:ec2:{region}:{account}:security-group/{}",
                sg["id"].as_str().expect("id")
            );
            let open = sg["open_to_world"].as_array().expect("list");
            for (check, port) in [
                (
                    "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22",
                    22,
                ),
                (
                    "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389",
                    3389,
                ),
            ] {
                let fails = open.iter().any(|e| exposes(e, port));
                expect(
                    &got,
                    check,
                    &arn,
                    fails,
                    &format!("open to the world: {open:?}"),
                );
            }
        }
        for i in ec2["instances"].as_array().expect("instances") {
            let arn = format!(
                "arn:aws:ec2:{region}:{account}:instance/{}",
                i["id"].as_str().expect("id")
            );
            let required = i["imdsv2_required"].as_bool().expect("bool");
            expect(
                &got,
                "ec2_instance_imdsv2_enabled",
                &arn,
                !required,
                "IMDSv2",
            );
            let secret = i["user_data_secret"].as_bool().expect("bool");
            expect(
                &got,
                "ec2_instance_secrets_user_data",
                &arn,
                secret,
                "a credential in the user data",
            );
        }
        for lt in ec2["launch_templates"]
            .as_array()
            .expect("launch templates")
        {
            let arn = format!(
                "arn:aws:ec2:{region}:{account}:launch-template/{}",
                lt["id"].as_str().expect("id")
            );
            let secret = lt["user_data_secret"].as_bool().expect("bool");
            expect(
                &got,
                "ec2_launch_template_no_secrets",
                &arn,
                secret,
                "a credential in the user data",
            );
        }
    }
    for user in manifest["iam"]["users"].as_array().expect("users") {
        let arn = user["arn"].as_str().expect("arn");
        let console = user["console_password"].as_bool().expect("bool");
        let mfa = user["mfa"].as_bool().expect("bool");
        expect(
            &got,
            "iam_user_mfa_enabled_console_access",
            arn,
            console && !mfa,
            &format!("console password {console}, MFA {mfa}"),
        );
        let active = user["active_access_keys"].as_u64().expect("count");
        expect(
            &got,
            "iam_user_two_active_access_key",
            arn,
            active > 1,
            &format!("{active} active keys"),
        );
    }
    for policy in manifest["iam"]["policies"].as_array().expect("policies") {
        let arn = policy["arn"].as_str().expect("arn");
        let admin = policy["admin"].as_bool().expect("bool");
        expect(
            &got,
            "iam_policy_no_administrative_privileges",
            arn,
            admin,
            "grants *:*",
        );
    }
}
