//! `lgp mute` as a user runs it: bad rules are refused with a message naming the problem, a
//! stored rule mutes the demo scan's matching results (kept in the report, counted apart), and
//! removing it is final.

use crate::support::stdout_of_success;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const LGP: &str = env!("CARGO_BIN_EXE_lgp-under-test");

fn lgp(args: &[&str], data_dir: &Path) -> Output {
    Command::new(LGP)
        .args(args)
        .env("LGP_DATA_DIR", data_dir)
        .env_remove("LGP_TENANT")
        .output()
        .expect("lgp runs")
}

fn ok(args: &[&str], data_dir: &Path) -> String {
    stdout_of_success(args, lgp(args, data_dir))
}

fn refused(args: &[&str], data_dir: &Path) -> String {
    let out = lgp(args, data_dir);
    assert!(!out.status.success(), "lgp {args:?} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn bad_rules_are_refused_and_a_rule_mutes_the_demo_scan_until_removed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let base = ["mute", "add", "--reason", "accepted", "--owner", "sec"];
    for (extra, message) in [
        (
            &["--resource", "www-bucket"][..],
            "invalid resource pattern \"www-bucket\"",
        ),
        (
            &["--check", "s3_[bucket"],
            "invalid check pattern \"s3_[bucket\"",
        ),
        (
            &["--account", "production"],
            "invalid account pattern \"production\"",
        ),
        (&["--check", "*"], "would mute every result"),
        (
            &["--check", "s3_*", "--expires", "next week"],
            "invalid expiry \"next week\"",
        ),
        (
            &["--check", "s3_*", "--expires", "2020-01-01"],
            "not in the future",
        ),
        (
            &["--check", "s3_*", "--tag", "env"],
            "--tag \"env\" is not KEY=VALUE-PATTERN",
        ),
    ] {
        let args: Vec<&str> = base.iter().copied().chain(extra.iter().copied()).collect();
        let err = refused(&args, &data);
        assert!(err.contains(message), "{args:?}: {err}");
    }
    let err = refused(&["mute", "add", "--check", "s3_*", "--owner", "sec"], &data);
    assert!(err.contains("--reason"), "{err}");
    assert_eq!(
        ok(&["mute", "list", "--format", "json"], &data).trim(),
        "[]",
        "nothing refused was stored"
    );

    let added: Value = serde_json::from_str(&ok(
        &[
            "mute",
            "add",
            "--check",
            "s3_bucket_versioning_enabled,s3_bucket_mfa_delete_enabled",
            "--resource",
            "arn:aws:s3:::*",
            "--reason",
            "backups are replicated elsewhere",
            "--owner",
            "storage-team",
            "--expires",
            "2099-12-31",
            "--format",
            "json",
        ],
        &data,
    ))
    .expect("the added rule as JSON");
    let id = added["id"].as_str().expect("id").to_owned();
    assert_eq!(added["expires_at"], "2100-01-01T00:00:00Z");
    let listed: Value =
        serde_json::from_str(&ok(&["mute", "list", "--format", "json"], &data)).expect("json");
    assert_eq!(listed[0]["id"], id.as_str());

    let out = dir.path().join("reports");
    let report: Value = serde_json::from_str(&ok(
        &[
            "scan",
            "--demo",
            "--format",
            "json",
            "--out",
            out.to_str().expect("utf-8 path"),
        ],
        &data,
    ))
    .expect("the JSON report");
    let results = report["results"].as_array().expect("results");
    let muted: Vec<&Value> = results.iter().filter(|r| r["muted"] == true).collect();
    assert!(!muted.is_empty(), "the demo account has buckets");
    for r in results {
        let check = r["check_id"].as_str().unwrap_or_default();
        let should = matches!(
            check,
            "s3_bucket_versioning_enabled" | "s3_bucket_mfa_delete_enabled"
        );
        assert_eq!(
            r["muted"] == true,
            should,
            "{check} on {}",
            r["resource_arn"]
        );
    }
    assert_eq!(report["muted"], muted.len());
    let counted: u64 = report["totals"]
        .as_object()
        .expect("totals")
        .values()
        .filter_map(Value::as_u64)
        .sum();
    assert_eq!(counted as usize + muted.len(), results.len());
    assert_eq!(report["scan"]["counters"]["muted"], muted.len());

    let removed = ok(&["mute", "remove", &id], &data);
    assert!(removed.contains(&id), "{removed}");
    assert_eq!(
        ok(&["mute", "list", "--format", "json"], &data).trim(),
        "[]"
    );
    let err = refused(&["mute", "remove", &id], &data);
    assert!(err.contains(&format!("no mute rule {id:?}")), "{err}");
}
