//! The engine over a hand-built scan: eleven results of four checks mapped to two frameworks,
//! with every status, mutes, previous outcomes, disappeared resources and hostile text; plus a
//! generated 100,000-result scan streamed into counting sinks.
//!
//! Expected values, worked out by hand (unmuted statuses; muted counted apart):
//!
//! | # | check | resource | now | previous | diff |
//! |---|---|---|---|---|---|
//! | 1 | ec2_ebs_volume_encryption | vol-1 | fail | fail | still failing |
//! | 2 | ec2_ebs_volume_encryption | vol-2 | pass | fail | resolved: passed |
//! | 3 | ec2_ebs_volume_encryption | vol-3 | error | — | |
//! | 4 | s3_bucket_default_encryption | bucket-a | fail | pass | new |
//! | 5 | s3_bucket_default_encryption | bucket-b | fail, muted | fail | resolved: muted |
//! | 6 | s3_bucket_default_encryption | bucket-c | pass | — | |
//! | 7 | s3_bucket_default_encryption | bucket-d | fail | — | new |
//! | 8 | s3_bucket_public_access | bucket-a | pass | pass | |
//! | 9 | s3_bucket_versioning | bucket-a | pass | pass | |
//! | 10 | s3_bucket_versioning | bucket-b | manual | fail | resolved: other |
//! | 11 | s3_bucket_versioning | bucket-c | pass, muted | — | |
//!
//! Only the previous scan saw: `iam_root_mfa` on the root (fail; its check stopped answering:
//! resolved, other), `s3_bucket_versioning` on bucket-gone (fail, resource removed: resolved,
//! resource_removed) and on bucket-old (pass).
//!
//! Controls now — cis-aws-3.0: 1.5 not evaluated (iam_root_mfa has no result), 2.1.1 pass
//! (versioning), 2.1.2 fail (encryption), 2.2.1 fail (ebs), 3.1 manual (no check): 1 of 3
//! decided passes, 33.3. aws-fsbp: EC2.3 fail, S3.4 fail, S3.8 pass, S3.14 pass, EC2.9 manual:
//! 50.0. Previously — cis: 1.5 fail (root), 2.1.1 fail (#10, bucket-gone), 2.1.2 fail (#5),
//! 2.2.1 fail (#1, #2): 0.0; fsbp: EC2.3 fail, S3.4 fail, S3.8 pass, S3.14 fail: 25.0.

mod formats;
mod report;
mod scale;

use crate::catalog::Catalog;
use crate::engine::{Rendered, Sinks, render};
use crate::source::MemorySource;
use crate::summary::Inputs;
use lgp_sdk::handler::query::{Control, Framework, PriorOutcome, ScanResult, ScanSummary};
use lgp_sdk::{CheckMeta, Remediation, Severity, Status};

const SCAN: &str = "01JSCAN0000000000000000002";
const PREVIOUS: &str = "01JSCAN0000000000000000001";
const ACCOUNT: &str = "111122223333";
const EBS: &str = "ec2_ebs_volume_encryption";
const ENCRYPTION: &str = "s3_bucket_default_encryption";
const PUBLIC: &str = "s3_bucket_public_access";
const VERSIONING: &str = "s3_bucket_versioning";
const ROOT_MFA: &str = "iam_root_mfa";
/// A message an attacker controls (it comes from a resource's name).
const HOSTILE: &str = "Bucket <script>alert(\"x\")</script> & 'co', unencrypted";
/// A message a spreadsheet would run as a formula.
const FORMULA: &str = "=HYPERLINK(\"evil\";\"click\")";

fn arn(name: &str) -> String {
    if let Some(vol) = name.strip_prefix("vol-") {
        format!("arn:aws:ec2:eu-west-1:{ACCOUNT}:volume/vol-{vol}")
    } else if name == "root" {
        format!("arn:aws:iam::{ACCOUNT}:root")
    } else {
        format!("arn:aws:s3:::{name}")
    }
}

fn checks() -> Vec<CheckMeta> {
    vec![
        CheckMeta::new(EBS, "EBS volumes are encrypted", Severity::Medium)
            .service("ec2")
            .resource_kind("aws:ec2:volume")
            .remediation(Remediation::new("Encrypt the volume.").url("https://docs.example/ebs"))
            .reference("cis-aws-3.0", "2.2.1")
            .reference("aws-fsbp", "EC2.3"),
        CheckMeta::new(ROOT_MFA, "Root account has MFA", Severity::Critical)
            .service("iam")
            .reference("cis-aws-3.0", "1.5"),
        CheckMeta::new(ENCRYPTION, "S3 buckets are encrypted", Severity::High)
            .description("Checks default encryption.")
            .service("s3")
            .resource_kind("aws:s3:bucket")
            .remediation(
                Remediation::new("Turn on default encryption.")
                    .cli("aws s3api put-bucket-encryption --bucket <name> ...")
                    .url("https://docs.example/s3-encryption"),
            )
            .reference("cis-aws-3.0", "2.1.2")
            .reference("aws-fsbp", "S3.4")
            .equivalent("prowler", "s3_bucket_default_encryption")
            .equivalent("security-hub", "S3.4"),
        CheckMeta::new(PUBLIC, "S3 buckets block public access", Severity::High)
            .service("s3")
            .reference("aws-fsbp", "S3.8"),
        CheckMeta::new(VERSIONING, "S3 buckets have versioning", Severity::Medium)
            .service("s3")
            .reference("cis-aws-3.0", "2.1.1")
            .reference("aws-fsbp", "S3.14"),
    ]
}

