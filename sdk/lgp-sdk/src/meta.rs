//! Describing plugins and checks: [`PluginInfo`], [`CheckMeta`] and their parts.
//!
//! Every type here is a plain struct with public fields and consuming `with`-style builder
//! methods, so metadata reads like a declaration:
//!
//! ```
//! use lgp_sdk::{CheckMeta, Remediation, Severity};
//!
//! let meta = CheckMeta::new("s3_bucket_versioning", "S3 bucket has versioning enabled", Severity::Medium)
//!     .service("s3")
//!     .resource_kind("aws:s3:bucket")
//!     .remediation(Remediation::new("Enable versioning.").cli("aws s3api put-bucket-versioning ..."))
//!     .reference("aws-fsbp", "S3.14")
//!     .equivalent("prowler", "s3_bucket_object_versioning");
//! assert_eq!(meta.references[0].to_string(), "aws-fsbp:S3.14");
//! ```

use serde::{Deserialize, Serialize};
use std::fmt;

/// How serious a failed check or an event is, ordered from least to most serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; no action expected.
    Informational,
    /// Hardening advice.
    Low,
    /// A weakness to fix in the normal course of work.
    Medium,
    /// A weakness to fix soon; raises an alert by default.
    High,
    /// Exposure that needs immediate action.
    Critical,
}

impl Severity {
    /// The lowercase name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Informational => "informational",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reference from a check to a control of a compliance framework, e.g. `cis-aws-3.0:2.1.1`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FrameworkRef {
    /// The framework id, e.g. `cis-aws-3.0`, `aws-fsbp`.
    pub framework: String,
    /// The control id inside the framework, e.g. `2.1.1`, `S3.5`.
    pub control: String,
}

impl fmt::Display for FrameworkRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.framework, self.control)
    }
}

/// The id of the same check in another tool, e.g. Prowler or Security Hub.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Equivalent {
    /// The other tool, e.g. `prowler`, `security-hub`.
    pub tool: String,
    /// The check's id in that tool.
    pub id: String,
}

/// How to fix a failing resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remediation {
    /// What to change, in prose.
    pub text: String,
    /// A command line that fixes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cli: Option<String>,
    /// Where to fix it in the console.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub console: Option<String>,
    /// A documentation link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Remediation {
    /// A remediation described by `text`.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }

    /// Sets the command line that fixes the resource.
    pub fn cli(mut self, cli: impl Into<String>) -> Self {
        self.cli = Some(cli.into());
        self
    }

    /// Sets where to fix it in the console.
    pub fn console(mut self, console: impl Into<String>) -> Self {
        self.console = Some(console.into());
        self
    }

    /// Sets the documentation link.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }
}

/// Everything the platform knows about one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckMeta {
    /// Stable id, unique across all plugins, e.g. `s3_bucket_default_encryption`.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// What the check verifies.
    pub description: String,
    /// Why it matters.
    pub rationale: String,
    /// Severity of a failure.
    pub severity: Severity,
    /// The AWS service, e.g. `s3`.
    pub service: String,
    /// The resource kinds the check applies to, e.g. `aws:s3:bucket`.
    pub resource_kinds: Vec<String>,
    /// How to fix a failure.
    pub remediation: Remediation,
    /// The framework controls the check answers.
    pub references: Vec<FrameworkRef>,
    /// The same check in other tools.
    pub equivalents: Vec<Equivalent>,
}

impl CheckMeta {
    /// Metadata with the three fields every check needs; the rest start empty.
    pub fn new(id: impl Into<String>, title: impl Into<String>, severity: Severity) -> Self {
        Self {
            id: id.into(),
            title: title.into(),
            description: String::new(),
            rationale: String::new(),
            severity,
            service: String::new(),
            resource_kinds: Vec::new(),
            remediation: Remediation::default(),
            references: Vec::new(),
            equivalents: Vec::new(),
        }
    }

    /// Sets what the check verifies.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// Sets why the check matters.
    pub fn rationale(mut self, rationale: impl Into<String>) -> Self {
        self.rationale = rationale.into();
        self
    }

    /// Sets the AWS service.
    pub fn service(mut self, service: impl Into<String>) -> Self {
        self.service = service.into();
        self
    }

    /// Adds a resource kind the check applies to.
    pub fn resource_kind(mut self, kind: impl Into<String>) -> Self {
        self.resource_kinds.push(kind.into());
        self
    }

    /// Sets how to fix a failure.
    pub fn remediation(mut self, remediation: Remediation) -> Self {
        self.remediation = remediation;
        self
    }

    /// Adds a framework reference, e.g. `("cis-aws-3.0", "2.1.1")`.
    pub fn reference(mut self, framework: impl Into<String>, control: impl Into<String>) -> Self {
        self.references.push(FrameworkRef {
            framework: framework.into(),
            control: control.into(),
        });
        self
    }

