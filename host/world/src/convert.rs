//! Conversions between the contract's generated types and `lgp-model`'s types. Guest output is
//! untrusted: every conversion from a guest value checks what the model requires.

use crate::types as wit;
use lgp_model as model;
use serde_json::value::RawValue;

/// A guest returned a value the model cannot hold.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    /// A JSON field holds text that is not JSON.
    #[error("{field} of {subject} is not valid JSON: {source}")]
    InvalidJson {
        /// Which field.
        field: &'static str,
        /// Which record (check id, resource arn…).
        subject: String,
        /// The parser's complaint.
        #[source]
        source: serde_json::Error,
    },
}

fn raw_json(
    text: String,
    field: &'static str,
    subject: &str,
) -> Result<Box<RawValue>, ConvertError> {
    RawValue::from_string(text).map_err(|source| ConvertError::InvalidJson {
        field,
        subject: subject.to_owned(),
        source,
    })
}

impl From<wit::Severity> for model::Severity {
    fn from(s: wit::Severity) -> Self {
        match s {
            wit::Severity::Informational => model::Severity::Informational,
            wit::Severity::Low => model::Severity::Low,
            wit::Severity::Medium => model::Severity::Medium,
            wit::Severity::High => model::Severity::High,
            wit::Severity::Critical => model::Severity::Critical,
        }
    }
}

impl From<model::Severity> for wit::Severity {
    fn from(s: model::Severity) -> Self {
        match s {
            model::Severity::Informational => wit::Severity::Informational,
            model::Severity::Low => wit::Severity::Low,
            model::Severity::Medium => wit::Severity::Medium,
            model::Severity::High => wit::Severity::High,
            model::Severity::Critical => wit::Severity::Critical,
        }
    }
}

impl From<model::Status> for wit::Status {
    fn from(s: model::Status) -> Self {
        match s {
            model::Status::Pass => wit::Status::Pass,
            model::Status::Fail => wit::Status::Fail,
            model::Status::Error => wit::Status::Error,
            model::Status::Manual => wit::Status::Manual,
        }
    }
}

impl From<&model::Finding> for wit::Finding {
    fn from(f: &model::Finding) -> Self {
        wit::Finding {
            check_id: f.check_id.clone(),
            resource_arn: f.resource_arn.clone(),
            status: f.status.into(),
            severity: f.severity.into(),
            message: f.message.clone(),
            evidence: f.evidence.get().to_owned(),
        }
    }
}

impl From<wit::Status> for model::Status {
    fn from(s: wit::Status) -> Self {
        match s {
            wit::Status::Pass => model::Status::Pass,
            wit::Status::Fail => model::Status::Fail,
            wit::Status::Error => model::Status::Error,
            wit::Status::Manual => model::Status::Manual,
        }
    }
}

impl From<wit::PluginKind> for model::PluginKind {
    fn from(k: wit::PluginKind) -> Self {
        match k {
            wit::PluginKind::Collector => model::PluginKind::Collector,
            wit::PluginKind::Rule => model::PluginKind::Rule,
            wit::PluginKind::Handler => model::PluginKind::Handler,
        }
    }
}

impl From<&model::Resource> for wit::Resource {
    fn from(r: &model::Resource) -> Self {
        wit::Resource {
            arn: r.arn.clone(),
            kind: r.kind.clone(),
            account: r.account.clone(),
            region: r.region.clone(),
            name: r.name.clone(),
            tags: r
                .tags
                .iter()
                .map(|(key, value)| wit::Tag {
                    key: key.clone(),
                    value: value.clone(),
                })
                .collect(),
            properties: r.properties.get().to_owned(),
        }
    }
}

impl TryFrom<wit::Resource> for model::Resource {
    type Error = ConvertError;
    fn try_from(r: wit::Resource) -> Result<Self, ConvertError> {
        let properties = raw_json(r.properties, "properties", &r.arn)?;
        Ok(model::Resource {
            tags: r.tags.into_iter().map(|t| (t.key, t.value)).collect(),
            arn: r.arn,
            kind: r.kind,
            account: r.account,
            region: r.region,
            name: r.name,
            properties,
        })
    }
}

impl TryFrom<wit::Finding> for model::Finding {
    type Error = ConvertError;
    fn try_from(f: wit::Finding) -> Result<Self, ConvertError> {
        let evidence = if f.evidence.is_empty() {
            raw_json("{}".to_owned(), "evidence", &f.check_id)?
        } else {
            raw_json(f.evidence, "evidence", &f.check_id)?
        };
        Ok(model::Finding {
            check_id: f.check_id,
            resource_arn: f.resource_arn,
            status: f.status.into(),
            severity: f.severity.into(),
            message: f.message,
            evidence,
        })
    }
}

impl From<wit::CheckMeta> for model::CheckMeta {
    fn from(c: wit::CheckMeta) -> Self {
        model::CheckMeta {
            id: c.id,
            title: c.title,
            description: c.description,
            rationale: c.rationale,
            severity: c.severity.into(),
            service: c.service,
            resource_kinds: c.resource_kinds,
            remediation: model::Remediation {
                text: c.remediation.text,
                cli: c.remediation.cli,
                console: c.remediation.console,
                url: c.remediation.url,
            },
            references: c
                .references
                .into_iter()
                .map(|r| model::FrameworkRef {
                    framework: r.framework,
                    control: r.control,
                })
                .collect(),
            equivalents: c
                .equivalents
                .into_iter()
                .map(|e| model::Equivalent {
                    tool: e.tool,
                    id: e.id,
                })
                .collect(),
        }
    }
}

impl From<&model::CheckMeta> for wit::CheckMeta {
    fn from(c: &model::CheckMeta) -> Self {
        wit::CheckMeta {
            id: c.id.clone(),
            title: c.title.clone(),
            description: c.description.clone(),
            rationale: c.rationale.clone(),
            severity: c.severity.into(),
            service: c.service.clone(),
            resource_kinds: c.resource_kinds.clone(),
            remediation: wit::Remediation {
                text: c.remediation.text.clone(),
                cli: c.remediation.cli.clone(),
                console: c.remediation.console.clone(),
                url: c.remediation.url.clone(),
            },
            references: c
                .references
                .iter()
                .map(|r| wit::FrameworkRef {
                    framework: r.framework.clone(),
                    control: r.control.clone(),
                })
                .collect(),
            equivalents: c
                .equivalents
                .iter()
                .map(|e| wit::Equivalent {
                    tool: e.tool.clone(),
                    id: e.id.clone(),
                })
                .collect(),
        }
    }
}

impl From<wit::PluginInfo> for model::PluginInfo {
    fn from(p: wit::PluginInfo) -> Self {
        model::PluginInfo {
            name: p.name,
            version: p.version,
            kind: p.kind.into(),
            description: p.description,
            subscriptions: p.subscriptions,
            capabilities: p.capabilities,
        }
    }
}
