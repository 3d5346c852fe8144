//! The JSON report (`scan-<id>.json`), schema `docs/report.schema.json`, written as it streams:
//! the scan, then the failures grouped by check (during the first pass), the aggregates and the
//! diff, then every result, one a line, last.
//!
//! Keys are constants; every value goes through serde_json, so ARNs and messages are escaped.

use crate::catalog::Row;
use crate::evidence::Evidence;
use crate::groups::{ByCheck, Step};
use crate::summary::{Inputs, Summary};
use crate::tally::{ControlCounts, ControlStatus, PriorControl, SEVERITIES};
use lgp_sdk::handler::query::ScanSummary;
use lgp_sdk::{Equivalent, Remediation, Severity, Status};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The version of the report's shape (`schema_version`).
pub const SCHEMA_VERSION: &str = "2";

fn value<W: Write, T: Serialize + ?Sized>(w: &mut W, v: &T) -> io::Result<()> {
    serde_json::to_writer(w, v).map_err(io::Error::from)
}

/// Writes `,"key":value`.
fn field<W: Write, T: Serialize + ?Sized>(w: &mut W, key: &str, v: &T) -> io::Result<()> {
    write!(w, ",\"{key}\":")?;
    value(w, v)
}

/// A scan as the report shows it.
#[derive(Serialize)]
struct ScanJson<'a> {
    scan_id: &'a str,
    account_id: &'a str,
    source: &'a str,
    status: &'a str,
    started_at: &'a str,
    finished_at: Option<&'a str>,
    counters: Counters,
    errors: BTreeMap<&'a str, u64>,
}

#[derive(Serialize)]
struct Counters {
    resources: u64,
    results: u64,
    passed: u64,
    failed: u64,
    errored: u64,
    manual: u64,
    muted: u64,
}

impl<'a> From<&'a ScanSummary> for ScanJson<'a> {
    fn from(s: &'a ScanSummary) -> Self {
        ScanJson {
            scan_id: &s.scan_id,
            account_id: &s.account,
            source: &s.source,
            status: &s.status,
            started_at: &s.started_at,
            finished_at: s.finished_at.as_deref(),
            counters: Counters {
                resources: s.resources,
                results: s.results,
                passed: s.passed,
                failed: s.failed,
                errored: s.errored,
                manual: s.manual,
                muted: s.muted,
            },
            errors: s.errors.iter().map(|(c, n)| (c.as_str(), *n)).collect(),
        }
    }
}

/// One result in `results`.
#[derive(Serialize)]
struct ResultJson<'a> {
    check_id: &'a str,
    title: &'a str,
    service: &'a str,
    equivalents: &'a [Equivalent],
    resource_arn: &'a str,
    account: &'a str,
    region: &'a str,
    status: Status,
    severity: Severity,
    message: &'a str,
    evidence: Evidence<'a>,
    muted: bool,
    first_seen: &'a str,
    previous_status: Option<Status>,
}

/// A failing resource in `failures[].resources`.
#[derive(Serialize)]
struct FailingJson<'a> {
    resource_arn: &'a str,
    region: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct ControlJson<'a> {
    id: &'a str,
    title: &'a str,
    section: &'a str,
    status: ControlStatus,
    previous_status: Option<PriorControl>,
    checks: &'a [String],
    results: &'a ControlCounts,
}

#[derive(Serialize)]
struct FrameworkJson<'a> {
    id: &'a str,
    name: &'a str,
    version: &'a str,
    publisher: &'a str,
    score: Option<f64>,
    previous_score: Option<f64>,
    control_status: BTreeMap<&'static str, usize>,
    controls: Vec<ControlJson<'a>>,
}

/// Counts keyed by severity, most serious first.
struct BySeverity<'a>(&'a [u64; 5]);

impl Serialize for BySeverity<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(SEVERITIES.len()))?;
        for (sev, n) in SEVERITIES.iter().zip(self.0) {
            map.serialize_entry(sev.as_str(), n)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct ErrorsJson<'a> {
    categories: BTreeMap<&'a str, u64>,
    results_by_check: &'a BTreeMap<String, u64>,
}

/// The JSON report being written.
#[derive(Debug)]
pub struct JsonReport {
    failures: ByCheck,
    rows: u64,
    with_previous: bool,
}

impl JsonReport {
    /// Writes the scan and the previous scan, and opens `failures`.
    pub fn begin<W: Write>(w: &mut W, inputs: &Inputs) -> io::Result<Self> {
        write!(w, "{{\"schema_version\":\"{SCHEMA_VERSION}\"")?;
        field(w, "scan", &ScanJson::from(&inputs.scan))?;
        field(
            w,
            "previous_scan",
            &inputs.previous.as_ref().map(ScanJson::from),
        )?;
        w.write_all(b",\n\"failures\":[")?;
        Ok(JsonReport {
            failures: ByCheck::default(),
            rows: 0,
            with_previous: inputs.has_previous(),
        })
    }

