//! What `lgp scan` does with a finished scan's results: the summary printed at the end, and the
//! reports the report plugin stored, written to the output directory.

use comfy_table::Table;
use lgp_events::TenantId;
use lgp_model::{Severity, Status};
use lgp_store::{ResultRecord, Scan, Store, StoreError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A report format the report plugin renders, and the file name it is written under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// The complete report (`docs/report.schema.json`).
    Json,
    /// One row per result.
    Csv,
    /// A self-contained page with charts.
    Html,
    /// OCSF 1.x Compliance Findings.
    Ocsf,
}

impl ReportFormat {
    /// The format's name in the store (and in the API).
    pub fn name(self) -> &'static str {
        match self {
            ReportFormat::Json => "json",
            ReportFormat::Csv => "csv",
            ReportFormat::Html => "html",
            ReportFormat::Ocsf => "ocsf",
        }
    }

    /// The file the report of `scan_id` is written to.
    pub fn file_name(self, scan_id: &str) -> String {
        match self {
            ReportFormat::Json => format!("scan-{scan_id}.json"),
            ReportFormat::Csv => format!("scan-{scan_id}.csv"),
            ReportFormat::Html => format!("scan-{scan_id}.html"),
            ReportFormat::Ocsf => format!("scan-{scan_id}.ocsf.json"),
        }
    }
}

/// Reads the stored reports of `scan_id` in `formats` and writes them into `out`, one at a time;
/// returns the paths written, in the order of `formats`. A missing report names the report
/// plugin.
pub async fn write_reports(
    store: &dyn Store,
    tenant: &TenantId,
    scan_id: &str,
    formats: &[ReportFormat],
    out: &Path,
) -> anyhow::Result<Vec<(ReportFormat, PathBuf)>> {
    use anyhow::Context;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut written = Vec::with_capacity(formats.len());
    for &format in formats {
        let body = match store.get_report(tenant, scan_id, format.name()).await {
            Ok(body) => body,
            Err(StoreError::NotFound { .. }) => anyhow::bail!(
                "no {} report was stored for scan {scan_id}: the report plugin did not finish \
                 (its failure is in the log and in a system.service.error event)",
                format.name()
            ),
            Err(e) => return Err(e).context("cannot read the reports"),
        };
        let path = out.join(format.file_name(scan_id));
        std::fs::write(&path, &body).with_context(|| format!("cannot write {}", path.display()))?;
        written.push((format, path));
    }
    Ok(written)
}

/// The columns of the summary tables: the statuses of unmuted results, then muted results of
/// any status, shown apart so accepted findings neither hide nor inflate the failures.
const COLUMNS: [&str; 5] = ["pass", "fail", "error", "manual", "muted"];
const STATUSES: [Status; 4] = [Status::Pass, Status::Fail, Status::Error, Status::Manual];

fn column(r: &ResultRecord) -> usize {
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
pub fn summary_tables(scan: &Scan, results: &[ResultRecord]) -> String {
    let mut by_severity: BTreeMap<std::cmp::Reverse<Severity>, [usize; 5]> = BTreeMap::new();
    let mut by_service: BTreeMap<&str, [usize; 5]> = BTreeMap::new();
    for r in results {
        let i = column(r);
        by_severity
            .entry(std::cmp::Reverse(r.severity))
            .or_default()[i] += 1;
        by_service.entry(r.service.as_str()).or_default()[i] += 1;
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
