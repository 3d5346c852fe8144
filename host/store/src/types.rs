//! The records the store keeps.

use lgp_events::{EventId, EventType, TenantId};
use lgp_model::{Resource, Severity, Status};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// A tenant of the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tenant {
    /// Its id.
    pub id: TenantId,
    /// Display name.
    pub name: String,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// An AWS account a tenant scans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The 12-digit account id.
    pub account_id: String,
    /// Display name.
    pub name: String,
    /// Role to assume for scanning, when not using the default credentials.
    pub role_arn: Option<String>,
    /// External id for the role assumption.
    pub external_id: Option<String>,
}

/// Where a scan is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScanStatus {
    /// Created, not started.
    Pending,
    /// Collecting or evaluating.
    Running,
    /// Every finding stored.
    Completed,
    /// Stopped by an error.
    Failed,
    /// Stopped on request.
    Cancelled,
}

/// Progress counters of a scan. Monotonic: updates only add.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanCounters {
    /// Resources collected.
    pub resources: u64,
    /// Discovery batches published.
    pub batches_published: u64,
    /// Discovery batches fully evaluated and stored.
    pub batches_evaluated: u64,
    /// Results stored.
    pub results: u64,
    /// Passing results (not muted).
    pub passed: u64,
    /// Failing results (not muted).
    pub failed: u64,
    /// Results that could not be decided.
    pub errored: u64,
    /// Results needing a person.
    pub manual: u64,
    /// Rule evaluations (discovery batch × rule plugin) the scan needs; set when collection ends.
    pub evaluations_expected: u64,
    /// Rule evaluations finished and stored (successfully or as error results).
    pub evaluations_done: u64,
    /// Results a mute rule covers, whatever their status (counted here only).
    #[serde(default)]
    pub muted: u64,
}

impl std::ops::AddAssign<&ScanCounters> for ScanCounters {
    /// Adds every counter of `other`: several updates gathered into one.
    fn add_assign(&mut self, other: &ScanCounters) {
        self.resources += other.resources;
        self.batches_published += other.batches_published;
        self.batches_evaluated += other.batches_evaluated;
        self.results += other.results;
        self.passed += other.passed;
        self.failed += other.failed;
        self.errored += other.errored;
        self.manual += other.manual;
        self.evaluations_expected += other.evaluations_expected;
        self.evaluations_done += other.evaluations_done;
        self.muted += other.muted;
    }
}

/// One scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scan {
    /// The scan id (a ULID), also the events' correlation id.
    pub scan_id: String,
    /// The scanned account.
    pub account_id: String,
    /// What was scanned: `live`, `snapshot`, `demo`.
    pub source: String,
    /// Where it is.
    pub status: ScanStatus,
    /// When it started.
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// When it ended.
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
    /// Whether collection has finished (every discovery batch is published).
    pub collected: bool,
    /// Progress.
    pub counters: ScanCounters,
    /// Collection and evaluation errors by category (`access_denied`, `plugin`…).
    pub errors: BTreeMap<String, u64>,
}

/// A change to a scan: counters are added, the rest replaces when set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanUpdate {
    /// New status.
    pub status: Option<ScanStatus>,
    /// Set the end time.
    pub finished_at: Option<OffsetDateTime>,
    /// Set the collection-finished flag.
    pub collected: Option<bool>,
    /// Added to the counters.
    pub add: ScanCounters,
    /// Added to the error counts.
    pub add_errors: BTreeMap<String, u64>,
}

/// A resource as recorded by one scan, with the hash that detects changes.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceVersion {
    /// The resource.
    pub resource: Resource,
    /// SHA-256 (hex) of the resource's canonical JSON.
    pub content_hash: String,
}

/// Which inventory to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InventoryFilter {
    /// Only this kind.
    pub kind: Option<String>,
    /// Only this region.
    pub region: Option<String>,
    /// Only resources with this tag (and value, when given).
    pub tag: Option<(String, Option<String>)>,
}

