//! The engine: renders the four reports of a scan from any [`ResultSource`] into any
//! [`io::Write`] sinks, in two passes over the results.
//!
//! 1. Aggregate (counts, control statuses, the diff) while writing the JSON report's failures;
//!    then read the results only the previous scan saw (disappeared resources, checks no longer
//!    run), which resolve failures and count towards the previous posture.
//! 2. With the aggregates known, write every format's head, then stream each result into all
//!    four (JSON `results`, a CSV row, an OCSF event, the HTML failing resources), then the tails.
//!
//! Nothing is kept per result except the diff's (check, resource) pairs, so memory stays flat in
//! the number of results; the cost is reading the scan's results twice.

use crate::csv;
use crate::diff::Diff;
use crate::error::ReportError;
use crate::html::HtmlReport;
use crate::json::JsonReport;
use crate::ocsf::OcsfReport;
use crate::source::ResultSource;
use crate::summary::{Inputs, Summary};
use crate::tally::Tally;
use std::io::Write;

/// One sink per format.
#[derive(Debug, Clone, Default)]
pub struct Sinks<W> {
    /// The JSON report.
    pub json: W,
    /// The CSV report.
    pub csv: W,
    /// The HTML report.
    pub html: W,
    /// The OCSF report.
    pub ocsf: W,
}

impl<W> Sinks<W> {
    /// Sinks made by `make` from each format's name (`json`, `csv`, `html`, `ocsf`).
    pub fn from_fn(mut make: impl FnMut(&'static str) -> W) -> Self {
        Sinks {
            json: make("json"),
            csv: make("csv"),
            html: make("html"),
            ocsf: make("ocsf"),
        }
    }

    /// The sinks with their format names.
    pub fn named(self) -> [(&'static str, W); 4] {
        [
            ("json", self.json),
            ("csv", self.csv),
            ("html", self.html),
            ("ocsf", self.ocsf),
        ]
    }
}

/// What rendering found, for the `report.generated` event.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// Results reported.
    pub results: u64,
    /// Each framework's posture score (`None` when no control is decided).
    pub posture: Vec<(String, Option<f64>)>,
}

/// Renders the reports of `inputs.scan` from `source` into `sinks` (left unflushed).
pub fn render<S: ResultSource + ?Sized, W: Write>(
    inputs: &Inputs,
    source: &S,
    sinks: &mut Sinks<W>,
) -> Result<Rendered, ReportError> {
    let catalog = &inputs.catalog;
    let with_previous = inputs.has_previous();
    let scan_id = inputs.scan.scan_id.as_str();

    let mut tally = Tally::new(catalog);
    let mut diff = Diff::default();
    let mut json = JsonReport::begin(&mut sinks.json, inputs)?;
    source.for_each(scan_id, &mut |r| {
        let row = catalog.row(r);
        tally.add(&row, with_previous);
        diff.add(&row, with_previous);
        Ok(json.failure(&mut sinks.json, &row)?)
    })?;
    if let Some(previous) = &inputs.previous {
        source.for_each(&previous.scan_id, &mut |r| {
            tally.add_gone(&catalog.row(r));
            diff.add_gone(r);
            Ok(())
        })?;
    }
    let postures = tally.postures(catalog, with_previous);
    let summary = Summary {
        inputs,
        tally,
        diff,
        postures,
    };

    json.summary(&mut sinks.json, &summary)?;
    csv::header(&mut sinks.csv)?;
    let mut html = HtmlReport::begin(&mut sinks.html, &summary)?;
    let mut ocsf = OcsfReport::begin(&mut sinks.ocsf, inputs)?;
    source.for_each(scan_id, &mut |r| {
        let row = catalog.row(r);
        json.result(&mut sinks.json, &row)?;
        csv::row(&mut sinks.csv, &row, scan_id, with_previous)?;
        html.failure(&mut sinks.html, &row, &summary)?;
        Ok(ocsf.event(&mut sinks.ocsf, &row, scan_id)?)
    })?;
    json.end(&mut sinks.json)?;
    html.end(&mut sinks.html, &summary)?;
    ocsf.end(&mut sinks.ocsf)?;

    Ok(Rendered {
        results: summary.tally.results,
        posture: summary
            .scores()
            .map(|(id, score)| (id.to_owned(), score))
            .collect(),
    })
}
