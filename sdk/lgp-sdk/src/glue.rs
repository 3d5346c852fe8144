//! The one place where SDK types meet the generated bindings: conversions both ways, and the
//! generic `Guest` implementations the export macros instantiate for a plugin type.

use crate::bindings::handler::lg_protect::plugin::query as query_wit;
use crate::bindings::types as wit;
use crate::collector::{CollectorPlugin, ScanScope};
use crate::handler::{DeliveryError, Event, HandlerPlugin, NewEvent, query};
use crate::host::HostError;
use crate::meta::{
    CheckMeta, Equivalent, FrameworkRef, PluginInfo, PluginKind, Remediation, Severity,
};
use crate::resource::{RawResource, Resource};
use crate::rule::{self, Context, Finding, RulePlugin, Status};
use std::marker::PhantomData;

impl From<wit::HostError> for HostError {
    fn from(e: wit::HostError) -> Self {
        match e {
            wit::HostError::Denied(m) => HostError::Denied(m),
            wit::HostError::LimitExceeded(m) => HostError::LimitExceeded(m),
            wit::HostError::InvalidArgument(m) => HostError::InvalidArgument(m),
            wit::HostError::Unavailable(m) => HostError::Unavailable(m),
        }
    }
}

impl From<Severity> for wit::Severity {
    fn from(s: Severity) -> Self {
        match s {
            Severity::Informational => wit::Severity::Informational,
            Severity::Low => wit::Severity::Low,
            Severity::Medium => wit::Severity::Medium,
            Severity::High => wit::Severity::High,
            Severity::Critical => wit::Severity::Critical,
        }
    }
}

impl From<wit::Severity> for Severity {
    fn from(s: wit::Severity) -> Self {
        match s {
            wit::Severity::Informational => Severity::Informational,
            wit::Severity::Low => Severity::Low,
            wit::Severity::Medium => Severity::Medium,
            wit::Severity::High => Severity::High,
            wit::Severity::Critical => Severity::Critical,
        }
    }
}

impl From<Status> for wit::Status {
    fn from(s: Status) -> Self {
        match s {
            Status::Pass => wit::Status::Pass,
            Status::Fail => wit::Status::Fail,
            Status::Error => wit::Status::Error,
            Status::Manual => wit::Status::Manual,
        }
    }
}

impl From<wit::Status> for Status {
    fn from(s: wit::Status) -> Self {
        match s {
            wit::Status::Pass => Status::Pass,
            wit::Status::Fail => Status::Fail,
            wit::Status::Error => Status::Error,
            wit::Status::Manual => Status::Manual,
        }
    }
}

impl From<PluginInfo> for wit::PluginInfo {
    fn from(p: PluginInfo) -> Self {
        wit::PluginInfo {
            name: p.name,
            version: p.version,
            kind: match p.kind {
                PluginKind::Collector => wit::PluginKind::Collector,
                PluginKind::Rule => wit::PluginKind::Rule,
                PluginKind::Handler => wit::PluginKind::Handler,
            },
            description: p.description,
            subscriptions: p.subscriptions,
            capabilities: p.capabilities,
        }
    }
}

impl From<CheckMeta> for wit::CheckMeta {
    fn from(m: CheckMeta) -> Self {
        wit::CheckMeta {
            id: m.id,
            title: m.title,
            description: m.description,
            rationale: m.rationale,
            severity: m.severity.into(),
            service: m.service,
            resource_kinds: m.resource_kinds,
            remediation: wit::Remediation {
                text: m.remediation.text,
                cli: m.remediation.cli,
                console: m.remediation.console,
                url: m.remediation.url,
            },
            references: m
                .references
                .into_iter()
                .map(|r| wit::FrameworkRef {
                    framework: r.framework,
                    control: r.control,
                })
                .collect(),
            equivalents: m
                .equivalents
                .into_iter()
                .map(|e| wit::Equivalent {
                    tool: e.tool,
                    id: e.id,
                })
                .collect(),
        }
    }
}

impl From<Finding> for wit::Finding {
    fn from(f: Finding) -> Self {
        wit::Finding {
            check_id: f.check_id,
            resource_arn: f.resource_arn,
            status: f.status.into(),
            severity: f.severity.into(),
            message: f.message,
            evidence: f.evidence.to_string(),
        }
    }
}

/// A finding read back from the host; evidence that is not JSON is kept as a JSON string.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn finding_from_wit(f: wit::Finding) -> Finding {
    let evidence =
        serde_json::from_str(&f.evidence).unwrap_or(serde_json::Value::String(f.evidence));
    Finding {
        check_id: f.check_id,
        resource_arn: f.resource_arn,
        status: f.status.into(),
        severity: f.severity.into(),
        message: f.message,
        evidence,
    }
}