/// One evaluated check × resource of a scan, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewResult {
    /// The check.
    pub check_id: String,
    /// The check's service.
    pub service: String,
    /// The resource.
    pub resource_arn: String,
    /// The resource's account.
    pub account_id: String,
    /// The resource's region.
    pub region: String,
    /// The outcome.
    pub status: Status,
    /// The severity.
    pub severity: Severity,
    /// What is right or wrong.
    pub message: String,
    /// What decided it (a JSON object).
    pub evidence: serde_json::Value,
    /// Whether a mute rule of the tenant covers it (the result is kept and reported, but
    /// raises no violation).
    pub muted: bool,
}

/// A change of a result's status or mute, kept as its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    /// The scan that saw it.
    pub scan_id: String,
    /// The status from then on.
    pub status: Status,
    /// Whether it was muted from then on.
    #[serde(default)]
    pub muted: bool,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// The current result of one check on one resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultRecord {
    /// Deterministic id: a hash of tenant, check and resource.
    pub result_id: String,
    /// The check.
    pub check_id: String,
    /// The check's service.
    pub service: String,
    /// The resource.
    pub resource_arn: String,
    /// The resource's account.
    pub account_id: String,
    /// The resource's region.
    pub region: String,
    /// Current outcome.
    pub status: Status,
    /// Severity.
    pub severity: Severity,
    /// Latest message.
    pub message: String,
    /// Latest evidence.
    pub evidence: serde_json::Value,
    /// First time any scan saw this result.
    #[serde(with = "time::serde::rfc3339")]
    pub first_seen: OffsetDateTime,
    /// Last time a scan saw it.
    #[serde(with = "time::serde::rfc3339")]
    pub last_seen: OffsetDateTime,
    /// The last scan that saw it.
    pub last_scan_id: String,
    /// Whether a mute applies.
    pub muted: bool,
    /// Set when the resource disappeared; the result no longer counts as failing.
    pub resource_removed: bool,
    /// Status and mute changes, oldest first.
    pub history: Vec<StatusChange>,
}

impl NewResult {
    /// Whether storing it over `record` changes the result's status or mute (a retired
    /// resource's result coming back counts as a change).
    pub fn changes(&self, record: &ResultRecord) -> bool {
        record.status != self.status || record.resource_removed || record.muted != self.muted
    }

    fn step(&self, scan_id: &str, at: OffsetDateTime) -> StatusChange {
        StatusChange {
            scan_id: scan_id.to_owned(),
            status: self.status,
            muted: self.muted,
            at,
        }
    }
}

impl ResultRecord {
    /// The record a result creates when nothing was stored under `result_id` before.
    pub fn first(result_id: &str, scan_id: &str, at: OffsetDateTime, new: &NewResult) -> Self {
        ResultRecord {
            result_id: result_id.to_owned(),
            check_id: new.check_id.clone(),
            service: new.service.clone(),
            resource_arn: new.resource_arn.clone(),
            account_id: new.account_id.clone(),
            region: new.region.clone(),
            status: new.status,
            severity: new.severity,
            message: new.message.clone(),
            evidence: new.evidence.clone(),
            first_seen: at,
            last_seen: at,
            last_scan_id: scan_id.to_owned(),
            muted: new.muted,
            resource_removed: false,
            history: vec![new.step(scan_id, at)],
        }
    }

