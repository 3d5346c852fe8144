//! Rules: [`Check`]s that turn one [`Resource`] into an [`Outcome`], grouped by a [`RulePlugin`],
//! and [`evaluate`], the dispatch that runs them over a batch.
//!
//! Dispatch is the SDK's job, not the author's: each resource's properties are parsed once per
//! batch (not once per check), only the checks whose `resource_kinds` include the resource's kind
//! run, every applicable check gives exactly one [`Finding`] per resource, and a resource whose
//! properties are not a JSON object gives `error` findings for every applicable check.

use crate::meta::{CheckMeta, PluginInfo, Severity};
use crate::resource::{PropertyError, RawResource, Resource, WHOLE_RESOURCE};
use crate::time::{self, TimeError};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// Facts about the evaluation that checks may use. Rules have no clock: "now" is the scan's
/// reference time, so the same input always gives the same findings.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Context {
    /// The scan being evaluated.
    pub scan_id: String,
    /// The scan's reference time, seconds since the Unix epoch.
    pub now_unix_seconds: i64,
}

impl Context {
    /// A context for `scan_id` at `now_unix_seconds`.
    pub fn new(scan_id: impl Into<String>, now_unix_seconds: i64) -> Self {
        Self {
            scan_id: scan_id.into(),
            now_unix_seconds,
        }
    }

    /// Whole days from the RFC 3339 `timestamp` to the scan's reference time (negative when the
    /// timestamp is in the future).
    pub fn age_in_days(&self, timestamp: &str) -> Result<i64, TimeError> {
        time::age_in_days(timestamp, self.now_unix_seconds)
    }
}

/// The outcome of one check on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The resource satisfies the check.
    Pass,
    /// The resource violates the check.
    Fail,
    /// The check could not decide because its input was missing or malformed; never a guess.
    Error,
    /// A person has to decide.
    Manual,
}

impl Status {
    /// The lowercase name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
            Status::Manual => "manual",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of one check on one resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The check that produced it.
    pub check_id: String,
    /// The evaluated resource's ARN.
    pub resource_arn: String,
    /// The outcome.
    pub status: Status,
    /// The severity (the check's unless the outcome overrode it).
    pub severity: Severity,
    /// A sentence naming the resource and what is right or wrong with it.
    pub message: String,
    /// The property values that decided the outcome, a JSON object.
    pub evidence: Value,
}

/// What a check decided about one resource; the SDK adds check id, ARN and severity.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Pass, fail, error or manual.
    pub status: Status,
    /// A sentence naming the resource and what is right or wrong with it.
    pub message: String,
    /// The property values that decided the outcome.
    pub evidence: Map<String, Value>,
    /// Overrides the check's severity for this finding (e.g. public *write* is worse than read).
    pub severity: Option<Severity>,
}

impl Outcome {
    fn with_status(status: Status, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            evidence: Map::new(),
            severity: None,
        }
    }

    /// The resource satisfies the check.
    pub fn pass(message: impl Into<String>) -> Self {
        Self::with_status(Status::Pass, message)
    }

    /// The resource violates the check.
    pub fn fail(message: impl Into<String>) -> Self {
        Self::with_status(Status::Fail, message)
    }

    /// The check cannot decide; `reason` says why.
    pub fn error(reason: impl Into<String>) -> Self {
        Self::with_status(Status::Error, reason)
    }

    /// A person has to decide.
    pub fn manual(message: impl Into<String>) -> Self {
        Self::with_status(Status::Manual, message)
    }

    /// Pass or fail with the matching message.
    pub fn pass_if(
        ok: bool,
        pass_message: impl Into<String>,
        fail_message: impl Into<String>,
    ) -> Self {
        if ok {
            Self::pass(pass_message)
        } else {
            Self::fail(fail_message)
        }
    }

    /// Adds one evidence entry. Values that cannot be represented as JSON are recorded as a
    /// string saying so.
    pub fn evidence(mut self, key: impl Into<String>, value: impl Serialize) -> Self {
        let value = serde_json::to_value(value)
            .unwrap_or_else(|e| Value::String(format!("unserializable evidence: {e}")));
        self.evidence.insert(key.into(), value);
        self
    }

    /// Overrides the check's severity for this finding.
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }
}

/// Why a check could not decide. Any error converts into it with `?` (like `anyhow::Error`,
/// it deliberately does not implement `std::error::Error` itself); its message becomes the
/// `error` finding's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckError(String);

