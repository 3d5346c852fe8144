use lgp_bus::{Bus, RetryPolicy};
use lgp_crypto::TenantCipher;
use lgp_store::Store;
use std::sync::Arc;

/// What the pipeline works with. Cheap to clone.
#[derive(Clone)]
pub struct Services {
    /// The event bus.
    pub bus: Arc<dyn Bus>,
    /// The store.
    pub store: Arc<dyn Store>,
    /// Seals events for the audit trail.
    pub cipher: TenantCipher,
    /// The bus's retry policy, so consumers know which attempt is the last.
    pub retry: RetryPolicy,
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services")
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}
