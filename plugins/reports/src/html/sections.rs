//! The sections of the HTML page that come from the aggregates.

use super::Esc;
use crate::catalog::Row;
use crate::charts::{Bar, Chart, ChartRow};
use crate::diff::{Pairs, Tag};
use crate::summary::Summary;
use crate::tally::{ControlStatus, SEVERITIES};
use std::io::{self, Write};

fn tile<W: Write>(w: &mut W, n: u64, label: &str) -> io::Result<()> {
    write!(
        w,
        "<div class=\"tile\"><b>{n}</b><span>{label}</span></div>"
    )
}

fn badge<W: Write>(w: &mut W, prefix: &str, text: &str) -> io::Result<()> {
    write!(
        w,
        "<span class=\"badge {prefix}-{0}\">{0}</span>",
        Esc(text)
    )
}

fn percent(score: Option<f64>) -> String {
    score.map_or_else(|| "n/a".to_owned(), |s| format!("{s:.1}%"))
}

/// The scan's identity and totals, and the table of contents.
pub fn header<W: Write>(w: &mut W, s: &Summary<'_>) -> io::Result<()> {
    let scan = &s.inputs.scan;
    write!(
        w,
        "<header>\n<h1>LG-Protect scan report</h1>\n<dl class=\"meta\">\
         <dt>Account</dt><dd>{}</dd><dt>Scan</dt><dd><code>{}</code> ({}, {})</dd>\
         <dt>Started</dt><dd>{}</dd><dt>Finished</dt><dd>{}</dd><dt>Previous scan</dt><dd>",
        Esc(&scan.account),
        Esc(&scan.scan_id),
        Esc(&scan.source),
        Esc(&scan.status),
        Esc(&scan.started_at),
        Esc(scan.finished_at.as_deref().unwrap_or("not finished")),
    )?;
    match &s.inputs.previous {
        Some(p) => write!(
            w,
            "<code>{}</code>, started {}",
            Esc(&p.scan_id),
            Esc(&p.started_at)
        )?,
        None => w.write_all(b"none")?,
    }
    w.write_all(b"</dd></dl>\n<div class=\"tiles\">")?;
    let t = &s.tally;
    tile(w, t.results, "results")?;
    tile(w, t.totals.pass, "passing")?;
    tile(w, t.totals.fail, "failing")?;
    tile(w, t.totals.error, "errors")?;
    tile(w, t.totals.manual, "manual")?;
    tile(w, t.muted, "muted")?;
    tile(w, scan.resources, "resources")?;
    w.write_all(
        b"</div>\n</header>\n<nav><ol>\
          <li><a href=\"#posture\">Posture by framework</a></li>\
          <li><a href=\"#failures\">Failures by severity and service</a></li>\
          <li><a href=\"#trend\">Trend</a></li>\
          <li><a href=\"#controls\">Controls by framework</a></li>\
          <li><a href=\"#failing\">Failing resources by check</a></li>\
          <li><a href=\"#errors\">Errors</a></li>\
          <li><a href=\"#diff\">Changes since the previous scan</a></li>\
          </ol></nav>\n",
    )
}