    /// Adds every `(framework, control)` of `references`, in order: a set of controls that
    /// several checks share, named once by the plugin (e.g. "least privilege") so each check
    /// does not spell it again.
    ///
    /// ```
    /// use lgp_sdk::{CheckMeta, Severity};
    ///
    /// const LEAST_PRIVILEGE: &[(&str, &str)] = &[("nist-800-53-r5", "AC-6"), ("soc2", "CC6.3")];
    /// let meta = CheckMeta::new("iam_x", "X", Severity::High)
    ///     .reference("cis-aws-3.0", "1.16")
    ///     .references(LEAST_PRIVILEGE);
    /// let controls: Vec<&str> = meta.references.iter().map(|r| r.control.as_str()).collect();
    /// assert_eq!(controls, ["1.16", "AC-6", "CC6.3"]);
    /// ```
    pub fn references(self, references: &[(&str, &str)]) -> Self {
        references.iter().fold(self, |meta, &(framework, control)| {
            meta.reference(framework, control)
        })
    }

    /// Adds the id of the same check in another tool, e.g. `("prowler", "s3_bucket_acl_prohibited")`.
    pub fn equivalent(mut self, tool: impl Into<String>, id: impl Into<String>) -> Self {
        self.equivalents.push(Equivalent {
            tool: tool.into(),
            id: id.into(),
        });
        self
    }

    /// Whether the check applies to resources of `kind`.
    pub fn applies_to(&self, kind: &str) -> bool {
        self.resource_kinds.iter().any(|k| k == kind)
    }

    /// What is wrong with this metadata, if anything: empty required fields, a malformed kind
    /// (`provider:service:type`) or id (lowercase letters, digits, `_`, `-`, `.`).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let id_ok = !self.id.is_empty()
            && self.id.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.')
            });
        if !id_ok {
            problems.push(format!(
                "check id {:?} is empty or not lowercase [a-z0-9_.-]",
                self.id
            ));
        }
        for (name, value) in [
            ("title", &self.title),
            ("description", &self.description),
            ("rationale", &self.rationale),
            ("service", &self.service),
            ("remediation text", &self.remediation.text),
        ] {
            if value.trim().is_empty() {
                problems.push(format!("check {} has an empty {name}", self.id));
            }
        }
        if self.resource_kinds.is_empty() {
            problems.push(format!("check {} names no resource kind", self.id));
        }
        for kind in &self.resource_kinds {
            if kind.split(':').count() != 3 || kind.split(':').any(str::is_empty) {
                problems.push(format!(
                    "check {} has kind {kind:?}, not of the form provider:service:type",
                    self.id
                ));
            }
        }
        problems
    }
}

/// The kind of a plugin: which world it targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PluginKind {
    /// Collects resources through the host's `aws` capability.
    Collector,
    /// Evaluates batches of resources into findings; pure.
    Rule,
    /// Reacts to events and emits events.
    Handler,
}

/// A plugin's description of itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginInfo {
    /// Plugin name, unique within a tenant, lowercase with dashes.
    pub name: String,
    /// Semantic version of the plugin.
    pub version: String,
    /// The world the plugin targets.
    pub kind: PluginKind,
    /// One-sentence description.
    pub description: String,
    /// Event types a handler subscribes to (empty for other kinds).
    pub subscriptions: Vec<String>,
    /// Capabilities the plugin asks for, e.g. `aws:s3:GetBucketEncryption`, `state`, `query`.
    pub capabilities: Vec<String>,
}

impl PluginInfo {
    /// Describes a plugin of `kind`; usually called with `env!("CARGO_PKG_VERSION")`.
    pub fn new(
        kind: PluginKind,
        name: impl Into<String>,
        version: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        Self {
            name: name.into(),
            version: version.into(),
            kind,
            description: description.into(),
            subscriptions: Vec::new(),
            capabilities: Vec::new(),
        }
    }

    /// Describes a rule plugin.
    pub fn rule(
        name: impl Into<String>,
        version: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        Self::new(PluginKind::Rule, name, version, description)
    }

    /// Describes a collector plugin.
    pub fn collector(
        name: impl Into<String>,
        version: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        Self::new(PluginKind::Collector, name, version, description)
    }

    /// Describes a handler plugin.
    pub fn handler(
        name: impl Into<String>,
        version: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        Self::new(PluginKind::Handler, name, version, description)
    }

    /// Adds an event type the handler subscribes to, e.g. `compliance.violation`.
    pub fn subscribe(mut self, event_type: impl Into<String>) -> Self {
        self.subscriptions.push(event_type.into());
        self
    }

    /// Adds a capability the plugin asks for, e.g. `aws:s3:GetBucketPolicy`.
    pub fn capability(mut self, capability: impl Into<String>) -> Self {
        self.capabilities.push(capability.into());
        self
    }
}