impl CheckError {
    /// An error with this reason.
    pub fn new(reason: impl Into<String>) -> Self {
        Self(reason.into())
    }

    /// The reason.
    pub fn reason(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<E: std::error::Error> From<E> for CheckError {
    fn from(e: E) -> Self {
        Self(e.to_string())
    }
}

/// What a check function returns: an outcome, or why it could not decide.
pub type CheckResult = Result<Outcome, CheckError>;

type CheckFn = dyn Fn(&Resource, &Context) -> CheckResult + Send + Sync;

/// One check: its metadata and the function that evaluates one parsed resource.
pub struct Check {
    meta: CheckMeta,
    eval: Box<CheckFn>,
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Check")
            .field("meta", &self.meta)
            .finish_non_exhaustive()
    }
}

impl Check {
    /// A check described by `meta` and decided by `eval` (a function or a closure).
    pub fn new(
        meta: CheckMeta,
        eval: impl Fn(&Resource, &Context) -> CheckResult + Send + Sync + 'static,
    ) -> Self {
        Self {
            meta,
            eval: Box::new(eval),
        }
    }

    /// The check's metadata.
    pub fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    /// The check's id.
    pub fn id(&self) -> &str {
        &self.meta.id
    }

    /// Consumes the check, keeping its metadata.
    pub fn into_meta(self) -> CheckMeta {
        self.meta
    }

    /// Runs the check on one resource (whatever its kind) and wraps the outcome in a finding.
    pub fn run(&self, resource: &Resource, context: &Context) -> Finding {
        // A resource (or a failed listing's placeholder) the collector could not read at all:
        // no check may guess about it.
        if let Some(error) = resource.collection_error(WHOLE_RESOURCE) {
            let e = PropertyError::NotCollected {
                property: WHOLE_RESOURCE.to_owned(),
                error,
            };
            return self.error_finding(&resource.arn, &resource.name, &e.to_string());
        }
        match (self.eval)(resource, context) {
            Ok(outcome) => Finding {
                check_id: self.meta.id.clone(),
                resource_arn: resource.arn.clone(),
                status: outcome.status,
                severity: outcome.severity.unwrap_or(self.meta.severity),
                message: outcome.message,
                evidence: Value::Object(outcome.evidence),
            },
            Err(e) => self.error_finding(&resource.arn, &resource.name, e.reason()),
        }
    }

    fn error_finding(&self, arn: &str, name: &str, reason: &str) -> Finding {
        let mut evidence = Map::new();
        evidence.insert("error".to_owned(), Value::String(reason.to_owned()));
        Finding {
            check_id: self.meta.id.clone(),
            resource_arn: arn.to_owned(),
            status: Status::Error,
            severity: self.meta.severity,
            message: format!(
                "{} could not be evaluated on {name}: {reason}",
                self.meta.id
            ),
            evidence: Value::Object(evidence),
        }
    }
}

/// A rule plugin: a description and a list of checks. Export it with
/// [`export_rule!`](crate::export_rule).
pub trait RulePlugin {
    /// The plugin's description of itself (build it with [`PluginInfo::rule`]).
    fn info() -> PluginInfo;

    /// The plugin's checks. Called once per invocation, so keep it cheap: build metadata, do not
    /// compute.
    fn checks() -> Vec<Check>;
}

/// Remembers which checks apply to the kind seen last; batches are usually of one kind.
struct Applicable {
    kind: Option<String>,
    indexes: Vec<usize>,
}

impl Applicable {
    fn for_kind<'a>(&'a mut self, checks: &[Check], kind: &str) -> &'a [usize] {
        if self.kind.as_deref() != Some(kind) {
            self.indexes.clear();
            self.indexes.extend(
                checks
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.meta.applies_to(kind))
                    .map(|(i, _)| i),
            );
            self.kind = Some(kind.to_owned());
        }
        &self.indexes
    }
}

/// Evaluates a batch of wire-form resources: parses each resource's properties once, runs the
/// checks that apply to its kind, and returns one finding per applicable check and resource, in
/// batch order then check order. Resources no check applies to are skipped without parsing.
pub fn evaluate(
    checks: &[Check],
    context: &Context,
    batch: impl IntoIterator<Item = RawResource>,
) -> Vec<Finding> {
    let batch = batch.into_iter();
    let mut findings = Vec::with_capacity(batch.size_hint().0.saturating_mul(checks.len()));
    let mut applicable = Applicable {
        kind: None,
        indexes: Vec::new(),
    };
    for raw in batch {
        let indexes = applicable.for_kind(checks, &raw.kind);
        if indexes.is_empty() {
            continue;
        }
        match raw.parse_properties() {
            Ok(properties) => {
                let resource = raw.into_resource(properties);
                findings.extend(indexes.iter().map(|&i| checks[i].run(&resource, context)));
            }
            Err(err) => {
                let reason = err.to_string();
                findings.extend(
                    indexes
                        .iter()
                        .map(|&i| checks[i].error_finding(&raw.arn, &raw.name, &reason)),
                );
            }
        }
    }
    findings
}

