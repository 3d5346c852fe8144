//! How often and how long apart a failing delivery is tried again.

use std::time::Duration;

/// Retries of one delivery: exponential backoff, `base · 2^(n-1)` after the n-th failed attempt,
/// capped at `max_delay`, for at most `max_attempts` attempts. Only answers that may change are
/// retried (5xx, 408, 429, timeouts, connection errors); other 4xx and 3xx end the delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The wait after the first failed attempt.
    pub base_delay: Duration,
    /// The longest wait between two attempts.
    pub max_delay: Duration,
    /// How long one attempt may take, connecting included.
    pub attempt_timeout: Duration,
}

/// Six attempts: waits of 1, 2, 4, 8 and 16 s, so an endpoint that is down for half a minute
/// (a deploy, a restart) still gets the notification, while a dead one is given up within about
/// a minute and a half even if every attempt times out.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 6;

/// One second: long enough for a restarting receiver, short enough to keep alerts timely.
pub const DEFAULT_BASE_DELAY: Duration = Duration::from_secs(1);

/// One minute caps the wait should the attempts be raised.
pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(60);

/// Ten seconds: webhook receivers are expected to answer at once and work later (Slack and
/// GitHub give 3 and 10 seconds); a receiver slower than that is treated as down.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            base_delay: DEFAULT_BASE_DELAY,
            max_delay: DEFAULT_MAX_DELAY,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt number `attempt` (1-based).
    pub fn delay(&self, attempt: u32) -> Duration {
        let factor = 1u32
            .checked_shl(attempt.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }

    /// Whether attempt number `attempt` (1-based) may be followed by another.
    pub fn may_retry(&self, attempt: u32) -> bool {
        attempt < self.max_attempts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_from_the_base_up_to_the_cap() {
        let p = RetryPolicy::default();
        let secs: Vec<u64> = (1..=8).map(|n| p.delay(n).as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(p.delay(200), DEFAULT_MAX_DELAY, "no overflow");
        assert!(p.may_retry(5));
        assert!(!p.may_retry(DEFAULT_MAX_ATTEMPTS));
    }

    #[test]
    fn a_fast_policy_for_tests_scales_the_same_way() {
        let p = RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(25),
            attempt_timeout: Duration::from_secs(1),
        };
        assert_eq!(
            (1..=3).map(|n| p.delay(n)).collect::<Vec<_>>(),
            [10, 20, 25].map(Duration::from_millis)
        );
    }
}
