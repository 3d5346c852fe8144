//! Why a report could not be rendered, and what the bus should do about it.

use lgp_sdk::HostError;
use lgp_sdk::handler::DeliveryError;
use std::{fmt, io};

/// A failure while rendering the reports of a scan.
#[derive(Debug)]
pub enum ReportError {
    /// Reading the scan, its results or the catalogue failed.
    Query(HostError),
    /// The host refused a chunk of a report.
    Store(HostError),
    /// A sink failed otherwise.
    Write(io::Error),
}

impl fmt::Display for ReportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReportError::Query(e) => write!(f, "failed to read the scan: {e}"),
            ReportError::Store(e) => write!(f, "failed to store a report: {e}"),
            ReportError::Write(e) => write!(f, "failed to write a report: {e}"),
        }
    }
}

impl std::error::Error for ReportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReportError::Query(e) | ReportError::Store(e) => Some(e),
            ReportError::Write(e) => Some(e),
        }
    }
}

impl From<HostError> for ReportError {
    fn from(e: HostError) -> Self {
        ReportError::Query(e)
    }
}

impl From<io::Error> for ReportError {
    /// A [`HostError`] inside the I/O error (how `ReportWriter` reports a refused chunk) is the
    /// host refusing to store.
    fn from(e: io::Error) -> Self {
        match e.get_ref().and_then(|i| i.downcast_ref::<HostError>()) {
            Some(host) => ReportError::Store(host.clone()),
            None => ReportError::Write(e),
        }
    }
}

impl From<ReportError> for DeliveryError {
    /// Host failures keep the SDK's mapping, except that a report over the host's size cap is
    /// rejected: rendering the same scan again would exceed it again.
    fn from(e: ReportError) -> Self {
        match e {
            ReportError::Store(HostError::LimitExceeded(_)) => DeliveryError::Reject(e.to_string()),
            ReportError::Query(h) | ReportError::Store(h) => h.into(),
            ReportError::Write(_) => DeliveryError::Retry(e.to_string()),
        }
    }
}
