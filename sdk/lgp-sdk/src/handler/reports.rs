//! Rendered reports of the tenant's scans, stored by the host. Granted to a manifest that asks for
//! the `reports` capability.
//!
//! A report is appended in chunks, so it can be far larger than the plugin's memory: render into a
//! [`ReportWriter`] (an [`std::io::Write`]) while paging through the results, and it hands the
//! host a chunk every [`CHUNK_BYTES`]. The host stores the reports only when the invocation
//! succeeds.

use crate::host::HostError;
use std::io;

/// The formats the host stores.
pub const FORMATS: [&str; 4] = ["json", "csv", "html", "ocsf"];

/// How many bytes a [`ReportWriter`] gathers before handing them to the host: large enough that
/// host calls are rare, small enough to keep the plugin's memory flat.
pub const CHUNK_BYTES: usize = 1 << 20;

/// Appends `chunk` to this invocation's report of `scan_id` in `format` (one of [`FORMATS`]).
pub fn append(scan_id: &str, format: &str, chunk: &[u8]) -> Result<(), HostError> {
    #[cfg(target_arch = "wasm32")]
    return crate::bindings::handler::lg_protect::plugin::reports::append(scan_id, format, chunk)
        .map_err(Into::into);
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (scan_id, format, chunk);
        Err(crate::host::no_host("reports"))
    }
}

/// A report being written: buffers and appends to the host in [`CHUNK_BYTES`] chunks. Call
/// [`ReportWriter::finish`] at the end; dropping it unfinished loses the unflushed tail.
#[derive(Debug)]
pub struct ReportWriter {
    scan_id: String,
    format: String,
    buf: Vec<u8>,
    written: u64,
}

impl ReportWriter {
    /// A writer of the report of `scan_id` in `format`.
    pub fn new(scan_id: &str, format: &str) -> Self {
        ReportWriter {
            scan_id: scan_id.to_owned(),
            format: format.to_owned(),
            buf: Vec::with_capacity(CHUNK_BYTES),
            written: 0,
        }
    }

    /// Hands the buffered bytes to the host and returns the report's size in bytes.
    pub fn finish(mut self) -> Result<u64, HostError> {
        self.hand_over()?;
        Ok(self.written)
    }

    fn hand_over(&mut self) -> Result<(), HostError> {
        if !self.buf.is_empty() {
            append(&self.scan_id, &self.format, &self.buf)?;
            self.written += self.buf.len() as u64;
            self.buf.clear();
        }
        Ok(())
    }
}

impl io::Write for ReportWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK_BYTES {
            self.hand_over().map_err(io::Error::other)?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        // Chunks go to the host when full or at `finish`; a flush mid-way would only make
        // more, smaller host calls.
        Ok(())
    }
}
