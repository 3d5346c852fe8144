//! The JSON report: its aggregates, diff and results, and its schema.

use super::*;
use serde_json::{Value, json};

fn pairs(v: &Value) -> Vec<(String, String, Option<String>)> {
    v.as_array()
        .expect("a list of pairs")
        .iter()
        .map(|p| {
            (
                p["check_id"].as_str().unwrap_or_default().to_owned(),
                p["resource_arn"].as_str().unwrap_or_default().to_owned(),
                p.get("reason").and_then(Value::as_str).map(str::to_owned),
            )
        })
        .collect()
}

fn pair(check: &str, name: &str, reason: Option<&str>) -> (String, String, Option<String>) {
    (check.to_owned(), arn(name), reason.map(str::to_owned))
}

#[test]
fn json_report_counts_results_totals_and_muted_apart() {
    let r = json(&render_fixture(true));
    assert_eq!(r["schema_version"], "2");
    assert_eq!(r["results"].as_array().map(Vec::len), Some(11));
    assert_eq!(
        r["totals"],
        json!({"pass": 4, "fail": 3, "error": 1, "manual": 1})
    );
    assert_eq!(r["muted"], 2);
    assert_eq!(
        r["by_severity"],
        json!({"critical": 0, "high": 2, "medium": 1, "low": 0, "informational": 0})
    );
    assert_eq!(r["by_service"], json!({"ec2": 1, "s3": 2}));
    assert_eq!(
        r["errors_by_category"],
        json!({"categories": {"access_denied": 2}, "results_by_check": {EBS: 1}})
    );
    assert_eq!(r["scan"]["scan_id"], SCAN);
    assert_eq!(r["scan"]["counters"]["muted"], 2);
    assert_eq!(r["previous_scan"]["scan_id"], PREVIOUS);
}

