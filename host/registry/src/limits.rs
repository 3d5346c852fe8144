//! The bounds on what a tenant may upload.

use serde::{Deserialize, Serialize};

/// Per-tenant upload quotas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UploadLimits {
    /// Largest component accepted, in bytes. A Python (componentize-py) rule is about 18 MB, a
    /// JavaScript one about 12 MB, a Rust one under 200 KB; 32 MiB takes all three.
    pub max_component_bytes: usize,
    /// Plugin versions a tenant may keep stored, every name and version counted.
    pub max_plugins: usize,
    /// Total bytes of a tenant's stored components.
    pub max_total_bytes: u64,
    /// Uploads compiled at once by this process; others wait their turn. Compiling a large
    /// component takes a core for seconds, so one at a time keeps the API responsive.
    pub concurrent_compiles: usize,
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits {
            max_component_bytes: 32 << 20,
            max_plugins: 20,
            max_total_bytes: 256 << 20,
            concurrent_compiles: 1,
        }
    }
}
