//! The scan report: every result joined with its check's metadata and its resource's location,
//! and the summary printed at the end of a scan.

use comfy_table::Table;
use lgp_model::{CheckMeta, Equivalent, Finding, Resource, Severity, Status};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Version of the JSON report's shape.
pub const REPORT_SCHEMA_VERSION: &str = "1";

/// One result in the report.
#[derive(Debug, Serialize)]
pub struct ResultRow<'a> {
    /// The check.
    pub check_id: &'a str,
    /// The check's title.
    pub title: &'a str,
    /// The check's service.
    pub service: &'a str,
    /// The same check in other tools.
    pub equivalents: &'a [Equivalent],
    /// The resource.
    pub resource_arn: &'a str,
    /// The resource's kind.
    pub resource_kind: &'a str,
    /// The resource's account.
    pub account: &'a str,
    /// The resource's region.
    pub region: &'a str,
    /// The outcome.
    pub status: Status,
    /// The severity.
    pub severity: Severity,
    /// What is right or wrong.
    pub message: &'a str,
    /// What decided it.
    pub evidence: &'a serde_json::value::RawValue,
}

/// The whole report.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    /// Shape version.
    pub schema_version: &'static str,
    /// The scan's id.
    pub scan_id: &'a str,
    /// When it started, RFC 3339.
    pub started_at: &'a str,
    /// What was scanned.
    pub source: &'a str,
    /// Counts by status.
    pub totals: BTreeMap<Status, usize>,
    /// Every result.
    pub results: Vec<ResultRow<'a>>,
}

/// Joins findings with checks and resources. Findings of unknown checks or resources were
/// already refused by the runtime, so both lookups succeed.
pub fn rows<'a>(
    findings: &'a [Finding],
    checks: &HashMap<&str, &'a CheckMeta>,
    resources: &HashMap<&str, &'a Resource>,
) -> Vec<ResultRow<'a>> {
    let mut rows: Vec<ResultRow<'a>> = findings
        .iter()
        .filter_map(|f| {
            let check = checks.get(f.check_id.as_str())?;
            let resource = resources.get(f.resource_arn.as_str())?;
            Some(ResultRow {
                check_id: &f.check_id,
                title: &check.title,
                service: &check.service,
                equivalents: &check.equivalents,
                resource_arn: &f.resource_arn,
                resource_kind: &resource.kind,
                account: &resource.account,
                region: &resource.region,
                status: f.status,
                severity: f.severity,
                message: &f.message,
                evidence: &f.evidence,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.check_id, a.resource_arn).cmp(&(b.check_id, b.resource_arn))
    });
    rows
}

/// Counts by status.
pub fn totals(rows: &[ResultRow<'_>]) -> BTreeMap<Status, usize> {
    let mut totals = BTreeMap::new();
    for r in rows {
        *totals.entry(r.status).or_insert(0) += 1;
    }
    totals
}

/// The end-of-scan summary: results by severity and status, then by service.
pub fn summary_tables(rows: &[ResultRow<'_>]) -> String {
    let statuses = [Status::Pass, Status::Fail, Status::Error, Status::Manual];
    let mut by_severity: BTreeMap<std::cmp::Reverse<Severity>, [usize; 4]> = BTreeMap::new();
    let mut by_service: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
    for r in rows {
        let i = statuses.iter().position(|s| *s == r.status).unwrap_or(0);
        by_severity.entry(std::cmp::Reverse(r.severity)).or_default()[i] += 1;
        by_service.entry(r.service).or_default()[i] += 1;
    }
    let mut sev = Table::new();
    sev.set_header(["severity", "pass", "fail", "error", "manual"]);
    for (s, c) in &by_severity {
        sev.add_row([s.0.as_str().to_owned(), c[0].to_string(), c[1].to_string(), c[2].to_string(), c[3].to_string()]);
    }
    let mut svc = Table::new();
    svc.set_header(["service", "pass", "fail", "error", "manual"]);
    for (s, c) in &by_service {
        svc.add_row([(*s).to_owned(), c[0].to_string(), c[1].to_string(), c[2].to_string(), c[3].to_string()]);
    }
    format!("{sev}\n{svc}")
}
