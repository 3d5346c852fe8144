//! The HTML report: one self-contained page (inline CSS, charts as inline SVG, no script, no
//! external asset) that reads on screen and prints. Sections: the scan, posture by framework,
//! failures by severity and service, the trend against the previous scan, the control tables,
//! failing resources by check (streamed in the second pass), errors, and the diff.
//!
//! Every text from the scan goes through [`Esc`]; URLs (remediation links) are shown as text,
//! never as links, so the page fetches and points to nothing.

mod sections;

use crate::catalog::Row;
use crate::groups::{ByCheck, Step};
use crate::summary::Summary;
use std::fmt;
use std::io::{self, Write};

/// The page's style sheet.
const STYLE: &str = include_str!("style.css");

/// Text escaped for HTML and SVG content and attribute values.
#[derive(Debug, Clone, Copy)]
pub struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..at])?;
            f.write_str(match rest.as_bytes()[at] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[at + 1..];
        }
        f.write_str(rest)
    }
}

/// The HTML report being written.
#[derive(Debug, Default)]
pub struct HtmlReport {
    failures: ByCheck,
}

impl HtmlReport {
    /// Writes everything before the failing resources, and opens their section.
    pub fn begin<W: Write>(w: &mut W, s: &Summary<'_>) -> io::Result<Self> {
        let scan = &s.inputs.scan;
        writeln!(
            w,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>LG-Protect scan report: account {} scan {}</title>\n<style>\n{STYLE}</style>\n\
             </head>\n<body>",
            Esc(&scan.account),
            Esc(&scan.scan_id)
        )?;
        sections::header(w, s)?;
        sections::posture(w, s)?;
        sections::failure_charts(w, s)?;
        sections::trend(w, s)?;
        sections::controls(w, s)?;
        w.write_all(b"<section id=\"failing\">\n<h2>Failing resources by check</h2>\n")?;
        Ok(HtmlReport::default())
    }

    /// Adds `row` to the failing resources if it fails unmuted (second pass).
    pub fn failure<W: Write>(
        &mut self,
        w: &mut W,
        row: &Row<'_>,
        s: &Summary<'_>,
    ) -> io::Result<()> {
        if !row.fails() {
            return Ok(());
        }
        let r = row.result;
        if let Step::Opens { after } = self.failures.step(&r.check_id) {
            if after {
                w.write_all(b"</tbody></table></article>\n")?;
            }
            let count = s.tally.failures_by_check.get(&r.check_id).copied();
            sections::check_head(w, row, count.unwrap_or(0))?;
        }
        writeln!(
            w,
            "<tr><td class=\"arn\">{}</td><td>{}</td><td>{}</td></tr>",
            Esc(&r.resource_arn),
            Esc(&r.region),
            Esc(&r.message)
        )
    }

    /// Closes the failing resources and writes the rest of the page.
    pub fn end<W: Write>(self, w: &mut W, s: &Summary<'_>) -> io::Result<()> {
        if self.failures.is_open() {
            w.write_all(b"</tbody></table></article>\n")?;
        } else {
            w.write_all(b"<p>No failing resources.</p>\n")?;
        }
        w.write_all(b"</section>\n")?;
        sections::errors(w, s)?;
        sections::diff(w, s)?;
        sections::footer(w)?;
        w.write_all(b"</body>\n</html>\n")
    }
}
