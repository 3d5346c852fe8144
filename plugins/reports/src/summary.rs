//! What a report is rendered from: the scan, the previous scan and the catalogue (read before
//! the results), and the aggregates of the first pass over the results.

use crate::catalog::Catalog;
use crate::diff::Diff;
use crate::tally::{Posture, Tally};
use lgp_sdk::handler::query::ScanSummary;

/// What is known before reading the results.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The scan reported on.
    pub scan: ScanSummary,
    /// The previous completed scan of the account, if any.
    pub previous: Option<ScanSummary>,
    /// The checks and frameworks.
    pub catalog: Catalog,
}

impl Inputs {
    /// Whether there is a previous scan to compare with.
    pub fn has_previous(&self) -> bool {
        self.previous.is_some()
    }

    /// When the scan's results were taken: its end, or its start while it has none.
    pub fn time(&self) -> &str {
        self.scan
            .finished_at
            .as_deref()
            .unwrap_or(&self.scan.started_at)
    }
}

/// Everything a report's sections show besides the rows: the aggregates of the first pass.
#[derive(Debug, Clone)]
pub struct Summary<'a> {
    /// What was known before.
    pub inputs: &'a Inputs,
    /// Counts.
    pub tally: Tally,
    /// Changes since the previous scan.
    pub diff: Diff,
    /// Per framework of `inputs.catalog`, its control statuses and scores.
    pub postures: Vec<Posture>,
}

impl Summary<'_> {
    /// Each framework id with its posture score (`None` when no control is decided).
    pub fn scores(&self) -> impl Iterator<Item = (&str, Option<f64>)> {
        self.inputs
            .catalog
            .frameworks
            .iter()
            .zip(&self.postures)
            .map(|(f, p)| (f.framework.id.as_str(), p.score))
    }
}
