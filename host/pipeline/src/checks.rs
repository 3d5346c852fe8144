//! The checks that run for a tenant: the built-in rule plugins', and its own uploaded plugins'.

use lgp_events::TenantId;
use lgp_model::{CheckMeta, PluginKind};
use lgp_registry::Registry;
use lgp_runtime::Plugin;
use lgp_store::StoreError;
use std::sync::Arc;

/// The checks of the rule plugins among `plugins`, ordered by id.
pub fn checks_of(plugins: &[Plugin]) -> Arc<[CheckMeta]> {
    let mut checks: Vec<CheckMeta> = plugins
        .iter()
        .filter(|p| p.kind() == PluginKind::Rule)
        .flat_map(|p| p.checks().iter().cloned())
        .collect();
    checks.sort_by(|a, b| a.id.cmp(&b.id));
    checks.into()
}

/// Every tenant's checks: what handlers' `query.checks` answers and what the API lists. Cheap
/// to clone.
#[derive(Debug, Clone)]
pub struct TenantChecks {
    builtin: Arc<[CheckMeta]>,
    registry: Option<Registry>,
}

impl TenantChecks {
    /// The `builtin` checks (ordered by id, as [`checks_of`] gives them), plus each tenant's
    /// active uploaded plugins' when `registry` is given.
    pub fn new(builtin: Arc<[CheckMeta]>, registry: Option<Registry>) -> Self {
        TenantChecks { builtin, registry }
    }

    /// The checks that run for `tenant` (built-in, then its active uploaded plugins'), ordered
    /// by id.
    pub async fn of(&self, tenant: &TenantId) -> Result<Arc<[CheckMeta]>, StoreError> {
        let Some(registry) = &self.registry else {
            return Ok(self.builtin.clone());
        };
        let active = registry.active(tenant).await?;
        if active.is_empty() {
            return Ok(self.builtin.clone());
        }
        let mut checks: Vec<CheckMeta> = self.builtin.to_vec();
        checks.extend(active.into_iter().flat_map(|p| p.checks));
        checks.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(checks.into())
    }
}
