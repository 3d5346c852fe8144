//! The component's glue to the host: the scan and catalogue read through `query`, results paged
//! through it, reports appended through `reports`, and the `report.generated` event. In a native
//! build every host call fails with `Unavailable`; the engine is tested over memory instead.

use crate::catalog::Catalog;
use crate::engine::{Sinks, render};
use crate::error::ReportError;
use crate::source::ResultSource;
use crate::summary::Inputs;
use lgp_sdk::HostError;
use lgp_sdk::handler::NewEvent;
use lgp_sdk::handler::query::{self, ScanResult};
use lgp_sdk::handler::reports::ReportWriter;
use serde::Serialize;
use std::collections::BTreeMap;

/// The event published once the reports are stored.
pub const REPORT_GENERATED: &str = "report.generated";

/// Results asked for per page: a page of typical results is a few hundred KiB, far below the
/// host's output cap, and 100,000 results take a hundred host calls a pass.
pub const PAGE: u32 = 1000;

/// The tenant's results, paged through the `query` capability.
#[derive(Debug, Clone, Copy, Default)]
pub struct HostSource;

impl ResultSource for HostSource {
    fn for_each(
        &self,
        scan_id: &str,
        each: &mut dyn FnMut(&ScanResult) -> Result<(), ReportError>,
    ) -> Result<(), ReportError> {
        query::for_each_result(scan_id, PAGE, each)
    }
}

/// Reads the scan, the previous scan of the same account, and the catalogue.
pub fn inputs(scan_id: &str) -> Result<Inputs, HostError> {
    let scan = query::scan(scan_id)?;
    let previous = query::previous_scan(scan_id)?
        .map(|id| query::scan(&id))
        .transpose()?;
    Ok(Inputs {
        scan,
        previous,
        catalog: Catalog::new(query::checks()?, query::frameworks()?),
    })
}

#[derive(Serialize)]
struct FormatBytes {
    format: &'static str,
    bytes: u64,
}

/// The payload of [`REPORT_GENERATED`].
#[derive(Serialize)]
struct Generated<'a> {
    scan_id: &'a str,
    account_id: &'a str,
    formats: Vec<FormatBytes>,
    results: u64,
    posture: BTreeMap<&'a str, Option<f64>>,
}

/// Renders and stores every report of `scan_id`, and returns the event announcing them.
pub fn generate(scan_id: &str) -> Result<NewEvent, ReportError> {
    let inputs = inputs(scan_id)?;
    let mut sinks = Sinks::from_fn(|format| ReportWriter::new(scan_id, format));
    let rendered = render(&inputs, &HostSource, &mut sinks)?;
    let mut formats = Vec::with_capacity(4);
    for (format, writer) in sinks.named() {
        let bytes = writer.finish().map_err(ReportError::Store)?;
        formats.push(FormatBytes { format, bytes });
    }
    let data = Generated {
        scan_id,
        account_id: &inputs.scan.account,
        formats,
        results: rendered.results,
        posture: rendered
            .posture
            .iter()
            .map(|(id, score)| (id.as_str(), *score))
            .collect(),
    };
    let event = NewEvent::new(REPORT_GENERATED, data)
        .map_err(|e| ReportError::Write(std::io::Error::other(e)))?;
    Ok(event.correlation_id(scan_id))
}
