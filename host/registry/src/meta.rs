//! What the registry keeps beside each stored component, and what it answers.

use lgp_model::CheckMeta;
use lgp_store::PluginRecord;
use serde::{Deserialize, Serialize};

/// The key/value namespace (per tenant) of the registry's own records.
pub(crate) const NAMESPACE: &str = "lgp-registry";

/// The key of a version's description.
pub(crate) fn key(name: &str, version: &str) -> String {
    format!("meta/{name}/{version}")
}

/// A version's description as the component gave it when it was installed, kept beside the
/// component so listings and scans need not instantiate it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StoredMeta {
    pub(crate) description: String,
    pub(crate) capabilities: Vec<String>,
    pub(crate) checks: Vec<CheckMeta>,
}

/// One stored version of a tenant's plugin, with its description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantPlugin {
    /// Name, version, kind, content hash, size, whether enabled, when uploaded.
    #[serde(flatten)]
    pub record: PluginRecord,
    /// The plugin's one-sentence description of itself.
    pub description: String,
    /// Capabilities its manifest asks for.
    pub capabilities: Vec<String>,
    /// The checks it implements.
    pub checks: Vec<CheckMeta>,
    /// Whether this is the version scans run: the highest enabled version of its name.
    pub active: bool,
}

/// A plugin version a scan runs: what it is, and what it checks (so that its checks can be
/// reported as errors even if it cannot be loaded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivePlugin {
    /// Plugin name.
    pub name: String,
    /// The version that runs.
    pub version: String,
    /// SHA-256 of its component, hex.
    pub content_hash: String,
    /// Its checks.
    pub checks: Vec<CheckMeta>,
}