/// Like [`evaluate`] for resources already parsed (benchmarks, tests, in-process use).
pub fn evaluate_parsed(checks: &[Check], context: &Context, batch: &[Resource]) -> Vec<Finding> {
    let mut findings = Vec::with_capacity(batch.len().saturating_mul(checks.len()));
    let mut applicable = Applicable {
        kind: None,
        indexes: Vec::new(),
    };
    for resource in batch {
        let indexes = applicable.for_kind(checks, &resource.kind);
        findings.extend(indexes.iter().map(|&i| checks[i].run(resource, context)));
    }
    findings
}

impl From<PropertyError> for Outcome {
    /// An `error` outcome carrying the property error's message.
    fn from(e: PropertyError) -> Self {
        Outcome::error(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::Severity;
    use serde_json::json;

    fn checks() -> Vec<Check> {
        vec![
            Check::new(
                CheckMeta::new("flag_set", "Flag is set", Severity::High).resource_kind("t:s:a"),
                |r, _| {
                    let on = r.prop_bool("flag")?;
                    Ok(Outcome::pass_if(on, "on", "off").evidence("flag", on))
                },
            ),
            Check::new(
                CheckMeta::new("young", "Young", Severity::Low)
                    .resource_kind("t:s:a")
                    .resource_kind("t:s:b"),
                |r, cx| {
                    let days = cx.age_in_days(r.prop_str("created")?)?;
                    Ok(Outcome::pass_if(days < 90, "young", "old").evidence("age_days", days))
                },
            ),
        ]
    }

    fn raw(arn: &str, kind: &str, props: &str) -> RawResource {
        RawResource {
            arn: arn.into(),
            kind: kind.into(),
            name: arn.into(),
            properties: props.into(),
            ..RawResource::default()
        }
    }

    #[test]
    fn dispatches_by_kind_and_reports_errors() {
        let cx = Context::new("s", 1_735_689_600); // 2025-01-01T00:00:00Z
        let batch = vec![
            raw(
                "a1",
                "t:s:a",
                r#"{"flag":true,"created":"2024-12-01T00:00:00Z"}"#,
            ),
            raw("b1", "t:s:b", r#"{"created":"2020-01-01T00:00:00Z"}"#),
            raw("c1", "t:s:c", "not even json"),
            raw("a2", "t:s:a", "[]"),
            raw("a3", "t:s:a", r#"{"flag":"yes","created":"2024-12-01"}"#),
        ];
        let findings = evaluate(&checks(), &cx, batch);
        let got: Vec<_> = findings
            .iter()
            .map(|f| (f.check_id.as_str(), f.resource_arn.as_str(), f.status))
            .collect();
        assert_eq!(
            got,
            vec![
                ("flag_set", "a1", Status::Pass),
                ("young", "a1", Status::Pass),
                ("young", "b1", Status::Fail),
                ("flag_set", "a2", Status::Error),
                ("young", "a2", Status::Error),
                ("flag_set", "a3", Status::Error),
                ("young", "a3", Status::Error),
            ]
        );
        assert_eq!(findings[0].evidence, json!({"flag": true}));
        assert_eq!(findings[0].severity, Severity::High);
        assert_eq!(findings[2].evidence, json!({"age_days": 1827}));
        assert!(
            findings[3].message.contains("not a JSON object"),
            "{}",
            findings[3].message
        );
        assert!(
            findings[5].message.contains("`flag` is ill-typed"),
            "{}",
            findings[5].message
        );
    }

    #[test]
    fn parsed_and_raw_paths_agree() {
        let cx = Context::new("s", 1_735_689_600);
        let r = Resource::new("a", "t:s:a", "1", "r", "a")
            .with_properties(json!({"flag": false, "created": "2025-01-01T00:00:00Z"}));
        let raw = evaluate(&checks(), &cx, [RawResource::from(&r)]);
        assert_eq!(raw, evaluate_parsed(&checks(), &cx, &[r]));
        assert_eq!(raw[0].status, Status::Fail);
    }
}
