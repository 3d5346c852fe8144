//! The OCSF report: a JSON array of OCSF 1.3.0 Compliance Finding events (class 2003, activity
//! 1 Create), one per result, with the `cloud` profile.
//!
//! Statuses: the finding's `status_id` is what someone should do about it — a muted result is
//! 3 Suppressed, a passing one 4 Resolved (nothing to do), a failing, error or manual one 1 New
//! (to review); `status_code` is the check's outcome (`PASS`, `FAIL`, `ERROR`, `MANUAL`), and
//! `compliance.status_id` the compliance verdict: 1 Pass, 3 Fail, 2 Warning for an error (no
//! verdict for lack of information), 99 Other for manual. Ids are deterministic: the finding's
//! is a hash of check × resource (the same in every scan), the event's of scan × check ×
//! resource.

use crate::catalog::Row;
use crate::evidence::Evidence;
use crate::summary::Inputs;
use lgp_sdk::ids::stable_id;
use lgp_sdk::time::parse_rfc3339;
use lgp_sdk::{Equivalent, Severity, Status};
use serde::Serialize;
use std::io::{self, Write};

/// The OCSF schema version the events follow.
pub const OCSF_VERSION: &str = "1.3.0";

/// The finding type of every event.
const FINDING_TYPES: [&str; 1] = ["Software and Configuration Checks"];

#[derive(Serialize)]
struct Event<'a> {
    metadata: Metadata<'a>,
    time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_dt: Option<&'a str>,
    category_uid: u8,
    category_name: &'static str,
    class_uid: u16,
    class_name: &'static str,
    activity_id: u8,
    activity_name: &'static str,
    type_uid: u32,
    type_name: &'static str,
    severity_id: u8,
    severity: &'static str,
    status_id: u8,
    status: &'static str,
    status_code: &'static str,
    message: &'a str,
    finding_info: FindingInfo<'a>,
    compliance: Compliance<'a>,
    resources: [Resource<'a>; 1],
    cloud: Cloud<'a>,
    remediation: Remediation<'a>,
    unmapped: Unmapped<'a>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    version: &'static str,
    product: Product,
    event_code: &'a str,
    uid: String,
    correlation_uid: &'a str,
    profiles: [&'static str; 1],
}

#[derive(Serialize)]
struct Product {
    name: &'static str,
    vendor_name: &'static str,
    version: &'static str,
    uid: &'static str,
}

#[derive(Serialize)]
struct FindingInfo<'a> {
    uid: String,
    title: &'a str,
    desc: &'a str,
    types: [&'static str; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    first_seen_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_seen_time_dt: Option<&'a str>,
    last_seen_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_seen_time_dt: Option<&'a str>,
}

#[derive(Serialize)]
struct Compliance<'a> {
    standards: &'a [String],
    requirements: &'a [String],
    control: &'a str,
    status_id: u8,
    status: &'static str,
}

#[derive(Serialize)]
struct Resource<'a> {
    uid: &'a str,
    region: &'a str,
    cloud_partition: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
}

#[derive(Serialize)]
struct Cloud<'a> {
    provider: &'static str,
    region: &'a str,
    account: Account<'a>,
}

#[derive(Serialize)]
struct Account<'a> {
    uid: &'a str,
    type_id: u8,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct Remediation<'a> {
    desc: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    references: Option<[&'a str; 1]>,
}

#[derive(Serialize)]
struct Unmapped<'a> {
    check_id: &'a str,
    scan_id: &'a str,
    evidence: Evidence<'a>,
    equivalents: &'a [Equivalent],
    muted: bool,
    previous_status: Option<Status>,
    remediation_cli: Option<&'a str>,
}

