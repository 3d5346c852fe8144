//! Redis bus throughput and latency against a local redis-server started by the bench:
//!
//! 0. events/s published alone (batches of 1,000, nobody consuming);
//! 1. events/s published (batches of 1,000) + consumed + acknowledged by two consumers of a group;
//! 2. publish latency p50/p99 of one-event publishes, one after the other;
//! 3. end-to-end latency p50/p99 (publish → delivered) at a steady 1,000 events/s.
//!
//! `cargo bench -p lgp-bus-redis --bench throughput`; the numbers are printed
//! for docs/benchmarks.md, not asserted.

use futures::future::join_all;
use lgp_bus::Bus;
use lgp_bus_redis::testing::RedisServer;
use lgp_bus_redis::{RedisBus, RedisConfig};
use lgp_events::{Event, EventId, EventType, TenantId};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const EVENTS: usize = 200_000;
const BATCH: usize = 1_000;
const LATENCY_SAMPLES: usize = 10_000;
const RATE: u64 = 1_000;
const STEADY_SECONDS: u64 = 5;

fn template() -> Event {
    Event::new(
        EventType::ComplianceViolation,
        TenantId::new("bench").expect("tenant"),
        "bench",
        Some("scan".into()),
        serde_json::json!({ "check_id": "s3_bucket_versioning_enabled", "resource_arn": "arn:aws:s3:::b" }),
    )
}

fn fresh(template: &Event) -> Event {
    let mut e = template.clone();
    e.event_id = EventId::new();
    e
}

/// CPU time (user + system) a process has used so far, from `/proc/<pid>/stat` (Linux, at the
/// usual 100 ticks per second); zero where that cannot be read.
fn cpu_time(pid: u32) -> Duration {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return Duration::ZERO;
    };
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let ticks: u64 = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    // AOF fsynced once a second, Redis's default and the usual production setting: the tests'
    // fsync-per-write server would measure the disk.
    let server = RedisServer::start_with(&["--appendfsync", "everysec"]);
    rt.block_on(async {
        publish_only(&server).await;
        throughput(&server).await;
        publish_latency(&server).await;
        end_to_end(&server).await;
    });
}

async fn publish_only(server: &RedisServer) {
    let config = RedisConfig {
        key_prefix: "bench-publish-only".into(),
        ..RedisConfig::new(server.url())
    };
    let bus = RedisBus::new(config).expect("bus");
    let template = template();
    let t = Instant::now();
    for _ in 0..EVENTS / BATCH {
        let batch: Vec<Event> = (0..BATCH).map(|_| fresh(&template)).collect();
        bus.publish(batch).await.expect("publish");
    }
    let elapsed = t.elapsed();
    println!(
        "redis bus: {EVENTS} events (batches of {BATCH}) published, nobody consuming, in {:.2} s = {:.0} events/s",
        elapsed.as_secs_f64(),
        EVENTS as f64 / elapsed.as_secs_f64()
    );
}

async fn throughput(server: &RedisServer) {
    let config = RedisConfig {
        key_prefix: "bench-throughput".into(),
        read_count: 1_000,
        ..RedisConfig::new(server.url())
    };
    let bus = Arc::new(RedisBus::new(config).expect("bus"));
    let template = template();
    let handled = Arc::new(AtomicUsize::new(0));
    let mut consumers = Vec::new();
    for _ in 0..2 {
        let mut sub = bus
            .subscribe("bench", &[EventType::ComplianceViolation])
            .await
            .expect("subscribe");
        let handled = handled.clone();
        consumers.push(tokio::spawn(async move {
            while handled.load(Ordering::Relaxed) < EVENTS {
                let Ok(batch) =
                    tokio::time::timeout(Duration::from_millis(200), sub.next_batch(500)).await
                else {
                    continue;
                };
                let n = batch.len();
                // Acknowledgements of a batch go out together on the multiplexed connection.
                for r in join_all(batch.into_iter().map(|d| d.ack())).await {
                    r.expect("ack");
                }
                handled.fetch_add(n, Ordering::Relaxed);
            }
        }));
    }
    let redis_pid = server.pid().expect("redis-server runs");
    let (client_cpu, redis_cpu) = (cpu_time(std::process::id()), cpu_time(redis_pid));
    let t = Instant::now();
    for _ in 0..EVENTS / BATCH {
        let batch: Vec<Event> = (0..BATCH).map(|_| fresh(&template)).collect();
        bus.publish(batch).await.expect("publish");
    }
    let published = t.elapsed();
    for c in consumers {
        c.await.expect("consumer");
    }
    let elapsed = t.elapsed();
    let per_event = |cpu: Duration| cpu.as_secs_f64() * 1e6 / EVENTS as f64;
    let client_us = per_event(cpu_time(std::process::id()).saturating_sub(client_cpu));
    let redis_us = per_event(cpu_time(redis_pid).saturating_sub(redis_cpu));
    println!(
        "redis bus: {EVENTS} events (batches of {BATCH}) published in {:.2} s ({:.0} events/s); published + consumed + acked in {:.2} s = {:.0} events/s",
        published.as_secs_f64(),
        EVENTS as f64 / published.as_secs_f64(),
        elapsed.as_secs_f64(),
        EVENTS as f64 / elapsed.as_secs_f64()
    );
    // CPU per event does not depend on what else the machine runs: with redis-server on one
    // core and this process on the other, the slower of the two bounds the rate.
    println!(
        "redis bus: CPU per event published + consumed + acked: this process {client_us:.1} µs, redis-server {redis_us:.1} µs (two idle cores: about {:.0} events/s)",
        1e6 / client_us.max(redis_us)
    );
}