    /// Stores `new` (from scan `scan_id`, not older than the record's last writer) over this
    /// record, as every store does: a status or mute change appends to the history and is
    /// returned as a [`Transition`]; otherwise only severity, message, evidence and when it was
    /// last seen follow the newer scan, and nothing is returned.
    pub fn apply(
        &mut self,
        scan_id: &str,
        at: OffsetDateTime,
        new: &NewResult,
    ) -> Option<Transition> {
        let changed = new.changes(self);
        // A resource that comes back counts as new: its earlier failure was already resolved
        // when it disappeared.
        let previous = (!self.resource_removed).then_some(self.status);
        let previous_muted = previous.is_some() && self.muted;
        if changed {
            self.history.push(new.step(scan_id, at));
            self.service = new.service.clone();
            self.account_id = new.account_id.clone();
            self.region = new.region.clone();
            self.status = new.status;
            self.resource_removed = false;
            self.muted = new.muted;
        }
        self.severity = new.severity;
        self.message = new.message.clone();
        self.evidence = new.evidence.clone();
        self.last_seen = at;
        self.last_scan_id = scan_id.to_owned();
        changed.then(|| Transition {
            record: self.clone(),
            previous,
            previous_muted,
        })
    }
}

/// What storing a result changed, for deciding which events to emit.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    /// The result after the change.
    pub record: ResultRecord,
    /// Its status before; `None` if it is new, or back after its resource was retired.
    pub previous: Option<Status>,
    /// Whether it was muted before (`false` when `previous` is `None`).
    pub previous_muted: bool,
}

impl Transition {
    /// The result now counts as a failure and did not before: it fails unmuted, and it is new,
    /// was passing/erroring, or its mute just ended (expired or removed).
    pub fn is_new_failure(&self) -> bool {
        self.record.status == Status::Fail
            && !self.record.resource_removed
            && !self.record.muted
            && (self.previous != Some(Status::Fail) || self.previous_muted)
    }

    /// The result counted as a failure before and does not now: it passes, its resource is
    /// gone, or it was muted.
    pub fn is_resolution(&self) -> bool {
        self.previous == Some(Status::Fail)
            && !self.previous_muted
            && (self.record.status != Status::Fail
                || self.record.resource_removed
                || self.record.muted)
    }
}

/// Which results to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResultFilter {
    /// Only this status.
    pub status: Option<Status>,
    /// Only this severity.
    pub severity: Option<Severity>,
    /// Only this check.
    pub check_id: Option<String>,
    /// Only this resource.
    pub resource_arn: Option<String>,
    /// Only muted (`true`) or unmuted (`false`) results.
    pub muted: Option<bool>,
    /// Only results last seen by this scan.
    pub scan_id: Option<String>,
}

/// An event of the audit trail, its data sealed for the tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    /// Event id (sortable).
    pub event_id: EventId,
    /// Event type.
    pub event_type: EventType,
    /// Scan id, when there is one.
    pub correlation_id: Option<String>,
    /// When it was published.
    pub at: OffsetDateTime,
    /// The sealed envelope (AES-256-GCM, see lgp-crypto).
    pub sealed: Vec<u8>,
}

/// Which events to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Only this type.
    pub event_type: Option<EventType>,
    /// Only this scan.
    pub correlation_id: Option<String>,
    /// Only events at or after this time.
    pub since: Option<OffsetDateTime>,
}

/// An alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertRecord {
    /// Deterministic id chosen by the alert engine (origin × check × resource, see docs/alerts.md).
    pub alert_id: String,
    /// The check.
    pub check_id: String,
    /// The resource.
    pub resource_arn: String,
    /// `open`, `acknowledged` or `resolved`.
    pub state: String,
    /// Severity.
    pub severity: Severity,
    /// When it opened.
    #[serde(with = "time::serde::rfc3339")]
    pub opened_at: OffsetDateTime,
    /// Last change.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Who acknowledged it.
    pub acknowledged_by: Option<String>,
    /// Free-form details (JSON object).
    pub details: serde_json::Value,
}

/// A stored plugin component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginRecord {
    /// Plugin name.
    pub name: String,
    /// Version.
    pub version: String,
    /// `rule`, `collector` or `handler`.
    pub kind: String,
    /// SHA-256 of the component, hex.
    pub content_hash: String,
    /// Size in bytes.
    pub size: u64,
    /// Whether it runs.
    pub enabled: bool,
    /// When it was uploaded.
    #[serde(with = "time::serde::rfc3339")]
    pub uploaded_at: OffsetDateTime,
}
