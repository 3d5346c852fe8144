//! In-process bus throughput: events published in batches, each handled and acknowledged by one
//! of two consumers of a group. `cargo bench -p lgp-bus --bench throughput`; numbers go to
//! docs/benchmarks.md.

use lgp_bus::{Bus, InProcessBus, InProcessConfig};
use lgp_events::{Event, EventType, TenantId};
use std::sync::Arc;
use std::time::Instant;

const EVENTS: usize = 1_000_000;
const BATCH: usize = 1_000;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let bus = Arc::new(InProcessBus::new(InProcessConfig::default()));
        let tenant = TenantId::new("bench").expect("tenant");
        let template = Event::new(
            EventType::ComplianceViolation,
            tenant,
            "bench",
            Some("scan".into()),
            serde_json::json!({ "check_id": "s3_bucket_versioning_enabled", "resource_arn": "arn:aws:s3:::b" }),
        );
        let mut consumers = Vec::new();
        for _ in 0..2 {
            let mut sub = bus
                .subscribe("bench", &[EventType::ComplianceViolation])
                .await
                .expect("subscribe");
            consumers.push(tokio::spawn(async move {
                let mut n = 0usize;
                while let Some(d) = sub.next().await {
                    d.ack().await.expect("ack");
                    n += 1;
                }
                n
            }));
        }
        let t = Instant::now();
        for _ in 0..EVENTS / BATCH {
            let batch: Vec<Event> = (0..BATCH)
                .map(|_| {
                    let mut e = template.clone();
                    e.event_id = lgp_events::EventId::new();
                    e
                })
                .collect();
            bus.publish(batch).await.expect("publish");
        }
        loop {
            let s = bus.stats("bench").await.expect("stats");
            if s.queued == 0 && s.in_flight == 0 {
                break;
            }
            tokio::task::yield_now().await;
        }
        let elapsed = t.elapsed();
        bus.close();
        let handled: usize = futures_sum(consumers).await;
        println!(
            "in-process bus: {EVENTS} events (batches of {BATCH}) published + handled + acked in {:.2} s = {:.0} events/s ({handled} handled)",
            elapsed.as_secs_f64(),
            EVENTS as f64 / elapsed.as_secs_f64()
        );
    });
}

async fn futures_sum(handles: Vec<tokio::task::JoinHandle<usize>>) -> usize {
    let mut total = 0;
    for h in handles {
        total += h.await.expect("consumer");
    }
    total
}
