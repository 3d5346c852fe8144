//! The bus's behavioural suite, unchanged, against a real redis-server.

use lgp_bus::{Bus, RetryPolicy};
use lgp_bus_redis::testing::RedisServer;
use lgp_bus_redis::{RedisBus, RedisConfig};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

#[tokio::test]
async fn passes_the_conformance_suite() {
    let server = RedisServer::start();
    let scenario = AtomicUsize::new(0);
    lgp_bus::conformance::run_all(|| {
        // A fresh key prefix per scenario: a fresh, empty bus on the same server.
        let n = scenario.fetch_add(1, Ordering::Relaxed);
        let config = RedisConfig {
            key_prefix: format!("conformance-{n}"),
            retry: RetryPolicy {
                max_attempts: lgp_bus::conformance::ATTEMPTS,
                base_backoff: Duration::from_millis(5),
                max_backoff: Duration::from_millis(20),
            },
            block: Duration::from_millis(200),
            ..RedisConfig::new(server.url())
        };
        Box::new(RedisBus::new(config).expect("bus")) as Box<dyn Bus>
    })
    .await;
}
