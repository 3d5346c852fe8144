//! The CSV report: one row per result (the JSON report's `results`), RFC 4180 (comma-separated,
//! CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled).
//!
//! Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (and some a tab or carriage
//! return) as a formula, and resource names and messages come from the scanned account, so such a
//! cell gets a leading `'` (OWASP's CSV-injection advice): `-1` is written `'-1`.

use crate::catalog::Row;
use std::io::{self, Write};

/// The columns, in order.
pub const COLUMNS: [&str; 16] = [
    "check_id",
    "check_title",
    "service",
    "severity",
    "status",
    "muted",
    "resource_arn",
    "account",
    "region",
    "message",
    "remediation",
    "frameworks",
    "equivalents",
    "first_seen",
    "previous_status",
    "scan_id",
];

/// Writes the header row.
pub fn header<W: Write>(w: &mut W) -> io::Result<()> {
    w.write_all(COLUMNS.join(",").as_bytes())?;
    w.write_all(b"\r\n")
}

/// Writes `row` of scan `scan_id`; `with_previous` says whether its previous status counts.
pub fn row<W: Write>(
    w: &mut W,
    row: &Row<'_>,
    scan_id: &str,
    with_previous: bool,
) -> io::Result<()> {
    let r = row.result;
    let previous = r
        .previous
        .filter(|_| with_previous)
        .map_or("", |p| p.status.as_str());
    let cells: [&str; 16] = [
        &r.check_id,
        row.title(),
        &r.service,
        r.severity.as_str(),
        r.status.as_str(),
        if r.muted { "true" } else { "false" },
        &r.resource_arn,
        &r.account,
        &r.region,
        &r.message,
        &row.check.meta.remediation.text,
        &row.check.requirements_joined,
        &row.check.equivalents_joined,
        &r.first_seen,
        previous,
        scan_id,
    ];
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        cell(w, c)?;
    }
    w.write_all(b"\r\n")
}

/// Writes one field, neutralized and quoted as needed.
fn cell<W: Write>(w: &mut W, text: &str) -> io::Result<()> {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if !text.contains([',', '"', '\r', '\n']) {
        if formula {
            w.write_all(b"'")?;
        }
        return w.write_all(text.as_bytes());
    }
    w.write_all(if formula { b"\"'" } else { b"\"" })?;
    let mut parts = text.split('"');
    if let Some(first) = parts.next() {
        w.write_all(first.as_bytes())?;
    }
    for part in parts {
        w.write_all(b"\"\"")?;
        w.write_all(part.as_bytes())?;
    }
    w.write_all(b"\"")
}