/// The posture chart and table.
pub fn posture<W: Write>(w: &mut W, s: &Summary<'_>) -> io::Result<()> {
    w.write_all(
        b"<section id=\"posture\">\n<h2>Posture by framework</h2>\n<p class=\"sub\">Score: \
          100 \xC3\x97 passing controls / (passing + failing controls). The dashed marker is \
          the previous scan's score.</p>\n",
    )?;
    let frameworks = s.inputs.catalog.frameworks.iter().zip(&s.postures);
    let rows = frameworks
        .clone()
        .map(|(f, p)| ChartRow {
            label: f.framework.id.clone(),
            bars: p.score.map_or_else(Vec::new, |v| {
                vec![Bar {
                    value: v,
                    class: "b-score",
                }]
            }),
            marker: p.previous_score,
            text: match p.previous_score {
                Some(prev) => format!("{} (previous {prev:.1}%)", percent(p.score)),
                None => percent(p.score),
            },
        })
        .collect();
    Chart {
        name: "posture-by-framework",
        title: "Posture by framework",
        max: 100.0,
        rows,
        legend: Vec::new(),
        empty: "No check maps to a framework.",
    }
    .write(w)?;
    w.write_all(
        b"<table><thead><tr><th>Framework</th><th class=\"n\">Score</th>\
          <th class=\"n\">Previous</th><th class=\"n\">Change</th>",
    )?;
    for st in ControlStatus::ALL {
        write!(w, "<th class=\"n\">{}</th>", st.as_str().replace('_', " "))?;
    }
    w.write_all(b"</tr></thead><tbody>\n")?;
    for (f, p) in frameworks {
        write!(
            w,
            "<tr><td>{} <span class=\"sub\">{}</span></td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
            Esc(&f.framework.name),
            Esc(&f.framework.id),
            percent(p.score),
            percent(p.previous_score),
        )?;
        match (p.score, p.previous_score) {
            (Some(now), Some(then)) => {
                let class = if now >= then {
                    "trend-up"
                } else {
                    "trend-down"
                };
                write!(w, "<td class=\"n {class}\">{:+.1}</td>", now - then)?;
            }
            _ => w.write_all(b"<td class=\"n\"></td>")?,
        }
        for st in ControlStatus::ALL {
            write!(w, "<td class=\"n\">{}</td>", p.count(st))?;
        }
        w.write_all(b"</tr>\n")?;
    }
    w.write_all(b"</tbody></table>\n</section>\n")
}

/// Failures by severity and by service.
pub fn failure_charts<W: Write>(w: &mut W, s: &Summary<'_>) -> io::Result<()> {
    w.write_all(
        b"<section id=\"failures\">\n<h2>Failures by severity and service</h2>\n\
          <p class=\"sub\">Failing results no mute covers.</p>\n<div class=\"charts\">\n",
    )?;
    let t = &s.tally;
    let rows = SEVERITIES
        .iter()
        .zip(t.failures_by_severity)
        .map(|(sev, n)| count_row(sev.as_str(), n, severity_class(sev.as_str())))
        .collect();
    let max = t.failures_by_severity.iter().copied().max().unwrap_or(0);
    Chart {
        name: "failures-by-severity",
        title: "Failures by severity",
        max: max as f64,
        rows,
        legend: Vec::new(),
        empty: "",
    }
    .write(w)?;
    let mut services: Vec<(&String, &u64)> = t
        .failures_by_service
        .iter()
        .filter(|(_, n)| **n > 0)
        .collect();
    services.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    Chart {
        name: "failures-by-service",
        title: "Failures by service",
        max: services.first().map_or(0.0, |(_, n)| **n as f64),
        rows: services
            .iter()
            .map(|(svc, n)| count_row(svc, **n, "b-fail"))
            .collect(),
        legend: Vec::new(),
        empty: "No failures.",
    }
    .write(w)?;
    w.write_all(b"</div>\n</section>\n")
}

fn severity_class(severity: &str) -> &'static str {
    match severity {
        "critical" => "s-critical",
        "high" => "s-high",
        "medium" => "s-medium",
        "low" => "s-low",
        _ => "s-informational",
    }
}

fn count_row(label: &str, n: u64, class: &'static str) -> ChartRow {
    ChartRow {
        label: label.to_owned(),
        bars: vec![Bar {
            value: n as f64,
            class,
        }],
        marker: None,
        text: n.to_string(),
    }
}

