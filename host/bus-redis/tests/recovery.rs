//! Redis losing everything (FLUSHALL stands in for a restart without persistence): consumers
//! recreate their groups and registrations, and what is published afterwards is delivered.

use lgp_bus::Bus;
use lgp_bus_redis::testing::RedisServer;
use lgp_bus_redis::{RedisBus, RedisConfig};
use lgp_events::{Event, EventType, TenantId};
use std::time::Duration;

const PATIENCE: Duration = Duration::from_secs(30);

fn event(n: u32) -> Event {
    Event::new(
        EventType::AlertTriggered,
        TenantId::new("acme").expect("tenant"),
        "test",
        None,
        serde_json::json!({ "n": n }),
    )
}

#[tokio::test]
async fn consumers_recreate_groups_that_redis_lost() {
    let server = RedisServer::start();
    let config = RedisConfig {
        block: Duration::from_millis(100),
        ..RedisConfig::new(server.url())
    };
    let bus = RedisBus::new(config).expect("bus");
    let mut sub = bus
        .subscribe("handler:alerts", &[EventType::AlertTriggered])
        .await
        .expect("subscribe");
    bus.publish(vec![event(0)]).await.expect("publish");
    let d = tokio::time::timeout(PATIENCE, sub.next())
        .await
        .expect("in time")
        .expect("delivery");
    d.ack().await.expect("ack");

    let client = redis::Client::open(server.url()).expect("client");
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .expect("connection");
    let _: () = redis::cmd("FLUSHALL")
        .query_async(&mut conn)
        .await
        .expect("flushall");

    let later = event(1);
    let id = later.event_id;
    // The consumer notices the loss on its next read; what is published from then on arrives.
    tokio::time::timeout(PATIENCE, async {
        loop {
            bus.publish(vec![later.clone()]).await.expect("publish");
            if let Ok(Some(d)) = tokio::time::timeout(Duration::from_millis(500), sub.next()).await
            {
                assert_eq!(d.event.event_id, id);
                d.ack().await.expect("ack");
                return;
            }
        }
    })
    .await
    .expect("delivered after the loss");
    let stats = bus
        .stats("handler:alerts")
        .await
        .expect("the group is registered again");
    assert_eq!(stats.dead_lettered, 0);
}
