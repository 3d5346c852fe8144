//! The tenant's mute rules as the rule consumers see them: read from the store once per scan
//! and process, not once per batch and plugin.

use lgp_events::TenantId;
use lgp_mutelist::{MuteRule, Mutelist, MutelistError};
use lgp_store::Store;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;

/// Scans whose rules are kept at once. A process evaluates a handful of scans at a time; past
/// this the cache starts afresh (rereading costs one store listing per scan).
const MAX_SCANS: usize = 64;

/// The rules read for each (tenant, scan).
type ByScan = HashMap<(TenantId, String), Arc<Vec<MuteRule>>>;

/// Mute rules by tenant and scan. A rule added while a scan runs applies from the next scan
/// (as docs/mutelist.md says); expiry is still judged at each batch's time.
#[derive(Default)]
pub(crate) struct MuteCache {
    scans: Mutex<ByScan>,
}

impl MuteCache {
    /// The rules of `tenant` that apply to a batch of `scan_id` published at `at`.
    pub(crate) async fn active(
        &self,
        store: &dyn Store,
        tenant: &TenantId,
        scan_id: &str,
        at: OffsetDateTime,
    ) -> Result<Mutelist, MutelistError> {
        let key = (tenant.clone(), scan_id.to_owned());
        let cached = self.lock().get(&key).cloned();
        let rules = match cached {
            Some(rules) => rules,
            None => {
                let rules = Arc::new(lgp_mutelist::persist::list(store, tenant).await?);
                let mut scans = self.lock();
                if scans.len() >= MAX_SCANS {
                    scans.clear();
                }
                scans.insert(key, rules.clone());
                rules
            }
        };
        Ok(Mutelist::active(rules.as_ref().clone(), at))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ByScan> {
        // A panic while holding the lock leaves a map that is still consistent.
        self.scans
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