/// Result counts now against the previous scan's.
pub fn trend<W: Write>(w: &mut W, s: &Summary<'_>) -> io::Result<()> {
    w.write_all(b"<section id=\"trend\">\n<h2>Trend</h2>\n")?;
    let t = &s.tally;
    let now = [
        ("passing", t.totals.pass, "b-pass"),
        ("failing", t.totals.fail, "b-fail"),
        ("errors", t.totals.error, "b-error"),
        ("manual", t.totals.manual, "b-manual"),
        ("muted", t.muted, "b-muted"),
    ];
    let previous = s
        .inputs
        .previous
        .as_ref()
        .map(|p| [p.passed, p.failed, p.errored, p.manual, p.muted]);
    match &s.inputs.previous {
        Some(p) => writeln!(
            w,
            "<p class=\"sub\">Results of this scan (upper bars: the previous scan, <code>{}</code>).</p>",
            Esc(&p.scan_id)
        )?,
        None => w.write_all(
            b"<p class=\"sub\">No previous scan of this account to compare with.</p>\n",
        )?,
    }
    let mut max = 0;
    let rows = now
        .iter()
        .enumerate()
        .map(|(i, (label, n, class))| {
            let then = previous.map(|p| p[i]);
            max = max.max(*n).max(then.unwrap_or(0));
            let mut bars: Vec<Bar> = then
                .iter()
                .map(|v| Bar {
                    value: *v as f64,
                    class: "b-prev",
                })
                .collect();
            bars.push(Bar {
                value: *n as f64,
                class,
            });
            ChartRow {
                label: (*label).to_owned(),
                bars,
                marker: None,
                text: match then {
                    Some(v) => format!("{n} (previous {v}, {:+})", *n as i64 - v as i64),
                    None => n.to_string(),
                },
            }
        })
        .collect();
    Chart {
        name: "trend",
        title: "Results now and at the previous scan",
        max: max as f64,
        rows,
        legend: if previous.is_some() {
            vec![("b-prev", "previous scan")]
        } else {
            Vec::new()
        },
        empty: "",
    }
    .write(w)?;
    w.write_all(b"</section>\n")
}

/// One table of controls per framework.
pub fn controls<W: Write>(w: &mut W, s: &Summary<'_>) -> io::Result<()> {
    w.write_all(b"<section id=\"controls\">\n<h2>Controls by framework</h2>\n")?;
    let catalog = &s.inputs.catalog;
    for ((f, p), counts) in catalog
        .frameworks
        .iter()
        .zip(&s.postures)
        .zip(&s.tally.controls)
    {
        let fw = &f.framework;
        writeln!(
            w,
            "<h3>{} <span class=\"sub\">{} {} \u{b7} {}</span></h3>\n<table><thead><tr>\
             <th>Control</th><th>Title</th><th>Status</th><th>Previous</th><th class=\"n\">Pass</th>\
             <th class=\"n\">Fail</th><th class=\"n\">Muted</th><th class=\"n\">Manual</th>\
             <th class=\"n\">Error</th><th>Checks</th></tr></thead><tbody>",
            Esc(&fw.name),
            Esc(&fw.id),
            Esc(&fw.version),
            Esc(&fw.publisher)
        )?;
        for (i, c) in fw.controls.iter().enumerate() {
            write!(
                w,
                "<tr><td>{}</td><td>{}</td><td>",
                Esc(&c.id),
                Esc(&c.title)
            )?;
            badge(w, "st", p.statuses[i].as_str())?;
            w.write_all(b"</td><td>")?;
            if let Some(prev) = p.previous[i] {
                badge(w, "st", prev.as_str())?;
            }
            let n = &counts[i];
            write!(
                w,
                "</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td><td>",
                n.pass, n.fail, n.muted, n.manual, n.error
            )?;
            for (j, check) in f.checks[i].iter().enumerate() {
                let sep = if j > 0 { "<br>" } else { "" };
                write!(w, "{sep}<code>{}</code>", Esc(check))?;
            }
            w.write_all(b"</td></tr>\n")?;
        }
        w.write_all(b"</tbody></table>\n")?;
    }
    w.write_all(b"</section>\n")
}

/// The heading, remediation and table head of a check's failing resources.
pub fn check_head<W: Write>(w: &mut W, row: &Row<'_>, failing: u64) -> io::Result<()> {
    let meta = &row.check.meta;
    let r = row.result;
    w.write_all(b"<article class=\"check\"><h3>")?;
    badge(w, "sev", row.severity().as_str())?;
    writeln!(
        w,
        " {}</h3>\n<p class=\"sub\"><code>{}</code> \u{b7} {} \u{b7} {failing} failing resource{}</p>",
        Esc(row.title()),
        Esc(&r.check_id),
        Esc(&r.service),
        if failing == 1 { "" } else { "s" }
    )?;
    let fix = &meta.remediation;
    if !fix.text.is_empty() {
        writeln!(w, "<p>{}</p>", Esc(&fix.text))?;
    }
    if let Some(cli) = &fix.cli {
        writeln!(w, "<pre><code>{}</code></pre>", Esc(cli))?;
    }
    if let Some(console) = &fix.console {
        writeln!(w, "<p class=\"sub\">Console: {}</p>", Esc(console))?;
    }
    if let Some(url) = &fix.url {
        writeln!(
            w,
            "<p class=\"sub\">Reference: <span class=\"arn\">{}</span></p>",
            Esc(url)
        )?;
    }
    w.write_all(
        b"<table><thead><tr><th>Resource</th><th>Region</th><th>Message</th></tr></thead><tbody>\n",
    )
}