#[test]
fn json_report_keeps_results_in_query_order_last() {
    let reports = render_fixture(true);
    let r = json(&reports);
    let order: Vec<(&str, &str)> = r["results"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|x| {
            (
                x["check_id"].as_str().unwrap_or_default(),
                x["resource_arn"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = current()
        .into_iter()
        .map(|x| (x.check_id, x.resource_arn))
        .collect();
    let expected: Vec<(&str, &str)> = expected
        .iter()
        .map(|(c, a)| (c.as_str(), a.as_str()))
        .collect();
    assert_eq!(order, expected);
    assert!(
        reports.json.rfind("\"results\"") > reports.json.rfind("\"diff\""),
        "results come last"
    );
    let first = &r["results"][3];
    assert_eq!(first["title"], "S3 buckets are encrypted");
    assert_eq!(first["message"], HOSTILE);
    assert_eq!(first["previous_status"], "pass");
    assert_eq!(first["evidence"], json!({"resource": "bucket-a"}));
    assert_eq!(
        first["equivalents"],
        json!([{"tool": "prowler", "id": ENCRYPTION}, {"tool": "security-hub", "id": "S3.4"}])
    );
    assert_eq!(r["results"][2]["evidence"], json!({"unparsed": "not json"}));
    assert_eq!(r["results"][5]["evidence"], json!({}));
    assert_eq!(r["results"][6]["previous_status"], Value::Null);
}

#[test]
fn diff_lists_new_resolved_and_still_failing_exactly() {
    let r = json(&render_fixture(true));
    let diff = &r["diff"];
    assert_eq!(diff["previous_scan_id"], PREVIOUS);
    assert_eq!(diff["previous_started_at"], "2026-02-01T10:00:00Z");
    assert_eq!(
        pairs(&diff["new_failures"]),
        [
            pair(ENCRYPTION, "bucket-a", None),
            pair(ENCRYPTION, "bucket-d", None)
        ]
    );
    assert_eq!(pairs(&diff["still_failing"]), [pair(EBS, "vol-1", None)]);
    assert_eq!(
        pairs(&diff["resolved"]),
        [
            pair(EBS, "vol-2", Some("passed")),
            pair(ENCRYPTION, "bucket-b", Some("muted")),
            pair(VERSIONING, "bucket-b", Some("other")),
            pair(ROOT_MFA, "root", Some("other")),
            pair(VERSIONING, "bucket-gone", Some("resource_removed")),
        ]
    );
}

#[test]
fn without_a_previous_scan_every_failure_is_new() {
    let reports = render_fixture(false);
    let r = json(&reports);
    assert_eq!(r["previous_scan"], Value::Null);
    assert_eq!(r["diff"]["previous_scan_id"], Value::Null);
    assert_eq!(
        pairs(&r["diff"]["new_failures"]),
        [
            pair(EBS, "vol-1", None),
            pair(ENCRYPTION, "bucket-a", None),
            pair(ENCRYPTION, "bucket-d", None)
        ]
    );
    assert_eq!(r["diff"]["resolved"], json!([]));
    assert_eq!(r["diff"]["still_failing"], json!([]));
    for result in r["results"].as_array().into_iter().flatten() {
        assert_eq!(result["previous_status"], Value::Null);
    }
    for f in r["frameworks"].as_array().into_iter().flatten() {
        assert_eq!(f["previous_score"], Value::Null);
    }
    assert_eq!(
        reports.rendered.posture,
        [
            ("aws-fsbp".to_owned(), Some(50.0)),
            ("cis-aws-3.0".to_owned(), Some(33.3))
        ]
    );
}

#[test]
fn posture_scores_controls_now_and_at_the_previous_scan() {
    let reports = render_fixture(true);
    let r = json(&reports);
    let frameworks = r["frameworks"].as_array().expect("frameworks");
    let ids: Vec<&str> = frameworks.iter().filter_map(|f| f["id"].as_str()).collect();
    assert_eq!(
        ids,
        ["aws-fsbp", "cis-aws-3.0"],
        "referenced only, catalogue order"
    );
    let (fsbp, cis) = (&frameworks[0], &frameworks[1]);
    assert_eq!(
        (fsbp["score"].as_f64(), fsbp["previous_score"].as_f64()),
        (Some(50.0), Some(25.0))
    );
    assert_eq!(
        (cis["score"].as_f64(), cis["previous_score"].as_f64()),
        (Some(33.3), Some(0.0))
    );
    let statuses = |f: &Value| -> Vec<(String, String, Value)> {
        f["controls"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                (
                    c["id"].as_str().unwrap_or_default().to_owned(),
                    c["status"].as_str().unwrap_or_default().to_owned(),
                    c["previous_status"].clone(),
                )
            })
            .collect()
    };
    let s = |id: &str, now: &str, then: Value| (id.to_owned(), now.to_owned(), then);
    assert_eq!(
        statuses(cis),
        [
            s("1.5", "not_evaluated", json!("fail")),
            s("2.1.1", "pass", json!("fail")),
            s("2.1.2", "fail", json!("fail")),
            s("2.2.1", "fail", json!("fail")),
            s("3.1", "manual", Value::Null),
        ]
    );
    assert_eq!(
        statuses(fsbp),
        [
            s("EC2.3", "fail", json!("fail")),
            s("EC2.9", "manual", Value::Null),
            s("S3.4", "fail", json!("fail")),
            s("S3.8", "pass", json!("pass")),
            s("S3.14", "pass", json!("fail")),
        ]
    );
    assert_eq!(
        cis["controls"][1]["results"],
        json!({"pass": 1, "fail": 0, "muted": 1, "manual": 1, "error": 0})
    );
    assert_eq!(cis["controls"][2]["checks"], json!([ENCRYPTION]));
    assert_eq!(
        cis["control_status"],
        json!({"pass": 1, "fail": 2, "muted": 0, "manual": 1, "error": 0, "not_evaluated": 1})
    );
    assert_eq!(
        reports.rendered.posture,
        [
            ("aws-fsbp".to_owned(), Some(50.0)),
            ("cis-aws-3.0".to_owned(), Some(33.3))
        ]
    );
}

#[test]
fn failures_are_grouped_by_check_with_remediation() {
    let r = json(&render_fixture(true));
    let failures = r["failures"].as_array().expect("failures");
    assert_eq!(failures.len(), 2);
    assert_eq!(failures[0]["check_id"], EBS);
    assert_eq!(
        failures[0]["resources"],
        json!([{"resource_arn": arn("vol-1"), "region": "eu-west-1",
                "message": "Volume vol-1 is not encrypted."}])
    );
    let enc = &failures[1];
    assert_eq!(enc["check_id"], ENCRYPTION);
    assert_eq!(enc["severity"], "high");
    assert_eq!(enc["service"], "s3");
    assert_eq!(
        enc["remediation"],
        json!({"text": "Turn on default encryption.",
               "cli": "aws s3api put-bucket-encryption --bucket <name> ...",
               "console": null, "url": "https://docs.example/s3-encryption"})
    );
    let arns: Vec<&str> = enc["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x["resource_arn"].as_str())
        .collect();
    assert_eq!(arns, [arn("bucket-a"), arn("bucket-d")]);
}

#[test]
fn checks_and_frameworks_missing_from_the_catalogue_still_render() {
    let mut inputs = inputs(true);
    let mut checks = checks();
    checks.push(
        CheckMeta::new("zz_custom_check", "Custom", Severity::Low).reference("custom-fw", "C1"),
    );
    inputs.catalog = Catalog::new(checks, frameworks());
    let mut results = current();
    results.push(result("zz_orphan_check", "bucket-a", FAIL, None, "Orphan."));
    let source = MemorySource::default().with(SCAN, results);
    let mut sinks: Sinks<Vec<u8>> = Sinks::default();
    render(&inputs, &source, &mut sinks).expect("render");
    let r: Value = serde_json::from_slice(&sinks.json).expect("the JSON report parses");
    let ids: Vec<&str> = r["frameworks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        ["aws-fsbp", "cis-aws-3.0", "custom-fw"],
        "unknown framework last"
    );
    assert_eq!(r["frameworks"][2]["controls"][0]["status"], "not_evaluated");
    assert_eq!(
        r["results"][11]["title"], "zz_orphan_check",
        "the id stands in for a title"
    );
    assert_eq!(r["failures"][2]["check_id"], "zz_orphan_check");
    assert_eq!(r["failures"][2]["severity"], "low", "the result's severity");
}