fn framework(id: &str, controls: &[&str]) -> Framework {
    Framework {
        id: id.into(),
        name: format!("{id} name"),
        version: "1".into(),
        publisher: "Publisher".into(),
        controls: controls
            .iter()
            .map(|c| Control {
                id: (*c).into(),
                title: format!("Control {c}"),
                section: "Section".into(),
            })
            .collect(),
    }
}

/// The host's catalogue: aws-fsbp first, then one no check references, then CIS.
fn frameworks() -> Vec<Framework> {
    vec![
        framework("aws-fsbp", &["EC2.3", "EC2.9", "S3.4", "S3.8", "S3.14"]),
        framework("pci-dss-4.0", &["1.1"]),
        framework("cis-aws-3.0", &["1.5", "2.1.1", "2.1.2", "2.2.1", "3.1"]),
    ]
}

fn summary(id: &str, started_at: &str, finished_at: &str) -> ScanSummary {
    ScanSummary {
        scan_id: id.into(),
        account: ACCOUNT.into(),
        source: "demo".into(),
        status: "completed".into(),
        started_at: started_at.into(),
        finished_at: Some(finished_at.into()),
        resources: 8,
        results: 11,
        passed: 4,
        failed: 3,
        errored: 1,
        manual: 1,
        muted: 2,
        errors: vec![("access_denied".into(), 2)],
    }
}

fn previous_summary() -> ScanSummary {
    ScanSummary {
        passed: 5,
        failed: 6,
        errored: 0,
        manual: 0,
        muted: 0,
        errors: Vec::new(),
        ..summary(PREVIOUS, "2026-02-01T10:00:00Z", "2026-02-01T10:04:00Z")
    }
}

fn inputs(with_previous: bool) -> Inputs {
    Inputs {
        scan: summary(SCAN, "2026-03-01T10:00:00Z", "2026-03-01T10:05:00Z"),
        previous: with_previous.then(previous_summary),
        catalog: Catalog::new(checks(), frameworks()),
    }
}

/// A result of `check` on `name`: `now` and `previous` are (status, muted).
fn result(
    check: &str,
    name: &str,
    now: (Status, bool),
    previous: Option<(Status, bool)>,
    message: &str,
) -> ScanResult {
    let service = check.split('_').next().unwrap_or_default();
    ScanResult {
        check_id: check.into(),
        resource_arn: arn(name),
        account: ACCOUNT.into(),
        region: if service == "iam" {
            "global"
        } else {
            "eu-west-1"
        }
        .into(),
        service: service.into(),
        status: now.0,
        severity: checks()
            .iter()
            .find(|c| c.id == check)
            .map_or(Severity::Low, |c| c.severity),
        message: message.into(),
        evidence: format!("{{\"resource\": \"{name}\"}}"),
        muted: now.1,
        resource_removed: false,
        first_seen: "2026-01-10T09:00:00Z".into(),
        previous: previous.map(|(status, muted)| PriorOutcome { status, muted }),
    }
}

const PASS: (Status, bool) = (Status::Pass, false);
const FAIL: (Status, bool) = (Status::Fail, false);

fn current() -> Vec<ScanResult> {
    let mut ebs3 = result(
        EBS,
        "vol-3",
        (Status::Error, false),
        None,
        "-could not read",
    );
    ebs3.evidence = "not json".into();
    let mut enc_c = result(ENCRYPTION, "bucket-c", PASS, None, "Encrypted.");
    enc_c.evidence = String::new();
    vec![
        result(
            EBS,
            "vol-1",
            FAIL,
            Some(FAIL),
            "Volume vol-1 is not encrypted.",
        ),
        result(EBS, "vol-2", PASS, Some(FAIL), "Volume vol-2 is encrypted."),
        ebs3,
        result(ENCRYPTION, "bucket-a", FAIL, Some(PASS), HOSTILE),
        result(
            ENCRYPTION,
            "bucket-b",
            (Status::Fail, true),
            Some(FAIL),
            "Muted.",
        ),
        enc_c,
        result(ENCRYPTION, "bucket-d", FAIL, None, FORMULA),
        result(PUBLIC, "bucket-a", PASS, Some(PASS), "Blocked."),
        result(VERSIONING, "bucket-a", PASS, Some(PASS), "Versioned."),
        result(
            VERSIONING,
            "bucket-b",
            (Status::Manual, false),
            Some(FAIL),
            "Ask.",
        ),
        result(
            VERSIONING,
            "bucket-c",
            (Status::Pass, true),
            None,
            "Versioned, muted.",
        ),
    ]
}

/// The results only the previous scan saw.
fn gone() -> Vec<ScanResult> {
    let mut removed = result(VERSIONING, "bucket-gone", FAIL, None, "Gone.");
    removed.resource_removed = true;
    vec![
        result(ROOT_MFA, "root", FAIL, None, "No MFA."),
        removed,
        result(VERSIONING, "bucket-old", PASS, None, "Old."),
    ]
}

fn source() -> MemorySource {
    MemorySource::default()
        .with(SCAN, current())
        .with(PREVIOUS, gone())
}

/// The four reports as text.
struct Reports {
    json: String,
    csv: String,
    html: String,
    ocsf: String,
    rendered: Rendered,
}

fn render_fixture(with_previous: bool) -> Reports {
    let mut sinks: Sinks<Vec<u8>> = Sinks::default();
    let rendered = render(&inputs(with_previous), &source(), &mut sinks).expect("render");
    let text = |b: Vec<u8>| String::from_utf8(b).expect("utf-8");
    Reports {
        json: text(sinks.json),
        csv: text(sinks.csv),
        html: text(sinks.html),
        ocsf: text(sinks.ocsf),
        rendered,
    }
}

fn json(reports: &Reports) -> serde_json::Value {
    serde_json::from_str(&reports.json).expect("the JSON report parses")
}