/// Errors by category and error results by check.
pub fn errors<W: Write>(w: &mut W, s: &Summary<'_>) -> io::Result<()> {
    w.write_all(b"<section id=\"errors\">\n<h2>Errors</h2>\n")?;
    let categories = &s.inputs.scan.errors;
    let by_check = &s.tally.errors_by_check;
    if categories.is_empty() && by_check.is_empty() {
        w.write_all(b"<p>No errors.</p>\n")?;
    }
    if !categories.is_empty() {
        w.write_all(
            b"<h3>Collection and evaluation errors by category</h3>\n<table class=\"narrow\"><thead><tr>\
              <th>Category</th><th class=\"n\">Count</th></tr></thead><tbody>\n",
        )?;
        for (category, n) in categories {
            writeln!(
                w,
                "<tr><td>{}</td><td class=\"n\">{n}</td></tr>",
                Esc(category)
            )?;
        }
        w.write_all(b"</tbody></table>\n")?;
    }
    if !by_check.is_empty() {
        w.write_all(
            b"<h3>Error results by check</h3>\n<table class=\"narrow\"><thead><tr><th>Check</th>\
              <th class=\"n\">Error results</th></tr></thead><tbody>\n",
        )?;
        for (check, n) in by_check {
            writeln!(
                w,
                "<tr><td><code>{}</code></td><td class=\"n\">{n}</td></tr>",
                Esc(check)
            )?;
        }
        w.write_all(b"</tbody></table>\n")?;
    }
    w.write_all(b"</section>\n")
}

/// New, resolved and still-failing failures.
pub fn diff<W: Write>(w: &mut W, s: &Summary<'_>) -> io::Result<()> {
    w.write_all(b"<section id=\"diff\">\n<h2>Changes since the previous scan</h2>\n")?;
    match &s.inputs.previous {
        Some(p) => writeln!(
            w,
            "<p>Compared with scan <code>{}</code>, started {}.</p>",
            Esc(&p.scan_id),
            Esc(&p.started_at)
        )?,
        None => w.write_all(b"<p>No previous scan of this account: every failure is new.</p>\n")?,
    }
    pairs(w, "New failures", &s.diff.new_failures)?;
    pairs(w, "Resolved", &s.diff.resolved)?;
    pairs(w, "Still failing", &s.diff.still_failing)?;
    w.write_all(b"</section>\n")
}

fn pairs<W: Write, T: Tag>(w: &mut W, title: &str, list: &Pairs<T>) -> io::Result<()> {
    writeln!(w, "<h3>{title} ({})</h3>", list.len())?;
    if list.is_empty() {
        return w.write_all(b"<p>None.</p>\n");
    }
    let reasons = list.iter().any(|(_, _, tag)| tag.reason().is_some());
    w.write_all(b"<table><thead><tr><th>Check</th><th>Resource</th>")?;
    if reasons {
        w.write_all(b"<th>Reason</th>")?;
    }
    w.write_all(b"</tr></thead><tbody>\n")?;
    for (check, arn, tag) in list.iter() {
        write!(
            w,
            "<tr><td><code>{}</code></td><td class=\"arn\">{}</td>",
            Esc(check),
            Esc(arn)
        )?;
        if let Some(reason) = tag.reason() {
            write!(w, "<td>{}</td>", reason.as_str().replace('_', " "))?;
        }
        w.write_all(b"</tr>\n")?;
    }
    w.write_all(b"</tbody></table>\n")
}

/// How the page was made and how to read its scores.
pub fn footer<W: Write>(w: &mut W) -> io::Result<()> {
    writeln!(
        w,
        "<footer>Generated by the LG-Protect report plugin {}. A control passes when a result \
         answering it passes and none fails (muted results aside); the previous score is \
         computed from the outcomes this scan's results had at the previous scan, plus the \
         results only the previous scan saw.</footer>",
        env!("CARGO_PKG_VERSION")
    )
}