/// OCSF `severity_id` and caption.
fn severity(s: Severity) -> (u8, &'static str) {
    match s {
        Severity::Informational => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

/// The finding's `status_id` and caption.
fn finding_status(status: Status, muted: bool) -> (u8, &'static str) {
    match (muted, status) {
        (true, _) => (3, "Suppressed"),
        (false, Status::Pass) => (4, "Resolved"),
        (false, _) => (1, "New"),
    }
}

/// `status_code`, and the compliance `status_id` and caption.
fn outcome(status: Status) -> (&'static str, u8, &'static str) {
    match status {
        Status::Pass => ("PASS", 1, "Pass"),
        Status::Fail => ("FAIL", 3, "Fail"),
        Status::Error => ("ERROR", 2, "Warning"),
        Status::Manual => ("MANUAL", 99, "Other"),
    }
}

/// Milliseconds since the epoch of an RFC 3339 time.
fn millis(rfc3339: &str) -> Option<i64> {
    parse_rfc3339(rfc3339).ok().map(|s| s * 1000)
}

/// The OCSF report being written.
#[derive(Debug)]
pub struct OcsfReport {
    time: i64,
    time_dt: Option<String>,
    rows: u64,
    with_previous: bool,
}

impl OcsfReport {
    /// Opens the array. Every event's time is the scan's.
    pub fn begin<W: Write>(w: &mut W, inputs: &Inputs) -> io::Result<Self> {
        w.write_all(b"[\n")?;
        let time = millis(inputs.time());
        Ok(OcsfReport {
            time: time.unwrap_or(0),
            time_dt: time.map(|_| inputs.time().to_owned()),
            rows: 0,
            with_previous: inputs.has_previous(),
        })
    }

    /// Writes the event of `row` of scan `scan_id`.
    pub fn event<W: Write>(&mut self, w: &mut W, row: &Row<'_>, scan_id: &str) -> io::Result<()> {
        if self.rows > 0 {
            w.write_all(b",\n")?;
        }
        self.rows += 1;
        let (r, check) = (row.result, row.check);
        let meta = &check.meta;
        let (severity_id, severity) = severity(r.severity);
        let (status_id, status) = finding_status(r.status, r.muted);
        let (status_code, compliance_id, compliance_status) = outcome(r.status);
        let first_seen = millis(&r.first_seen);
        let event = Event {
            metadata: Metadata {
                version: OCSF_VERSION,
                product: Product {
                    name: "LG-Protect",
                    vendor_name: "LG-Protect",
                    version: env!("CARGO_PKG_VERSION"),
                    uid: "lg-protect",
                },
                event_code: &r.check_id,
                uid: stable_id(&[scan_id, &r.check_id, &r.resource_arn]),
                correlation_uid: scan_id,
                profiles: ["cloud"],
            },
            time: self.time,
            time_dt: self.time_dt.as_deref(),
            category_uid: 2,
            category_name: "Findings",
            class_uid: 2003,
            class_name: "Compliance Finding",
            activity_id: 1,
            activity_name: "Create",
            type_uid: 200_301,
            type_name: "Compliance Finding: Create",
            severity_id,
            severity,
            status_id,
            status,
            status_code,
            message: &r.message,
            finding_info: FindingInfo {
                uid: stable_id(&[&r.check_id, &r.resource_arn]),
                title: row.title(),
                desc: if meta.description.is_empty() {
                    &r.message
                } else {
                    &meta.description
                },
                types: FINDING_TYPES,
                first_seen_time: first_seen,
                first_seen_time_dt: first_seen.map(|_| r.first_seen.as_str()),
                last_seen_time: self.time,
                last_seen_time_dt: self.time_dt.as_deref(),
            },
            compliance: Compliance {
                standards: &check.standards,
                requirements: &check.requirements,
                control: check.requirements.first().unwrap_or(&r.check_id),
                status_id: compliance_id,
                status: compliance_status,
            },
            resources: [Resource {
                uid: &r.resource_arn,
                region: &r.region,
                cloud_partition: partition(&r.resource_arn),
                kind: match meta.resource_kinds.as_slice() {
                    [only] => only,
                    _ => &r.service,
                },
            }],
            cloud: Cloud {
                provider: "AWS",
                region: &r.region,
                account: Account {
                    uid: &r.account,
                    type_id: 10,
                    kind: "AWS Account",
                },
            },
            remediation: Remediation {
                desc: if meta.remediation.text.is_empty() {
                    row.title()
                } else {
                    &meta.remediation.text
                },
                references: meta.remediation.url.as_deref().map(|u| [u]),
            },
            unmapped: Unmapped {
                check_id: &r.check_id,
                scan_id,
                evidence: Evidence::of(&r.evidence),
                equivalents: &meta.equivalents,
                muted: r.muted,
                previous_status: r.previous.filter(|_| self.with_previous).map(|p| p.status),
                remediation_cli: meta.remediation.cli.as_deref(),
            },
        };
        serde_json::to_writer(w, &event).map_err(io::Error::from)
    }

    /// Closes the array.
    pub fn end<W: Write>(self, w: &mut W) -> io::Result<()> {
        w.write_all(b"\n]\n")
    }
}

/// The AWS partition an ARN names (`aws`, `aws-cn`, `aws-us-gov`), `aws` when it names none.
fn partition(arn: &str) -> &str {
    match arn.split(':').nth(1) {
        Some(p) if arn.starts_with("arn:") && !p.is_empty() => p,
        _ => "aws",
    }
}
