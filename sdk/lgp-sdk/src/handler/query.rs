//! Read-only queries of the invocation's tenant: its scans' results (with their outcome at the
//! previous scan), summaries and inventory, and the checks and frameworks the host knows. Granted
//! to a manifest that asks for the `query` capability.

use crate::host::HostError;
use crate::meta::{CheckMeta, Severity};
use crate::resource::RawResource;
use crate::rule::{Finding, Status};
use serde::{Deserialize, Serialize};

/// One page of a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Cursor of the next page; `None` on the last page.
    pub next: Option<String>,
}

/// A page of the findings of `scan_id` (only of `check_id` when set).
pub fn findings(
    scan_id: &str,
    check_id: Option<&str>,
    cursor: Option<&str>,
    limit: u32,
) -> Result<Page<Finding>, HostError> {
    #[cfg(target_arch = "wasm32")]
    {
        use crate::bindings::handler::lg_protect::plugin::query as wit;
        let page = wit::findings(&wit::FindingQuery {
            scan_id: scan_id.to_owned(),
            check_id: check_id.map(str::to_owned),
            cursor: cursor.map(str::to_owned),
            limit,
        })?;
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(crate::glue::finding_from_wit)
                .collect(),
            next: page.next,
        })
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (scan_id, check_id, cursor, limit);
        Err(crate::host::no_host("query"))
    }
}

/// A page of the inventory of `scan_id` (only of `kind` when set), properties unparsed.
pub fn inventory(
    scan_id: &str,
    kind: Option<&str>,
    cursor: Option<&str>,
    limit: u32,
) -> Result<Page<RawResource>, HostError> {
    #[cfg(target_arch = "wasm32")]
    {
        use crate::bindings::handler::lg_protect::plugin::query as wit;
        let page = wit::inventory(&wit::InventoryQuery {
            scan_id: scan_id.to_owned(),
            kind: kind.map(str::to_owned),
            cursor: cursor.map(str::to_owned),
            limit,
        })?;
        Ok(Page {
            items: page.items.into_iter().map(RawResource::from).collect(),
            next: page.next,
        })
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (scan_id, kind, cursor, limit);
        Err(crate::host::no_host("query"))
    }
}

/// The previous completed scan of the same account before `scan_id`, if any.
pub fn previous_scan(scan_id: &str) -> Result<Option<String>, HostError> {
    #[cfg(target_arch = "wasm32")]
    return crate::bindings::handler::lg_protect::plugin::query::previous_scan(scan_id)
        .map_err(Into::into);
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = scan_id;
        Err(crate::host::no_host("query"))
    }
}

/// A result's outcome as of an earlier scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorOutcome {
    /// Its status then.
    pub status: Status,
    /// Whether a mute covered it then.
    pub muted: bool,
}

/// One stored result (check × resource) as a scan last saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanResult {
    /// The check that produced it.
    pub check_id: String,
    /// The evaluated resource.
    pub resource_arn: String,
    /// The resource's account.
    pub account: String,
    /// The resource's region (`global` for global services).
    pub region: String,
    /// The check's service, e.g. `s3`.
    pub service: String,
    /// The outcome.
    pub status: Status,
    /// The severity.
    pub severity: Severity,
    /// What is right or wrong with the resource.
    pub message: String,
    /// What decided it, as JSON text (an object).
    pub evidence: String,
    /// Whether a mute rule of the tenant covers it.
    pub muted: bool,
    /// Whether its resource has since disappeared (the result no longer counts).
    pub resource_removed: bool,
    /// When any scan first saw this result, RFC 3339 UTC.
    pub first_seen: String,
    /// Its outcome at the previous completed scan of the same account; `None` when it did not
    /// exist then or there is no previous scan.
    pub previous: Option<PriorOutcome>,
}

