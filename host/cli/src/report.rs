//! The scan report: every result of a scan joined with its check's metadata, and the summary
//! printed at the end of a scan.

use comfy_table::Table;
use lgp_model::{CheckMeta, Equivalent, Severity, Status};
use lgp_store::{ResultRecord, Scan};
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
    pub evidence: &'a serde_json::Value,
    /// Whether a mute applies.
    pub muted: bool,
}

/// The whole report.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    /// Shape version.
    pub schema_version: &'static str,
    /// The scan, with its counters and error summary.
    pub scan: &'a Scan,
    /// Counts by status of the results no mute covers.
    pub totals: BTreeMap<Status, usize>,
    /// Results a mute covers, whatever their status.
    pub muted: usize,
    /// Every result.
    pub results: Vec<ResultRow<'a>>,
}

/// Joins results with their checks' metadata, ordered by check then resource.
pub fn rows<'a>(
    results: &'a [ResultRecord],
    checks: &HashMap<&str, &'a CheckMeta>,
) -> Vec<ResultRow<'a>> {
    let mut rows: Vec<ResultRow<'a>> = results
        .iter()
        .map(|r| {
            let check = checks.get(r.check_id.as_str());
            ResultRow {
                check_id: &r.check_id,
                title: check.map_or("", |c| c.title.as_str()),
                service: &r.service,
                equivalents: check.map_or(&[], |c| c.equivalents.as_slice()),
                resource_arn: &r.resource_arn,
                account: &r.account_id,
                region: &r.region,
                status: r.status,
                severity: r.severity,
                message: &r.message,
                evidence: &r.evidence,
                muted: r.muted,
            }
        })
        .collect();
    rows.sort_by(|a, b| (a.check_id, a.resource_arn).cmp(&(b.check_id, b.resource_arn)));
    rows
}

/// Counts by status of the results no mute covers.
pub fn totals(rows: &[ResultRow<'_>]) -> BTreeMap<Status, usize> {
    let mut totals = BTreeMap::new();
    for r in rows.iter().filter(|r| !r.muted) {
        *totals.entry(r.status).or_insert(0) += 1;
    }
    totals
}

/// The columns of the summary tables: the statuses of unmuted results, then muted results of
/// any status, shown apart so accepted findings neither hide nor inflate the failures.
const COLUMNS: [&str; 5] = ["pass", "fail", "error", "manual", "muted"];
const STATUSES: [Status; 4] = [Status::Pass, Status::Fail, Status::Error, Status::Manual];

fn column(r: &ResultRow<'_>) -> usize {
    if r.muted {
        STATUSES.len()
    } else {
        STATUSES.iter().position(|s| *s == r.status).unwrap_or(0)
    }
}

fn count_table<K: Ord>(
    header: &str,
    counts: &BTreeMap<K, [usize; 5]>,
    label: impl Fn(&K) -> String,
) -> Table {
    let mut t = Table::new();
    let mut head = vec![header];
    head.extend(COLUMNS);
    t.set_header(head);
    for (k, c) in counts {
        let mut row = vec![label(k)];
        row.extend(c.iter().map(usize::to_string));
        t.add_row(row);
    }
    t
}

/// The end-of-scan summary: results by severity and status, by service, and errors by category.
pub fn summary_tables(scan: &Scan, rows: &[ResultRow<'_>]) -> String {
    let mut by_severity: BTreeMap<std::cmp::Reverse<Severity>, [usize; 5]> = BTreeMap::new();
    let mut by_service: BTreeMap<&str, [usize; 5]> = BTreeMap::new();
    for r in rows {
        let i = column(r);
        by_severity
            .entry(std::cmp::Reverse(r.severity))
            .or_default()[i] += 1;
        by_service.entry(r.service).or_default()[i] += 1;
    }
    let mut out = format!(
        "{}\n{}",
        count_table("severity", &by_severity, |s| s.0.to_string()),
        count_table("service", &by_service, |s| (*s).to_owned())
    );
    if !scan.errors.is_empty() {
        let mut t = Table::new();
        t.set_header(["error category", "count"]);
        for (category, n) in &scan.errors {
            t.add_row([category.clone(), n.to_string()]);
        }
        out = format!("{out}\n{t}");
    }
    out
}