async fn publish_latency(server: &RedisServer) {
    let config = RedisConfig {
        key_prefix: "bench-publish".into(),
        ..RedisConfig::new(server.url())
    };
    let bus = RedisBus::new(config).expect("bus");
    let template = template();
    let mut sub = bus
        .subscribe("sink", &[EventType::ComplianceViolation])
        .await
        .expect("subscribe");
    let drain = tokio::spawn(async move {
        let mut n = 0;
        while n < LATENCY_SAMPLES {
            let batch = sub.next_batch(500).await;
            n += batch.len();
            for r in join_all(batch.into_iter().map(|d| d.ack())).await {
                r.expect("ack");
            }
        }
    });
    let mut samples = Vec::with_capacity(LATENCY_SAMPLES);
    for _ in 0..LATENCY_SAMPLES {
        let e = fresh(&template);
        let t = Instant::now();
        bus.publish(vec![e]).await.expect("publish");
        samples.push(t.elapsed());
    }
    drain.await.expect("drain");
    samples.sort_unstable();
    println!(
        "redis bus: publish of one event (XADD + 2 PUBLISH, one round trip), {LATENCY_SAMPLES} samples: p50 {:?}, p99 {:?}",
        percentile(&samples, 0.50),
        percentile(&samples, 0.99)
    );
}

async fn end_to_end(server: &RedisServer) {
    let config = RedisConfig {
        key_prefix: "bench-e2e".into(),
        ..RedisConfig::new(server.url())
    };
    let bus = Arc::new(RedisBus::new(config).expect("bus"));
    let template = template();
    let base = Instant::now();
    let total = (RATE * STEADY_SECONDS) as usize;
    let mut sub = bus
        .subscribe("e2e", &[EventType::ComplianceViolation])
        .await
        .expect("subscribe");
    let consumer = tokio::spawn(async move {
        let mut samples = Vec::with_capacity(total);
        while samples.len() < total {
            let Some(d) = sub.next().await else { break };
            let sent = d.event.data["sent_ns"].as_u64().expect("sent_ns");
            let now = u64::try_from(base.elapsed().as_nanos()).unwrap_or(u64::MAX);
            samples.push(Duration::from_nanos(now.saturating_sub(sent)));
            d.ack().await.expect("ack");
        }
        samples
    });
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / RATE));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    for _ in 0..total {
        tick.tick().await;
        let mut e = fresh(&template);
        let sent = u64::try_from(base.elapsed().as_nanos()).unwrap_or(u64::MAX);
        e.data["sent_ns"] = sent.into();
        bus.publish(vec![e]).await.expect("publish");
    }
    let mut samples = consumer.await.expect("consumer");
    samples.sort_unstable();
    println!(
        "redis bus: end-to-end (publish → delivered) at a steady {RATE} events/s for {STEADY_SECONDS} s: p50 {:?}, p99 {:?}",
        percentile(&samples, 0.50),
        percentile(&samples, 0.99)
    );
}