impl From<wit::CheckMeta> for CheckMeta {
    fn from(m: wit::CheckMeta) -> Self {
        CheckMeta {
            id: m.id,
            title: m.title,
            description: m.description,
            rationale: m.rationale,
            severity: m.severity.into(),
            service: m.service,
            resource_kinds: m.resource_kinds,
            remediation: Remediation {
                text: m.remediation.text,
                cli: m.remediation.cli,
                console: m.remediation.console,
                url: m.remediation.url,
            },
            references: m
                .references
                .into_iter()
                .map(|r| FrameworkRef {
                    framework: r.framework,
                    control: r.control,
                })
                .collect(),
            equivalents: m
                .equivalents
                .into_iter()
                .map(|e| Equivalent {
                    tool: e.tool,
                    id: e.id,
                })
                .collect(),
        }
    }
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn scan_result_from_wit(r: query_wit::ScanResult) -> query::ScanResult {
    query::ScanResult {
        check_id: r.check_id,
        resource_arn: r.resource_arn,
        account: r.account,
        region: r.region,
        service: r.service,
        status: r.status.into(),
        severity: r.severity.into(),
        message: r.message,
        evidence: r.evidence,
        muted: r.muted,
        resource_removed: r.resource_removed,
        first_seen: r.first_seen,
        previous: r.previous.map(|p| query::PriorOutcome {
            status: p.status.into(),
            muted: p.muted,
        }),
    }
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn scan_summary_from_wit(s: query_wit::ScanSummary) -> query::ScanSummary {
    query::ScanSummary {
        scan_id: s.scan_id,
        account: s.account,
        source: s.source,
        status: s.status,
        started_at: s.started_at,
        finished_at: s.finished_at,
        resources: s.resources,
        results: s.results,
        passed: s.passed,
        failed: s.failed,
        errored: s.errored,
        manual: s.manual,
        muted: s.muted,
        errors: s
            .errors
            .into_iter()
            .map(|e| (e.category, e.count))
            .collect(),
    }
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn framework_from_wit(f: query_wit::Framework) -> query::Framework {
    query::Framework {
        id: f.id,
        name: f.name,
        version: f.version,
        publisher: f.publisher,
        controls: f
            .controls
            .into_iter()
            .map(|c| query::Control {
                id: c.id,
                title: c.title,
                section: c.section,
            })
            .collect(),
    }
}

impl From<wit::Resource> for RawResource {
    fn from(r: wit::Resource) -> Self {
        RawResource {
            arn: r.arn,
            kind: r.kind,
            account: r.account,
            region: r.region,
            name: r.name,
            tags: r.tags.into_iter().map(|t| (t.key, t.value)).collect(),
            properties: r.properties,
        }
    }
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn resource_to_wit(r: &Resource) -> wit::Resource {
    wit::Resource {
        arn: r.arn.clone(),
        kind: r.kind.clone(),
        account: r.account.clone(),
        region: r.region.clone(),
        name: r.name.clone(),
        tags: r
            .tags
            .iter()
            .map(|(k, v)| wit::Tag {
                key: k.clone(),
                value: v.clone(),
            })
            .collect(),
        properties: r.properties.to_string(),
    }
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn new_event(e: &NewEvent) -> wit::NewEvent {
    wit::NewEvent {
        event_type: e.event_type.clone(),
        correlation_id: e.correlation_id.clone(),
        data: e.data.to_string(),
    }
}

/// The `evaluate` export of a [`RulePlugin`]; instantiated by [`export_rule!`](crate::export_rule).
pub struct RuleExport<P>(PhantomData<P>);

impl<P: RulePlugin + 'static> crate::bindings::rule::exports::lg_protect::plugin::evaluate::Guest
    for RuleExport<P>
{
    fn describe() -> wit::PluginInfo {
        P::info().into()
    }

    fn checks() -> Vec<wit::CheckMeta> {
        P::checks()
            .into_iter()
            .map(|c| c.into_meta().into())
            .collect()
    }

    fn evaluate(
        context: wit::EvaluationContext,
        batch: Vec<wit::Resource>,
    ) -> Result<Vec<wit::Finding>, String> {
        let context = Context::new(context.scan_id, context.now_unix_seconds);
        let checks = P::checks();
        let findings = rule::evaluate(&checks, &context, batch.into_iter().map(RawResource::from));
        Ok(findings.into_iter().map(Into::into).collect())
    }
}

/// The `collect` export of a [`CollectorPlugin`]; instantiated by
/// [`export_collector!`](crate::export_collector).
pub struct CollectorExport<P>(PhantomData<P>);

impl<P: CollectorPlugin + 'static>
    crate::bindings::collector::exports::lg_protect::plugin::collect::Guest for CollectorExport<P>
{
    fn describe() -> wit::PluginInfo {
        P::info().into()
    }

    fn collect(scope: wit::ScanScope) -> Result<(), String> {
        P::collect(&ScanScope {
            scan_id: scope.scan_id,
            account: scope.account,
            regions: scope.regions,
            include_global: scope.include_global,
        })
    }
}

/// The `handle` export of a [`HandlerPlugin`]; instantiated by
/// [`export_handler!`](crate::export_handler).
pub struct HandlerExport<P>(PhantomData<P>);

impl<P: HandlerPlugin + 'static>
    crate::bindings::handler::exports::lg_protect::plugin::handle::Guest for HandlerExport<P>
{
    fn describe() -> wit::PluginInfo {
        P::info().into()
    }

    fn handle(event: wit::Event) -> Result<(), wit::DeliveryError> {
        P::handle(Event {
            id: event.id,
            event_type: event.event_type,
            source: event.source,
            timestamp: event.timestamp,
            correlation_id: event.correlation_id,
            data: event.data,
        })
        .map_err(|e| match e {
            DeliveryError::Retry(m) => wit::DeliveryError::Retry(m),
            DeliveryError::Reject(m) => wit::DeliveryError::Reject(m),
        })
    }
}
