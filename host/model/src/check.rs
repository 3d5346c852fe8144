use crate::Severity;
use serde::{Deserialize, Serialize};

/// A reference from a check to a control of a compliance framework.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FrameworkRef {
    /// Framework id, e.g. `cis-aws-3.0`.
    pub framework: String,
    /// Control id inside the framework, e.g. `2.1.1`.
    pub control: String,
}

/// The id of the same check in another tool.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Equivalent {
    /// The tool, e.g. `prowler`, `security-hub`.
    pub tool: String,
    /// The check's id there.
    pub id: String,
}

/// How to fix a failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remediation {
    /// What to change, in prose.
    pub text: String,
    /// A fixing command line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cli: Option<String>,
    /// Where to fix it in the console.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub console: Option<String>,
    /// A documentation link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Everything known about one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckMeta {
    /// Stable, globally unique id.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// What the check verifies.
    pub description: String,
    /// Why it matters.
    pub rationale: String,
    /// Severity of a failure.
    pub severity: Severity,
    /// The AWS service.
    pub service: String,
    /// Resource kinds the check applies to.
    pub resource_kinds: Vec<String>,
    /// How to fix a failure.
    pub remediation: Remediation,
    /// Framework controls the check answers.
    pub references: Vec<FrameworkRef>,
    /// The same check in other tools.
    pub equivalents: Vec<Equivalent>,
}