/// A scan's identity, progress counters and error summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanSummary {
    /// The scan id (a ULID).
    pub scan_id: String,
    /// The scanned account.
    pub account: String,
    /// What was scanned: `live`, `snapshot` or `demo`.
    pub source: String,
    /// `pending`, `running`, `completed`, `failed` or `cancelled`.
    pub status: String,
    /// When it started, RFC 3339 UTC.
    pub started_at: String,
    /// When it ended, RFC 3339 UTC.
    pub finished_at: Option<String>,
    /// Resources collected.
    pub resources: u64,
    /// Results stored.
    pub results: u64,
    /// Passing results no mute covers.
    pub passed: u64,
    /// Failing results no mute covers.
    pub failed: u64,
    /// Results that could not be decided.
    pub errored: u64,
    /// Results needing a person.
    pub manual: u64,
    /// Results a mute covers, whatever their status.
    pub muted: u64,
    /// Collection and evaluation errors by category, e.g. `("access_denied", 3)`.
    pub errors: Vec<(String, u64)>,
}

/// A control of a compliance framework.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Control {
    /// The control id, e.g. `2.1.1`.
    pub id: String,
    /// Its short title.
    pub title: String,
    /// The section it belongs to.
    pub section: String,
}

/// A compliance framework of the host's catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Framework {
    /// Its id, e.g. `cis-aws-3.0`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Who publishes it.
    pub publisher: String,
    /// Every control, checked automatically or not.
    pub controls: Vec<Control>,
}

/// A page of the results `scan_id` was the last scan to see, ordered by check then resource:
/// for the newest scan, all of its results; for an older one, those no later scan saw again.
pub fn results(
    scan_id: &str,
    cursor: Option<&str>,
    limit: u32,
) -> Result<Page<ScanResult>, HostError> {
    #[cfg(target_arch = "wasm32")]
    {
        use crate::bindings::handler::lg_protect::plugin::query as wit;
        let page = wit::results(&wit::ResultQuery {
            scan_id: scan_id.to_owned(),
            cursor: cursor.map(str::to_owned),
            limit,
        })?;
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(crate::glue::scan_result_from_wit)
                .collect(),
            next: page.next,
        })
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (scan_id, cursor, limit);
        Err(crate::host::no_host("query"))
    }
}

/// Every result `scan_id` was the last to see, page by page (`limit` per page), handed to `each`
/// in order; stops at the first error, the host's or `each`'s.
pub fn for_each_result<E: From<HostError>>(
    scan_id: &str,
    limit: u32,
    mut each: impl FnMut(&ScanResult) -> Result<(), E>,
) -> Result<(), E> {
    let mut cursor: Option<String> = None;
    loop {
        let page = results(scan_id, cursor.as_deref(), limit)?;
        page.items.iter().try_for_each(&mut each)?;
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(()),
        }
    }
}

/// A scan's summary.
pub fn scan(scan_id: &str) -> Result<ScanSummary, HostError> {
    #[cfg(target_arch = "wasm32")]
    return crate::bindings::handler::lg_protect::plugin::query::scan(scan_id)
        .map(crate::glue::scan_summary_from_wit)
        .map_err(Into::into);
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = scan_id;
        Err(crate::host::no_host("query"))
    }
}

/// The checks that run for the tenant, ordered by id.
pub fn checks() -> Result<Vec<CheckMeta>, HostError> {
    #[cfg(target_arch = "wasm32")]
    return crate::bindings::handler::lg_protect::plugin::query::checks()
        .map(|checks| checks.into_iter().map(CheckMeta::from).collect())
        .map_err(Into::into);
    #[cfg(not(target_arch = "wasm32"))]
    Err(crate::host::no_host("query"))
}

/// The compliance frameworks the host knows, with their controls.
pub fn frameworks() -> Result<Vec<Framework>, HostError> {
    #[cfg(target_arch = "wasm32")]
    return crate::bindings::handler::lg_protect::plugin::query::frameworks()
        .map(|fs| {
            fs.into_iter()
                .map(crate::glue::framework_from_wit)
                .collect()
        })
        .map_err(Into::into);
    #[cfg(not(target_arch = "wasm32"))]
    Err(crate::host::no_host("query"))
}
