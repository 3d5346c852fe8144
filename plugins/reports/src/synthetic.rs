//! A generated scan of any size, made one result at a time (never held): what the memory test
//! and the `render_100k` benchmark stream through the engine. Deterministic; every status,
//! mutes, previous outcomes, disappeared resources and text that needs escaping occur, and some
//! controls pass.

use crate::catalog::Catalog;
use crate::error::ReportError;
use crate::source::ResultSource;
use crate::summary::Inputs;
use lgp_sdk::handler::query::{Control, Framework, PriorOutcome, ScanResult, ScanSummary};
use lgp_sdk::{CheckMeta, Remediation, Severity, Status};

/// The generated scan's id.
pub const SCAN_ID: &str = "01SYNTHETICSCAN0000000000B";
/// The previous scan's id.
pub const PREVIOUS_SCAN_ID: &str = "01SYNTHETICSCAN0000000000A";
const ACCOUNT: &str = "111122223333";
const CHECKS: usize = 20;
const CONTROLS: usize = 25;
const SERVICES: [&str; 3] = ["s3", "ec2", "iam"];
const SEVERITIES: [Severity; 4] = [
    Severity::Low,
    Severity::Medium,
    Severity::High,
    Severity::Critical,
];

fn check_id(c: usize) -> String {
    format!("{}_synthetic_check_{c:02}", SERVICES[c % SERVICES.len()])
}

/// The generated checks: each answers a control of `cis-aws-3.0` and of `aws-fsbp`.
pub fn checks() -> Vec<CheckMeta> {
    (0..CHECKS)
        .map(|c| {
            CheckMeta::new(
                check_id(c),
                format!("Synthetic check {c} <must be escaped> & \"quoted\""),
                SEVERITIES[c % SEVERITIES.len()],
            )
            .description("A generated check.")
            .service(SERVICES[c % SERVICES.len()])
            .remediation(
                Remediation::new("Fix it, then scan again.")
                    .cli("aws example fix --id X")
                    .url("https://docs.example.invalid/fix"),
            )
            .reference("cis-aws-3.0", format!("{}.{}", 1 + c % 5, c % CONTROLS))
            .reference("aws-fsbp", format!("X.{}", c % 10))
            .equivalent("prowler", format!("prowler_{c}"))
        })
        .collect()
}

/// The generated catalogue's frameworks (one never referenced).
pub fn frameworks() -> Vec<Framework> {
    let framework = |id: &str, control: &dyn Fn(usize) -> String| Framework {
        id: id.to_owned(),
        name: format!("Framework {id}"),
        version: "1".to_owned(),
        publisher: "Synthetic".to_owned(),
        controls: (0..CONTROLS)
            .map(|i| Control {
                id: control(i),
                title: format!("Control {i}"),
                section: "Synthetic".to_owned(),
            })
            .collect(),
    };
    vec![
        framework("cis-aws-3.0", &|i| format!("{}.{i}", 1 + i % 5)),
        framework("aws-fsbp", &|i| format!("X.{i}")),
        framework("unreferenced", &|i| format!("U.{i}")),
    ]
}

fn summary(scan_id: &str, started_at: &str, results: u64) -> ScanSummary {
    ScanSummary {
        scan_id: scan_id.to_owned(),
        account: ACCOUNT.to_owned(),
        source: "snapshot".to_owned(),
        status: "completed".to_owned(),
        started_at: started_at.to_owned(),
        finished_at: Some(started_at.replace("T10:00", "T10:09")),
        resources: results / 4,
        results,
        passed: results / 2,
        failed: results / 5,
        errored: results / 10,
        manual: results / 10,
        muted: results / 17,
        errors: vec![("access_denied".to_owned(), 3)],
    }
}

/// What is known before reading the results of a generated scan of `results` results.
pub fn inputs(results: u64) -> Inputs {
    Inputs {
        scan: summary(SCAN_ID, "2026-03-01T10:00:00Z", results),
        previous: Some(summary(PREVIOUS_SCAN_ID, "2026-02-01T10:00:00Z", results)),
        catalog: Catalog::new(checks(), frameworks()),
    }
}

/// A generated scan of `results` results, plus one in a hundred that only the previous scan saw.
#[derive(Debug, Clone, Copy)]
pub struct SyntheticSource {
    /// Results of the scan.
    pub results: u64,
}

impl SyntheticSource {
    fn result(i: u64, per_check: u64, gone: bool) -> ScanResult {
        let c = usize::try_from(i / per_check).unwrap_or(0).min(CHECKS - 1);
        // Every fourth check passes everywhere, so some controls pass.
        let status = match i % 10 {
            _ if c % 4 == 3 => Status::Pass,
            0..=5 => Status::Pass,
            6 | 7 => Status::Fail,
            8 => Status::Error,
            _ => Status::Manual,
        };
        let previous = (!i.is_multiple_of(5)).then_some(PriorOutcome {
            status: if i.is_multiple_of(3) {
                Status::Fail
            } else {
                Status::Pass
            },
            muted: false,
        });
        let name = format!("synthetic-{}-{i:07}", if gone { "gone" } else { "bucket" });
        ScanResult {
            check_id: check_id(c),
            resource_arn: format!("arn:aws:s3:::{name}"),
            account: ACCOUNT.to_owned(),
            region: "eu-west-1".to_owned(),
            service: SERVICES[c % SERVICES.len()].to_owned(),
            status: if gone { Status::Fail } else { status },
            severity: SEVERITIES[c % SEVERITIES.len()],
            message: format!(
                "Bucket {name} is {status}: <script>alert(\"x\")</script>, 'quoted' & more"
            ),
            evidence: format!("{{\"index\":{i},\"public\":{}}}", i.is_multiple_of(2)),
            muted: i.is_multiple_of(17),
            resource_removed: gone,
            first_seen: "2026-01-15T08:30:00Z".to_owned(),
            previous: if gone { None } else { previous },
        }
    }
}

impl ResultSource for SyntheticSource {
    fn for_each(
        &self,
        scan_id: &str,
        each: &mut dyn FnMut(&ScanResult) -> Result<(), ReportError>,
    ) -> Result<(), ReportError> {
        let (count, gone) = if scan_id == SCAN_ID {
            (self.results, false)
        } else if scan_id == PREVIOUS_SCAN_ID {
            (self.results / 100, true)
        } else {
            (0, false)
        };
        let per_check = count.div_ceil(CHECKS as u64).max(1);
        (0..count).try_for_each(|i| each(&Self::result(i, per_check, gone)))
    }
}
