//! The host side of the `reports` interface: chunks of rendered reports gathered outside the
//! sandbox, within the invocation's report budget, for the caller to store once the invocation
//! succeeds.

use super::HostState;
use crate::services::{REPORT_FORMATS, RenderedReport};
use lgp_world::handler::lg_protect::plugin::reports;
use lgp_world::types::HostError;
use std::time::Instant;

impl HostState {
    async fn append_report(
        &mut self,
        scan_id: String,
        format: String,
        chunk: Vec<u8>,
    ) -> Result<(), HostError> {
        let store = self
            .grants
            .reports
            .clone()
            .ok_or_else(|| Self::denied("reports"))?;
        if !REPORT_FORMATS.contains(&format.as_str()) {
            return Err(HostError::InvalidArgument(format!(
                "unknown report format {format:?}; the host stores {}",
                REPORT_FORMATS.join(", ")
            )));
        }
        let total = self.report_bytes.saturating_add(chunk.len());
        if total > self.limits.report_bytes {
            return Err(HostError::LimitExceeded(format!(
                "report limit of {} bytes per invocation reached",
                self.limits.report_bytes
            )));
        }
        let position = self
            .reports
            .iter()
            .position(|r| r.scan_id == scan_id && r.format == format);
        let index = match position {
            Some(i) => i,
            None => {
                // The first chunk of a report: the scan must be the tenant's.
                if scan_id.is_empty() {
                    return Err(HostError::InvalidArgument("the scan id is empty".into()));
                }
                let started = Instant::now();
                let known = store.check_scan(&scan_id).await;
                self.waited_on_store(started);
                known?;
                self.reports.push(RenderedReport {
                    scan_id,
                    format,
                    body: Vec::new(),
                });
                self.reports.len() - 1
            }
        };
        self.reports[index].body.extend_from_slice(&chunk);
        self.report_bytes = total;
        Ok(())
    }
}

impl reports::Host for HostState {
    async fn append(
        &mut self,
        scan_id: String,
        format: String,
        chunk: Vec<u8>,
    ) -> wasmtime::Result<Result<(), HostError>> {
        Ok(self.append_report(scan_id, format, chunk).await)
    }
}
