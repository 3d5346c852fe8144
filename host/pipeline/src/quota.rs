//! Per-tenant bounds on uploaded plugins' work: how many of a tenant's invocations run at once,
//! and how much plugin time it may spend per second. A tenant past its budget waits; nobody
//! else does.

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use lgp_events::TenantId;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The quota of each tenant's uploaded plugins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TenantQuota {
    /// Discovery batches of one tenant its plugins evaluate at once. One keeps a tenant's
    /// plugins on at most one core at a time.
    pub concurrent_batches: NonZeroU32,
    /// Milliseconds of plugin time a tenant earns per second (500: half a core).
    pub cpu_millis_per_second: NonZeroU32,
    /// Milliseconds of plugin time a tenant may spend at once before it must wait for its
    /// budget to refill: a whole scan of a few thousand resources fits; a busy loop up to its
    /// deadline empties it.
    pub cpu_burst_millis: NonZeroU32,
    /// Deliveries of every tenant held at once by this process's consumers, waiting for their
    /// tenant's turn or running. Past it the consumers stop taking events.
    pub in_flight: usize,
}

impl Default for TenantQuota {
    fn default() -> Self {
        TenantQuota {
            concurrent_batches: NonZeroU32::MIN,
            cpu_millis_per_second: NonZeroU32::new(500).expect("non-zero"),
            cpu_burst_millis: NonZeroU32::new(10_000).expect("non-zero"),
            in_flight: 256,
        }
    }
}

/// Every tenant's turns and plugin-time budget.
pub(crate) struct TenantQuotas {
    quota: TenantQuota,
    turns: Mutex<HashMap<TenantId, Arc<Semaphore>>>,
    cpu: DefaultKeyedRateLimiter<TenantId>,
}

impl TenantQuotas {
    pub(crate) fn new(quota: TenantQuota) -> Self {
        let budget =
            Quota::per_second(quota.cpu_millis_per_second).allow_burst(quota.cpu_burst_millis);
        TenantQuotas {
            cpu: RateLimiter::keyed(budget),
            turns: Mutex::new(HashMap::new()),
            quota,
        }
    }

    /// Waits for one of `tenant`'s turns; the turn lasts as long as the permit.
    pub(crate) async fn turn(&self, tenant: &TenantId) -> OwnedSemaphorePermit {
        let semaphore = {
            let mut turns = self.turns.lock().expect("turns lock");
            turns
                .entry(tenant.clone())
                .or_insert_with(|| {
                    Arc::new(Semaphore::new(self.quota.concurrent_batches.get() as usize))
                })
                .clone()
        };
        semaphore
            .acquire_owned()
            .await
            .expect("invariant: the semaphore is never closed")
    }

    /// Charges `spent` plugin time to `tenant`, waiting until its budget covers it (at most one
    /// burst is charged at a time). Call it while holding the tenant's turn, so that a tenant
    /// past its budget is the one that waits.
    pub(crate) async fn charge(&self, tenant: &TenantId, spent: Duration) {
        let millis = spent
            .as_millis()
            .min(u128::from(self.quota.cpu_burst_millis.get()));
        let Some(cells) = NonZeroU32::new(millis as u32) else {
            return;
        };
        // Within the burst by construction, so capacity is never insufficient.
        let _ = self.cpu.until_key_n_ready(tenant, cells).await;
    }

    /// Deliveries held at once.
    pub(crate) fn in_flight(&self) -> usize {
        self.quota.in_flight.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant(id: &str) -> TenantId {
        TenantId::new(id).expect("tenant id")
    }

    #[tokio::test(start_paused = true)]
    async fn a_tenant_holds_its_own_turns_only() {
        let quotas = TenantQuotas::new(TenantQuota::default());
        let (a, b) = (tenant("a"), tenant("b"));
        let held = quotas.turn(&a).await;
        // Another tenant gets a turn at once; `a` has none left until it gives its back.
        let _other = quotas.turn(&b).await;
        let waiting = tokio::time::timeout(Duration::from_millis(50), quotas.turn(&a));
        assert!(
            waiting.await.is_err(),
            "a's second turn waits for its first"
        );
        drop(held);
        let _again = quotas.turn(&a).await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_tenant_past_its_budget_waits_and_others_do_not() {
        let quotas = TenantQuotas::new(TenantQuota {
            cpu_millis_per_second: NonZeroU32::new(100).expect("non-zero"),
            cpu_burst_millis: NonZeroU32::new(1_000).expect("non-zero"),
            ..TenantQuota::default()
        });
        let (a, b) = (tenant("a"), tenant("b"));
        // The burst is spent at once...
        quotas.charge(&a, Duration::from_secs(1)).await;
        // ...then a is charged for another 500 ms: it must wait while b, untouched, need not.
        let b_charged = tokio::time::timeout(
            Duration::from_millis(1),
            quotas.charge(&b, Duration::from_millis(500)),
        );
        assert!(b_charged.await.is_ok(), "b has its whole burst");
        let a_charged = tokio::time::timeout(
            Duration::from_millis(1),
            quotas.charge(&a, Duration::from_millis(500)),
        );
        assert!(a_charged.await.is_err(), "a has spent its burst");
    }
}
