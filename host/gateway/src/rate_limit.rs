//! Per-tenant request rate limits: one token bucket per tenant (governor's GCRA), taken after
//! the token is verified, so a tenant can only ever spend its own bucket.

use crate::{ApiError, GatewayConfig};
use axum::http::StatusCode;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use lgp_events::TenantId;
use std::time::Duration;

/// The buckets of every tenant that made a request.
pub(crate) struct RateLimits {
    limiter: DefaultKeyedRateLimiter<TenantId>,
    clock: DefaultClock,
}

impl RateLimits {
    /// Buckets refilled at `rate_limit_rps` that hold `rate_limit_burst` requests.
    pub(crate) fn new(config: &GatewayConfig) -> Self {
        let quota = Quota::per_second(config.rate_limit_rps).allow_burst(config.rate_limit_burst);
        RateLimits {
            limiter: RateLimiter::keyed(quota),
            clock: DefaultClock::default(),
        }
    }

    /// Spends one request of `tenant`'s bucket; an empty bucket is 429 `rate_limited`, with
    /// the whole seconds (at least one) after which a request will be admitted again.
    pub(crate) fn admit(&self, tenant: &TenantId) -> Result<(), ApiError> {
        self.limiter.check_key(tenant).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many requests for this tenant: retry after the time in Retry-After",
            )
            .retry_after(whole_seconds(wait))
        })
    }
}

/// `wait` rounded up to whole seconds, at least one: a client that waits that long is admitted.
fn whole_seconds(wait: Duration) -> u64 {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    seconds.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::num::NonZeroU32;

    fn tenant(id: &str) -> TenantId {
        TenantId::new(id).expect("tenant id")
    }

    #[test]
    fn a_tenant_past_its_burst_is_refused_while_another_is_not() {
        let limits = RateLimits::new(&GatewayConfig {
            rate_limit_rps: NonZeroU32::MIN,
            rate_limit_burst: NonZeroU32::new(2).expect("non-zero"),
            ..GatewayConfig::default()
        });
        let (a, b) = (tenant("acme"), tenant("bravo"));
        assert!(limits.admit(&a).is_ok() && limits.admit(&a).is_ok());
        let refused = limits.admit(&a).expect_err("burst spent");
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(refused.code(), "rate_limited");
        assert!(limits.admit(&b).is_ok());
    }

    #[test]
    fn waits_round_up_to_whole_seconds_of_at_least_one() {
        assert_eq!(whole_seconds(Duration::ZERO), 1);
        assert_eq!(whole_seconds(Duration::from_millis(10)), 1);
        assert_eq!(whole_seconds(Duration::from_secs(2)), 2);
        assert_eq!(whole_seconds(Duration::from_millis(2_001)), 3);
    }
}
