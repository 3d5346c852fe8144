//! Where results come from: the host's `query` capability inside the component, a list in
//! memory in tests and benchmarks. The engine only ever sees one result at a time.

use crate::error::ReportError;
use lgp_sdk::handler::query::ScanResult;

/// A source of stored scan results.
pub trait ResultSource {
    /// Hands each result `scan_id` was the last scan to see to `each`, ordered by check then
    /// resource, and stops at the first error.
    fn for_each(
        &self,
        scan_id: &str,
        each: &mut dyn FnMut(&ScanResult) -> Result<(), ReportError>,
    ) -> Result<(), ReportError>;
}

/// Results held in memory, by scan: for tests and benchmarks.
#[derive(Debug, Default, Clone)]
pub struct MemorySource {
    scans: Vec<(String, Vec<ScanResult>)>,
}

impl MemorySource {
    /// Adds the results `scan_id` was the last to see (kept in the given order).
    pub fn with(mut self, scan_id: &str, results: Vec<ScanResult>) -> Self {
        self.scans.push((scan_id.to_owned(), results));
        self
    }
}

impl ResultSource for MemorySource {
    fn for_each(
        &self,
        scan_id: &str,
        each: &mut dyn FnMut(&ScanResult) -> Result<(), ReportError>,
    ) -> Result<(), ReportError> {
        self.scans
            .iter()
            .filter(|(id, _)| id == scan_id)
            .flat_map(|(_, results)| results)
            .try_for_each(each)
    }
}
