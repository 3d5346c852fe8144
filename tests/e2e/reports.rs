//! The report plugin's reports as a user gets them from `lgp scan --format …`, each checked by an
//! independent implementation: the JSON against its published schema (Python's `jsonschema`),
//! the OCSF findings with `py-ocsf-models` (the models AWS-security tooling uses), the CSV with
//! Python's `csv` reader, and the HTML in headless Chromium (no console errors, no external
//! requests, the four charts drawn; the screenshot is kept under the target directory's
//! `test-artifacts/`). A validator whose toolchain cannot be installed skips its check with the
//! reason (tests/support/install-report-tools.sh installs them).

use crate::support::stdout_of_success;
use lgp_events::{EventType, TenantId};
use lgp_store::{EventFilter, PageRequest, ResultFilter, SqliteStore, Store};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const LGP: &str = env!("CARGO_BIN_EXE_lgp-under-test");

/// The repository root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Where checks keep what a person may want to look at after the run.
fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../test-artifacts");
    std::fs::create_dir_all(&dir).expect("artifact directory");
    dir
}

fn scan(data: &Path, out: &Path) -> Value {
    let args = [
        "scan",
        "--demo",
        "--format",
        "json,csv,html,ocsf",
        "--out",
        out.to_str().expect("utf-8 path"),
    ];
    let output = Command::new(LGP)
        .args(args)
        .env("LGP_DATA_DIR", data)
        .env_remove("LGP_TENANT")
        .output()
        .expect("lgp runs");
    serde_json::from_str(&stdout_of_success(&args, output)).expect("the JSON report on stdout")
}

