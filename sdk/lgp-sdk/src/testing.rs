//! A native test harness for rule plugins: build resources from JSON, run a plugin over a batch
//! with a fixed context, and assert on the findings, all with plain `cargo test`.
//!
//! [`run`] goes through the same path as the component (resources serialized to wire form,
//! properties parsed once, dispatch by kind), so what passes here behaves the same in the host.
//!
//! ```
//! use lgp_sdk::testing::{self, assert_status};
//! use lgp_sdk::{Check, CheckMeta, Outcome, PluginInfo, RulePlugin, Severity, Status};
//!
//! struct Tags;
//! impl RulePlugin for Tags {
//!     fn info() -> PluginInfo { PluginInfo::rule("tags", "0.1.0", "Tag hygiene.") }
//!     fn checks() -> Vec<Check> {
//!         vec![Check::new(
//!             CheckMeta::new("has_owner_tag", "Resource has an owner tag", Severity::Low)
//!                 .resource_kind("aws:s3:bucket"),
//!             |r, _| Ok(Outcome::pass_if(r.tags.contains_key("owner"), "tagged", "untagged")),
//!         )]
//!     }
//! }
//!
//! let bucket = testing::resource(r#"{"arn": "arn:aws:s3:::b", "kind": "aws:s3:bucket",
//!     "account": "111122223333", "region": "us-east-1", "name": "b", "properties": {}}"#);
//! let findings = testing::run::<Tags>(&[bucket]);
//! assert_status(&findings, "has_owner_tag", "arn:aws:s3:::b", Status::Fail);
//! ```
#![allow(clippy::panic, clippy::expect_used)]

use crate::meta::PluginKind;
use crate::meta::Severity;
use crate::resource::{RawResource, Resource};
use crate::rule::{self, Context, Finding, RulePlugin, Status};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

/// The reference time of [`context`]: 2025-01-01T00:00:00Z.
pub const FIXED_NOW: i64 = 1_735_689_600;

/// The environment variable that makes [`assert_snapshot`] rewrite its file instead of comparing.
pub const UPDATE_SNAPSHOTS_ENV: &str = "LGP_UPDATE_SNAPSHOTS";

/// A context with scan id `test-scan` at [`FIXED_NOW`].
pub fn context() -> Context {
    Context::new("test-scan", FIXED_NOW)
}

/// One resource from its JSON form; panics with the parse error.
pub fn resource(json: &str) -> Resource {
    Resource::from_json(json).unwrap_or_else(|e| panic!("invalid resource JSON: {e}\n{json}"))
}

/// `properties` (a compliant example, as a JSON object) with the top-level properties of
/// `overrides` replacing its own: how rule tests build the failing variants of one example.
pub fn with_overrides(
    mut properties: serde_json::Value,
    overrides: serde_json::Value,
) -> serde_json::Value {
    if let (Some(props), serde_json::Value::Object(o)) = (properties.as_object_mut(), overrides) {
        props.extend(o);
    }
    properties
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ResourceFile {
    List(Vec<Resource>),
    Wrapped { resources: Vec<Resource> },
}

/// Resources from a JSON array (or an object with a `resources` array); panics with the error.
pub fn resources(json: &str) -> Vec<Resource> {
    match serde_json::from_str(json) {
        Ok(ResourceFile::List(list) | ResourceFile::Wrapped { resources: list }) => list,
        Err(e) => panic!("invalid resources JSON: {e}"),
    }
}

/// Resources from a JSON file (see [`resources`]); panics naming the file.
pub fn load_resources(path: impl AsRef<Path>) -> Vec<Resource> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("failed to read {}: {e}", path.display()));
    resources(&text)
}

/// Runs plugin `P` over `resources` with [`context`].
pub fn run<P: RulePlugin>(resources: &[Resource]) -> Vec<Finding> {
    run_with::<P>(&context(), resources)
}

/// Runs plugin `P` over `resources` with `context`, through the wire form.
pub fn run_with<P: RulePlugin>(context: &Context, resources: &[Resource]) -> Vec<Finding> {
    run_raw::<P>(context, resources.iter().map(RawResource::from).collect())
}

/// Runs plugin `P` over wire-form resources, e.g. ones whose properties are not JSON.
pub fn run_raw<P: RulePlugin>(context: &Context, batch: Vec<RawResource>) -> Vec<Finding> {
    rule::evaluate(&P::checks(), context, batch)
}