    /// Adds `row` to `failures` if it fails unmuted (first pass).
    pub fn failure<W: Write>(&mut self, w: &mut W, row: &Row<'_>) -> io::Result<()> {
        if !row.fails() {
            return Ok(());
        }
        let r = row.result;
        match self.failures.step(&r.check_id) {
            Step::Same => w.write_all(b",")?,
            Step::Opens { after } => {
                if after {
                    w.write_all(b"]},\n")?;
                }
                let meta = &row.check.meta;
                w.write_all(b"{\"check_id\":")?;
                value(w, &r.check_id)?;
                field(w, "title", row.title())?;
                field(w, "severity", &row.severity())?;
                field(w, "service", &r.service)?;
                field(w, "remediation", &RemediationJson::from(&meta.remediation))?;
                w.write_all(b",\"resources\":[")?;
            }
        }
        value(
            w,
            &FailingJson {
                resource_arn: &r.resource_arn,
                region: &r.region,
                message: &r.message,
            },
        )
    }

    /// Closes `failures` and writes the aggregates and the diff, then opens `results`.
    pub fn summary<W: Write>(&mut self, w: &mut W, s: &Summary<'_>) -> io::Result<()> {
        if self.failures.is_open() {
            w.write_all(b"]}")?;
        }
        w.write_all(b"]")?;
        let t = &s.tally;
        field(w, "totals", &t.totals)?;
        field(w, "muted", &t.muted)?;
        w.write_all(b"\n")?;
        field(w, "frameworks", &frameworks(s))?;
        w.write_all(b"\n")?;
        field(w, "by_severity", &BySeverity(&t.failures_by_severity))?;
        field(w, "by_service", &t.failures_by_service)?;
        let errors = ErrorsJson {
            categories: s
                .inputs
                .scan
                .errors
                .iter()
                .map(|(c, n)| (c.as_str(), *n))
                .collect(),
            results_by_check: &t.errors_by_check,
        };
        field(w, "errors_by_category", &errors)?;
        w.write_all(b"\n,\"diff\":{")?;
        let previous = s.inputs.previous.as_ref();
        w.write_all(b"\"previous_scan_id\":")?;
        value(w, &previous.map(|p| &p.scan_id))?;
        field(w, "previous_started_at", &previous.map(|p| &p.started_at))?;
        field(w, "new_failures", &s.diff.new_failures)?;
        field(w, "resolved", &s.diff.resolved)?;
        field(w, "still_failing", &s.diff.still_failing)?;
        w.write_all(b"}\n,\"results\":[\n")
    }

    /// Adds `row` to `results` (second pass).
    pub fn result<W: Write>(&mut self, w: &mut W, row: &Row<'_>) -> io::Result<()> {
        if self.rows > 0 {
            w.write_all(b",\n")?;
        }
        self.rows += 1;
        let r = row.result;
        value(
            w,
            &ResultJson {
                check_id: &r.check_id,
                title: row.title(),
                service: &r.service,
                equivalents: &row.check.meta.equivalents,
                resource_arn: &r.resource_arn,
                account: &r.account,
                region: &r.region,
                status: r.status,
                severity: r.severity,
                message: &r.message,
                evidence: Evidence::of(&r.evidence),
                muted: r.muted,
                first_seen: &r.first_seen,
                previous_status: r.previous.filter(|_| self.with_previous).map(|p| p.status),
            },
        )
    }

    /// Closes `results` and the document.
    pub fn end<W: Write>(self, w: &mut W) -> io::Result<()> {
        w.write_all(b"\n]}\n")
    }
}

/// A check's remediation with every key present.
#[derive(Serialize)]
struct RemediationJson<'a> {
    text: &'a str,
    cli: Option<&'a str>,
    console: Option<&'a str>,
    url: Option<&'a str>,
}

impl<'a> From<&'a Remediation> for RemediationJson<'a> {
    fn from(r: &'a Remediation) -> Self {
        RemediationJson {
            text: &r.text,
            cli: r.cli.as_deref(),
            console: r.console.as_deref(),
            url: r.url.as_deref(),
        }
    }
}

fn frameworks<'a>(s: &'a Summary<'_>) -> Vec<FrameworkJson<'a>> {
    let catalog = &s.inputs.catalog;
    catalog
        .frameworks
        .iter()
        .zip(&s.postures)
        .zip(&s.tally.controls)
        .map(|((f, p), counts)| FrameworkJson {
            id: &f.framework.id,
            name: &f.framework.name,
            version: &f.framework.version,
            publisher: &f.framework.publisher,
            score: p.score,
            previous_score: p.previous_score,
            control_status: ControlStatus::ALL
                .iter()
                .map(|st| (st.as_str(), p.count(*st)))
                .collect(),
            controls: f
                .framework
                .controls
                .iter()
                .enumerate()
                .map(|(i, c)| ControlJson {
                    id: &c.id,
                    title: &c.title,
                    section: &c.section,
                    status: p.statuses[i],
                    previous_status: p.previous[i],
                    checks: &f.checks[i],
                    results: &counts[i],
                })
                .collect(),
        })
        .collect()
}