/// Runs an external validator; `None` when it says its toolchain is missing (exit 3), after
/// printing why the check is skipped.
fn validator(what: &str, command: &mut Command) -> Option<Output> {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{what} cannot start: {e}"));
    if out.status.code() == Some(3) {
        println!(
            "SKIPPED {what}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    Some(out)
}

fn assert_passed(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn python(script: &str, args: &[&Path]) -> Command {
    let mut c = Command::new("python3");
    c.arg("-c").arg(script).args(args);
    c
}

/// Validates `report` against docs/report.schema.json with Python's `jsonschema`.
fn validate_json(report: &Path) {
    const SCRIPT: &str = r#"
import json, sys
try:
    import jsonschema
except ImportError:
    print("python's jsonschema is not installed"); sys.exit(3)
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(json.load(open(sys.argv[2]))), key=str)
for e in errors[:20]:
    print(list(e.absolute_path), e.message)
sys.exit(1 if errors else 0)
"#;
    let schema = root().join("docs/report.schema.json");
    if let Some(out) = validator("JSON schema check", &mut python(SCRIPT, &[&schema, report])) {
        assert_passed("the JSON report's schema validation", &out);
    }
}

/// Data rows of a CSV file, read by Python's `csv` module (quoting, embedded newlines), and its
/// header.
fn csv_rows(path: &Path) -> (Vec<String>, usize) {
    const SCRIPT: &str = r#"
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
print(json.dumps({"header": rows[0], "rows": len(rows) - 1}))
"#;
    let out = python(SCRIPT, &[path]).output().expect("python3 runs");
    assert_passed("reading the CSV report", &out);
    let v: Value = serde_json::from_slice(&out.stdout).expect("the reader's JSON");
    let header = v["header"]
        .as_array()
        .expect("header")
        .iter()
        .map(|h| h.as_str().expect("column name").to_owned())
        .collect();
    (header, v["rows"].as_u64().expect("row count") as usize)
}

fn report_file(out: &Path, scan_id: &str, suffix: &str) -> PathBuf {
    let path = out.join(format!("scan-{scan_id}.{suffix}"));
    assert!(path.is_file(), "{} was not written", path.display());
    path
}

#[tokio::test]
async fn every_report_format_holds_every_result_and_passes_its_independent_check() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let out = dir.path().join("reports");
    let first = scan(&data, &out);
    let report = scan(&data, &out);
    let scan_id = report["scan"]["scan_id"]
        .as_str()
        .expect("scan id")
        .to_owned();

    // JSON: every stored result of the scan, and the diff against the first scan.
    let results = report["results"].as_array().expect("results");
    let store = SqliteStore::open(data.join("lgp.db")).expect("the scan's store");
    let tenant = TenantId::new("local").expect("tenant");
    let filter = ResultFilter {
        scan_id: Some(scan_id.clone()),
        ..ResultFilter::default()
    };
    let mut page = PageRequest::first(lgp_store::MAX_PAGE);
    let mut stored = 0;
    loop {
        let got = store
            .list_results(&tenant, &filter, &page)
            .await
            .expect("results");
        stored += got.items.len();
        match got.next {
            Some(next) => page.cursor = Some(next),
            None => break,
        }
    }
    assert!(!results.is_empty());
    assert_eq!(
        results.len(),
        stored,
        "the report holds every stored result"
    );
    assert_eq!(
        report["previous_scan"]["scan_id"], first["scan"]["scan_id"],
        "the second scan's report compares with the first"
    );
    let failing = results
        .iter()
        .filter(|r| r["status"] == "fail" && r["muted"] == false)
        .count();
    assert_eq!(
        report["diff"]["still_failing"]
            .as_array()
            .expect("still failing")
            .len(),
        failing,
        "nothing changed between the two scans of the same snapshot"
    );
    assert_eq!(report["diff"]["new_failures"], Value::Array(Vec::new()));
    assert!(
        report["frameworks"]
            .as_array()
            .expect("frameworks")
            .iter()
            .any(|f| f["id"] == "cis-aws-3.0"),
        "the CIS benchmark the checks map to is reported"
    );
    // Both reports, with and without a previous scan, keep to the published schema.
    validate_json(&report_file(&out, &scan_id, "json"));
    let first_id = first["scan"]["scan_id"].as_str().expect("scan id");
    validate_json(&report_file(&out, first_id, "json"));
    assert_eq!(first["previous_scan"], Value::Null);

    // CSV: one row per result, in the documented column order.
    let (header, rows) = csv_rows(&report_file(&out, &scan_id, "csv"));
    assert_eq!(rows, results.len(), "one CSV row per result");
    assert_eq!(
        &header[..4],
        ["check_id", "check_title", "service", "severity"]
    );

    // OCSF: one Compliance Finding per result, valid for py-ocsf-models.
    let ocsf_path = report_file(&out, &scan_id, "ocsf.json");
    let ocsf: Value =
        serde_json::from_slice(&std::fs::read(&ocsf_path).expect("OCSF report")).expect("JSON");
    assert_eq!(ocsf.as_array().expect("an array").len(), results.len());
    let validate = root().join("tests/support/ocsf_validate.py");
    let mut command = Command::new("python3");
    command.arg(&validate).arg(&ocsf_path);
    if let Some(out) = validator("OCSF validation", &mut command) {
        assert_passed("py-ocsf-models validation", &out);
    }

    // HTML: opens in headless Chromium without errors or external requests, charts drawn.
    let html = report_file(&out, &scan_id, "html");
    let shot = artifacts().join("report.png");
    let mut command = Command::new("node");
    command
        .arg(root().join("tests/support/browser/html_check.mjs"))
        .arg(&html)
        .arg(&shot)
        .arg("--expect-charts")
        .arg("posture-by-framework,failures-by-severity,failures-by-service,trend");
    if let Some(out) = validator("HTML check in Chromium", &mut command) {
        assert_passed("the HTML report in headless Chromium", &out);
        assert!(shot.is_file(), "the screenshot was kept");
    }

    // The plugin announced each scan's reports once.
    let generated = store
        .list_events(
            &tenant,
            &EventFilter {
                event_type: Some(EventType::ReportGenerated),
                correlation_id: Some(scan_id.clone()),
                since: None,
            },
            &PageRequest::first(10),
        )
        .await
        .expect("events");
    assert_eq!(generated.items.len(), 1, "one report.generated per scan");
}