/// The one finding of `check_id` on `arn`; panics (listing what there is) unless there is
/// exactly one.
pub fn finding<'a>(findings: &'a [Finding], check_id: &str, arn: &str) -> &'a Finding {
    let mut matching = findings
        .iter()
        .filter(|f| f.check_id == check_id && f.resource_arn == arn);
    match (matching.next(), matching.next()) {
        (Some(f), None) => f,
        (None, _) => panic!(
            "no finding of {check_id} on {arn}; findings: {:#?}",
            summarize(findings)
        ),
        (Some(_), Some(_)) => panic!("more than one finding of {check_id} on {arn}"),
    }
}

/// Asserts that the finding of `check_id` on `arn` has `status`, and returns it.
#[track_caller]
pub fn assert_status<'a>(
    findings: &'a [Finding],
    check_id: &str,
    arn: &str,
    status: Status,
) -> &'a Finding {
    let f = finding(findings, check_id, arn);
    assert_eq!(
        f.status, status,
        "{check_id} on {arn}: expected {status}, got {} ({}); evidence {}",
        f.status, f.message, f.evidence
    );
    f
}

/// Asserts that plugin `P` describes itself as a rule, that its check ids are unique, and that
/// every check's metadata is complete (see [`crate::CheckMeta::problems`]).
#[track_caller]
pub fn assert_plugin_valid<P: RulePlugin>() {
    let info = P::info();
    let mut problems = Vec::new();
    if info.kind != PluginKind::Rule {
        problems.push(format!(
            "plugin {} does not describe itself as a rule",
            info.name
        ));
    }
    if info.name.is_empty() || info.version.is_empty() || info.description.is_empty() {
        problems.push("plugin name, version and description must be set".to_owned());
    }
    let mut ids = BTreeSet::new();
    for check in P::checks() {
        if !ids.insert(check.id().to_owned()) {
            problems.push(format!("check id {} is used twice", check.id()));
        }
        problems.extend(check.meta().problems());
    }
    assert!(
        problems.is_empty(),
        "plugin {} is invalid:\n{}",
        info.name,
        problems.join("\n")
    );
}

/// The part of a finding that snapshots compare.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FindingSummary {
    /// The check.
    pub check_id: String,
    /// The resource.
    pub resource_arn: String,
    /// The outcome.
    pub status: Status,
    /// The severity.
    pub severity: Severity,
}

/// The summaries of `findings`, in order.
pub fn summarize(findings: &[Finding]) -> Vec<FindingSummary> {
    findings
        .iter()
        .map(|f| FindingSummary {
            check_id: f.check_id.clone(),
            resource_arn: f.resource_arn.clone(),
            status: f.status,
            severity: f.severity,
        })
        .collect()
}

/// Compares the summaries of `findings` with the JSON array in `path`; with
/// `LGP_UPDATE_SNAPSHOTS=1` in the environment, writes the file instead.
#[track_caller]
pub fn assert_snapshot(findings: &[Finding], path: impl AsRef<Path>) {
    let path = path.as_ref();
    let actual = summarize(findings);
    let mut text = serde_json::to_string_pretty(&actual).expect("summaries serialize");
    text.push('\n');
    if std::env::var_os(UPDATE_SNAPSHOTS_ENV).is_some_and(|v| v == "1") {
        std::fs::write(path, &text)
            .unwrap_or_else(|e| panic!("failed to write {}: {e}", path.display()));
        return;
    }
    let expected_text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "failed to read snapshot {}: {e} (run with {UPDATE_SNAPSHOTS_ENV}=1 to create it)",
            path.display()
        )
    });
    let expected: Vec<FindingSummary> = serde_json::from_str(&expected_text)
        .unwrap_or_else(|e| panic!("snapshot {} is not valid: {e}", path.display()));
    if expected != actual {
        let missing: Vec<_> = expected.iter().filter(|e| !actual.contains(e)).collect();
        let unexpected: Vec<_> = actual.iter().filter(|a| !expected.contains(a)).collect();
        panic!(
            "findings differ from {} (run with {UPDATE_SNAPSHOTS_ENV}=1 to accept)\n\
             expected but missing: {missing:#?}\nnot expected: {unexpected:#?}",
            path.display()
        );
    }
}
