//! The CSV, HTML and OCSF reports of the fixture.

use super::*;
use crate::csv::COLUMNS;
use serde_json::{Value, json};

/// Reads RFC 4180 text into records, checking that quoting is well formed.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => {
                assert!(
                    field.is_empty(),
                    "a quote inside an unquoted field: {field}"
                );
                quoted = true;
            }
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, '\n') => panic!("a bare LF ends a record"),
            (false, c) => field.push(c),
        }
    }
    assert!(
        !quoted && field.is_empty() && record.is_empty(),
        "text ends mid-record"
    );
    records
}

#[test]
fn csv_has_a_header_and_one_row_per_result() {
    let reports = render_fixture(true);
    let records = parse_csv(&reports.csv);
    assert_eq!(records.len(), 1 + 11);
    assert_eq!(
        reports.csv.lines().next(),
        Some(
            "check_id,check_title,service,severity,status,muted,resource_arn,account,region,\
             message,remediation,frameworks,equivalents,first_seen,previous_status,scan_id"
        )
    );
    assert_eq!(records[0], COLUMNS);
    assert!(records.iter().all(|r| r.len() == COLUMNS.len()));
    let col = |name: &str| COLUMNS.iter().position(|c| *c == name).expect("column");
    let row = &records[4];
    assert_eq!(row[col("check_id")], ENCRYPTION);
    assert_eq!(
        row[col("message")],
        HOSTILE,
        "quoted and unquoted back intact"
    );
    assert_eq!(row[col("frameworks")], "cis-aws-3.0:2.1.2;aws-fsbp:S3.4");
    assert_eq!(
        row[col("equivalents")],
        "prowler:s3_bucket_default_encryption;security-hub:S3.4"
    );
    assert_eq!(row[col("previous_status")], "pass");
    assert_eq!(row[col("muted")], "false");
    assert_eq!(row[col("scan_id")], SCAN);
    assert_eq!(records[7][col("previous_status")], "");
}

#[test]
fn csv_neutralizes_spreadsheet_formulas() {
    let reports = render_fixture(true);
    let records = parse_csv(&reports.csv);
    let message = COLUMNS
        .iter()
        .position(|c| *c == "message")
        .expect("column");
    assert_eq!(records[7][message], format!("'{FORMULA}"));
    assert_eq!(records[3][message], "'-could not read");
    assert!(
        reports
            .csv
            .contains(",\"'=HYPERLINK(\"\"evil\"\";\"\"click\"\")\","),
        "quoted after the apostrophe: {}",
        reports.csv
    );
}

#[test]
fn html_has_the_four_charts_and_every_section() {
    let html = render_fixture(true).html;
    for chart in [
        "posture-by-framework",
        "failures-by-severity",
        "failures-by-service",
        "trend",
    ] {
        let tag = format!("<svg class=\"chart\" data-chart=\"{chart}\" role=\"img\" aria-label=\"");
        let at = html
            .find(&tag)
            .unwrap_or_else(|| panic!("chart {chart} missing"));
        let svg = &html[at..at + html[at..].find("</svg>").expect("closed svg")];
        assert!(svg.contains("<title>"), "{chart} has a title");
    }
    for id in [
        "posture", "failures", "trend", "controls", "failing", "errors", "diff",
    ] {
        assert!(
            html.contains(&format!("<section id=\"{id}\">")),
            "section {id}"
        );
    }
    assert!(html.contains("@media print"));
    assert!(
        html.contains("33.3% (previous 0.0%)"),
        "score with its trend"
    );
    assert!(html.trim_end().ends_with("</html>"));
}

#[test]
fn html_escapes_hostile_text_and_fetches_nothing() {
    let html = render_fixture(true).html;
    assert!(!html.contains("<script"), "no script at all");
    assert!(html.contains(
        "Bucket &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;, unencrypted"
    ));
    assert!(html.contains("put-bucket-encryption --bucket &lt;name&gt;"));
    for external in ["src=", "href=\"http", "href='http", "url(", "@import"] {
        assert!(!html.contains(external), "{external} in the page");
    }
    assert!(
        html.contains("https://docs.example/s3-encryption"),
        "links shown as text"
    );
}

#[test]
fn ocsf_has_one_compliance_finding_per_result() {
    let reports = render_fixture(true);
    let events: Vec<Value> = serde_json::from_str(&reports.ocsf).expect("the OCSF report parses");
    assert_eq!(events.len(), 11);
    for e in &events {
        assert_eq!(
            (
                &e["class_uid"],
                &e["category_uid"],
                &e["activity_id"],
                &e["type_uid"]
            ),
            (&json!(2003), &json!(2), &json!(1), &json!(200301))
        );
        assert_eq!(e["metadata"]["version"], "1.3.0");
        assert_eq!(e["metadata"]["product"]["vendor_name"], "LG-Protect");
        assert_eq!(e["time"], json!(1_772_359_500_000_i64), "the scan's end");
    }
    let severity = |i: usize| {
        (
            events[i]["severity_id"].clone(),
            events[i]["severity"].clone(),
        )
    };
    assert_eq!(severity(0), (json!(3), json!("Medium")));
    assert_eq!(severity(3), (json!(4), json!("High")));
    let status = |i: usize| {
        (
            events[i]["status_id"].clone(),
            events[i]["status_code"].clone(),
            events[i]["compliance"]["status_id"].clone(),
        )
    };
    assert_eq!(status(0), (json!(1), json!("FAIL"), json!(3)));
    assert_eq!(status(1), (json!(4), json!("PASS"), json!(1)));
    assert_eq!(status(2), (json!(1), json!("ERROR"), json!(2)));
    assert_eq!(
        status(4),
        (json!(3), json!("FAIL"), json!(3)),
        "muted: suppressed"
    );
    assert_eq!(status(9), (json!(1), json!("MANUAL"), json!(99)));
    let enc = &events[3];
    assert_eq!(
        enc["compliance"]["standards"],
        json!(["cis-aws-3.0", "aws-fsbp"])
    );
    assert_eq!(
        enc["compliance"]["requirements"],
        json!(["cis-aws-3.0:2.1.2", "aws-fsbp:S3.4"])
    );
    assert_eq!(enc["resources"][0]["uid"], arn("bucket-a"));
    assert_eq!(enc["resources"][0]["type"], "aws:s3:bucket");
    assert_eq!(enc["cloud"]["account"]["uid"], ACCOUNT);
    assert_eq!(enc["unmapped"]["evidence"], json!({"resource": "bucket-a"}));
    assert_eq!(enc["message"], HOSTILE);
}

#[test]
fn ocsf_finding_ids_are_stable_across_scans_and_event_ids_are_not() {
    let first: Vec<Value> = serde_json::from_str(&render_fixture(true).ocsf).expect("first report");
    let mut later = inputs(true);
    later.scan.scan_id = "01JSCAN0000000000000000003".into();
    let mut sinks: Sinks<Vec<u8>> = Sinks::default();
    let source = MemorySource::default().with(&later.scan.scan_id, current());
    render(&later, &source, &mut sinks).expect("render");
    let second: Vec<Value> = serde_json::from_slice(&sinks.ocsf).expect("second report");
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a["finding_info"]["uid"], b["finding_info"]["uid"]);
        assert_ne!(a["metadata"]["uid"], b["metadata"]["uid"]);
    }
    let uids: std::collections::BTreeSet<&str> = first
        .iter()
        .filter_map(|e| e["finding_info"]["uid"].as_str())
        .collect();
    assert_eq!(uids.len(), first.len(), "one finding per check × resource");
}
