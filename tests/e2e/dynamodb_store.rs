//! `lgp` on the DynamoDB store (moto's emulator): `lgp store init` creates the tables and is
//! safe to run again, and `lgp scan --demo` with `LGP_STORE=dynamodb` finds exactly what it finds
//! on the embedded store, and again on a second scan over the stored results.
//! The store's own behavioural suite runs in the lgp-store-dynamodb crate's tests.

use crate::emulator::Emulator;
use crate::support::stdout_of_success;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

const LGP: &str = env!("CARGO_BIN_EXE_lgp-under-test");

/// Runs `lgp args` with `env`, asserting success; returns stdout.
fn lgp(args: &[&str], data_dir: &Path, env: &[(&str, &str)]) -> String {
    let out = Command::new(LGP)
        .args(args)
        .env("LGP_DATA_DIR", data_dir)
        .env_remove("LGP_TENANT")
        .env_remove("LGP_STORE")
        .env_remove("LGP_REDIS_URL")
        .envs(env.iter().copied())
        .output()
        .expect("lgp runs");
    stdout_of_success(args, out)
}

/// The findings of a JSON report, comparable across runs: check, resource, status, message.
fn findings(report: &str) -> (Value, Vec<(String, String, String, String)>) {
    let report: Value = serde_json::from_str(report).expect("a JSON report");
    let mut rows: Vec<_> = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let field = |name: &str| r[name].as_str().unwrap_or_default().to_owned();
            (
                field("check_id"),
                field("resource_arn"),
                field("status"),
                field("message"),
            )
        })
        .collect();
    rows.sort();
    (report["totals"].clone(), rows)
}

#[test]
fn demo_scan_on_dynamodb_finds_what_the_embedded_store_finds() {
    let moto = Emulator::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let dynamo = [
        ("LGP_STORE", "dynamodb"),
        ("LGP_DYNAMODB_ENDPOINT", moto.endpoint_url()),
        ("LGP_TABLE_PREFIX", "e2e"),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_REGION", "us-east-1"),
    ];
    let data = dir.path().join("dynamo-data");
    let init = lgp(&["store", "init"], &data, &dynamo);
    assert!(init.contains("e2e-*"), "{init}");
    lgp(&["store", "init"], &data, &dynamo);

    let scan = |data: &Path, env: &[(&str, &str)]| {
        let out = dir.path().join("reports");
        lgp(
            &[
                "scan",
                "--demo",
                "--format",
                "json",
                "--out",
                out.to_str().expect("utf-8 path"),
            ],
            data,
            env,
        )
    };
    let on_dynamo = findings(&scan(&data, &dynamo));
    let embedded = findings(&scan(&dir.path().join("sqlite-data"), &[]));
    assert!(!on_dynamo.1.is_empty(), "the demo scan finds results");
    assert_eq!(on_dynamo, embedded, "DynamoDB and SQLite find the same");

    // A second scan over the stored results finds the same.
    let again = findings(&scan(&data, &dynamo));
    assert_eq!(again, on_dynamo);
}
