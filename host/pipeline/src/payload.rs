//! The payloads (`data`) of the events the pipeline publishes and consumes.

use lgp_model::{Resource, Severity, Status};
use lgp_store::ResultRecord;
use serde::{Deserialize, Serialize};

/// `inventory.discovered`: one batch of collected resources.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DiscoveredBatch {
    /// The scan.
    pub scan_id: String,
    /// The account.
    pub account_id: String,
    /// Position of the batch in the scan, from 0.
    pub batch: u64,
    /// The resources.
    pub resources: Vec<Resource>,
}

/// `compliance.violation` and `compliance.resolved`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultEvent {
    /// The scan that saw the change.
    pub scan_id: String,
    /// The result's deterministic id.
    pub result_id: String,
    /// The check.
    pub check_id: String,
    /// The resource.
    pub resource_arn: String,
    /// The resource's account.
    pub account_id: String,
    /// The resource's region.
    pub region: String,
    /// The check's service.
    pub service: String,
    /// Severity.
    pub severity: Severity,
    /// Status now.
    pub status: Status,
    /// Status before, if the result existed.
    pub previous_status: Option<Status>,
    /// What is right or wrong.
    pub message: String,
    /// For resolutions: `passed`, `resource_removed` or `muted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl ResultEvent {
    /// The event of a result's change.
    pub fn from_record(scan_id: &str, r: &ResultRecord, previous: Option<Status>) -> Self {
        ResultEvent {
            scan_id: scan_id.to_owned(),
            result_id: r.result_id.clone(),
            check_id: r.check_id.clone(),
            resource_arn: r.resource_arn.clone(),
            account_id: r.account_id.clone(),
            region: r.region.clone(),
            service: r.service.clone(),
            severity: r.severity,
            status: r.status,
            previous_status: previous,
            message: r.message.clone(),
            reason: None,
        }
    }
}

/// `system.service.error`: a component or plugin gave up on an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceError {
    /// `plugin:<name>` or a host component.
    pub component: String,
    /// Error category: `plugin`, `store`, `payload`…
    pub category: String,
    /// The error.
    pub error: String,
    /// The event that could not be handled.
    pub event_id: String,
    /// Its type.
    pub event_type: String,
    /// Deliveries made.
    pub attempts: u32,
}
