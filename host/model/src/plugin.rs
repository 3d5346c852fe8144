use serde::{Deserialize, Serialize};
use std::fmt;

/// Which world a plugin targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PluginKind {
    /// Collects resources through the `aws` capability.
    Collector,
    /// Evaluates resources into findings.
    Rule,
    /// Reacts to events.
    Handler,
}

impl PluginKind {
    /// The world's name in the contract.
    pub fn as_str(self) -> &'static str {
        match self {
            PluginKind::Collector => "collector",
            PluginKind::Rule => "rule",
            PluginKind::Handler => "handler",
        }
    }
}

impl fmt::Display for PluginKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A plugin's description of itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginInfo {
    /// Unique name within a tenant.
    pub name: String,
    /// Semantic version.
    pub version: String,
    /// The world it targets.
    pub kind: PluginKind,
    /// One-sentence description.
    pub description: String,
    /// Event types a handler subscribes to.
    pub subscriptions: Vec<String>,
    /// Capabilities it asks for.
    pub capabilities: Vec<String>,
}
