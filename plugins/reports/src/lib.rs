//! LG-Protect's built-in report generator: when a scan completes, it renders the scan's results
//! as four reports — JSON, CSV, HTML and OCSF — hands them to the host to store, and publishes
//! `report.generated`.
//!
//! It subscribes to `compliance.scan.completed` and asks for the `query` (read the scan, its
//! results, the checks and frameworks) and `reports` (store rendered reports) capabilities. The
//! formats and their fields are documented in `docs/reports.md`; the JSON report's schema is
//! `docs/report.schema.json`.
//!
//! The rendering is an engine generic over a [`source::ResultSource`] and [`std::io::Write`]
//! sinks ([`engine::render`]), so it runs and is tested natively over results in memory; only
//! [`host`] talks to the host. Memory stays flat in the number of results: the engine reads the
//! results twice (aggregate, then write) and keeps only counters and the diff's (check, resource)
//! pairs, while the sinks hand the host 1 MiB chunks.
//!
//! What it deliberately does not do: it keeps no state and stores nothing itself (a redelivered
//! event renders the reports again, replacing them), and it does not decide which results a scan
//! has — the host's `query::results` does.

pub mod catalog;
pub mod charts;
pub mod csv;
pub mod diff;
pub mod engine;
pub mod error;
pub mod evidence;
pub mod groups;
pub mod host;
pub mod html;
pub mod json;
pub mod ocsf;
pub mod source;
pub mod summary;
pub mod synthetic;
pub mod tally;

use lgp_sdk::handler::{self, DeliveryError, Event};
use lgp_sdk::{HandlerPlugin, PluginInfo};
use serde::Deserialize;

/// The event that starts a report.
pub const SCAN_COMPLETED: &str = "compliance.scan.completed";

/// The report plugin.
pub struct Reports;

/// The fields of `compliance.scan.completed` the plugin reads.
#[derive(Debug, Deserialize)]
struct Completed {
    scan_id: String,
}

impl HandlerPlugin for Reports {
    fn info() -> PluginInfo {
        PluginInfo::handler(
            "reports",
            env!("CARGO_PKG_VERSION"),
            "Renders each completed scan as JSON, CSV, HTML and OCSF reports.",
        )
        .subscribe(SCAN_COMPLETED)
        .capability("query")
        .capability("reports")
    }

    fn handle(event: Event) -> Result<(), DeliveryError> {
        if event.event_type != SCAN_COMPLETED {
            return Ok(());
        }
        let completed: Completed = event.data()?;
        let generated = host::generate(&completed.scan_id)?;
        handler::emit(&[generated])?;
        Ok(())
    }
}

lgp_sdk::export_handler!(Reports);

#[cfg(test)]
mod tests;
