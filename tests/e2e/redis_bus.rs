//! The Redis bus against a real redis-server (AOF on, started on a free port by each test):
//! replicas sharing a group, a consumer that dies holding entries, Redis killed and restarted
//! mid-stream, a poison event, and `lgp scan --demo` through Redis giving the embedded results.

use lgp_bus::{Bus, Delivery, RetryPolicy, Subscription};
use lgp_bus_redis::testing::RedisServer;
use lgp_bus_redis::{RedisBus, RedisConfig};
use lgp_events::{Event, EventId, EventType, TenantId};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const LGP: &str = env!("CARGO_BIN_EXE_lgp-under-test");

/// Upper bound on any wait of these tests (a loaded CI machine is slow; none asserts a duration).
const PATIENCE: Duration = Duration::from_secs(60);

const TYPE: EventType = EventType::ComplianceViolation;

/// How long an entry stays pending before another consumer takes it over, where a test needs no
/// takeover: long enough that a loaded machine never triggers one.
const NO_TAKEOVER: Duration = Duration::from_secs(60);

/// A bus on `server` as one replica would open it, with quick retries, taking over entries
/// pending longer than `claim_idle`.
fn replica(server: &RedisServer, claim_idle: Duration) -> RedisBus {
    let config = RedisConfig {
        retry: RetryPolicy {
            max_attempts: 4,
            base_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(50),
        },
        claim_idle,
        claim_interval: Duration::from_millis(200),
        block: Duration::from_millis(200),
        ..RedisConfig::new(server.url())
    };
    RedisBus::new(config).expect("bus")
}

fn events(n: usize) -> Vec<Event> {
    let tenant = TenantId::new("acme").expect("tenant");
    (0..n)
        .map(|i| {
            Event::new(
                TYPE,
                tenant.clone(),
                "e2e",
                Some("scan-1".into()),
                serde_json::json!({ "n": i }),
            )
        })
        .collect()
}

async fn next(sub: &mut Subscription) -> Delivery {
    tokio::time::timeout(PATIENCE, sub.next())
        .await
        .expect("a delivery in time")
        .expect("the bus is open")
}

/// Consumes and acknowledges until every id of `want` was seen; returns how often each was seen.
async fn drain(sub: &mut Subscription, want: &HashSet<EventId>) -> HashMap<EventId, u32> {
    let mut seen: HashMap<EventId, u32> = HashMap::new();
    while !want.iter().all(|id| seen.contains_key(id)) {
        let d = next(sub).await;
        *seen.entry(d.event.event_id).or_default() += 1;
        d.ack().await.expect("ack");
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_sharing_a_group_see_no_event_twice() {
    let server = RedisServer::start();
    let (one, two) = (replica(&server, NO_TAKEOVER), replica(&server, NO_TAKEOVER));
    let mut sub1 = one.subscribe("rule:s3", &[TYPE]).await.expect("subscribe");
    let sub2 = two.subscribe("rule:s3", &[TYPE]).await.expect("subscribe");
    let published = events(2_000);
    let all: HashSet<EventId> = published.iter().map(|e| e.event_id).collect();
    for batch in published.chunks(100) {
        one.publish(batch.to_vec()).await.expect("publish");
    }
    // Who handled what, and the distinct events handled so far.
    type Tally = (Vec<(usize, EventId)>, HashSet<EventId>);
    let tally: Arc<Mutex<Tally>> = Arc::default();
    let consume = |mut sub: Subscription, who: usize| {
        let tally = tally.clone();
        let total = all.len();
        tokio::spawn(async move {
            while tally.lock().expect("lock").1.len() < total {
                let Ok(Some(d)) =
                    tokio::time::timeout(Duration::from_millis(500), sub.next()).await
                else {
                    continue;
                };
                {
                    let mut t = tally.lock().expect("lock");
                    t.0.push((who, d.event.event_id));
                    t.1.insert(d.event.event_id);
                }
                d.ack().await.expect("ack");
            }
        })
    };
    let (a, b) = (consume(sub1, 1), consume(sub2, 2));
    tokio::time::timeout(PATIENCE, async {
        a.await.expect("consumer 1");
        b.await.expect("consumer 2");
    })
    .await
    .expect("both replicas drained the group in time");
    let (handled, distinct) = std::mem::take(&mut *tally.lock().expect("lock"));
    assert_eq!(distinct, all, "every event was handled");
    assert_eq!(
        handled.len(),
        all.len(),
        "no event was handled twice ({} deliveries of {} events)",
        handled.len(),
        all.len()
    );
    for who in [1, 2] {
        assert!(
            handled.iter().any(|(w, _)| *w == who),
            "replica {who} took part"
        );
    }
    let stats = one.stats("rule:s3").await.expect("stats");
    assert_eq!((stats.queued, stats.in_flight), (0, 0), "{stats:?}");
    // One more poll on a fresh subscription finds nothing left.
    sub1 = two.subscribe("rule:s3", &[TYPE]).await.expect("subscribe");
    assert!(
        tokio::time::timeout(Duration::from_millis(300), sub1.next())
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_consumers_pending_entries_are_taken_over() {
    let server = RedisServer::start();
    let published = events(300);
    let all: HashSet<EventId> = published.iter().map(|e| e.event_id).collect();
    let takeover = Duration::from_millis(800);
    let doomed = replica(&server, takeover);
    let mut sub = doomed
        .subscribe("handler:alerts", &[TYPE])
        .await
        .expect("subscribe");
    doomed.publish(published).await.expect("publish");
    // The doomed replica handles ten events, then takes five more and dies holding them: no
    // settling code runs, as when the process is killed. Whatever it had prefetched is pending too.
    let mut acked = HashSet::new();
    for _ in 0..10 {
        let d = next(&mut sub).await;
        acked.insert(d.event.event_id);
        d.ack().await.expect("ack");
    }
    let mut held = HashSet::new();
    for _ in 0..5 {
        let d = next(&mut sub).await;
        held.insert(d.event.event_id);
        std::mem::forget(d);
    }
    drop(sub);
    drop(doomed);
    let survivor = replica(&server, takeover);
    let mut sub = survivor
        .subscribe("handler:alerts", &[TYPE])
        .await
        .expect("subscribe");
    let rest: HashSet<EventId> = all.difference(&acked).copied().collect();
    let mut attempts: HashMap<EventId, u32> = HashMap::new();
    tokio::time::timeout(PATIENCE, async {
        while !rest.iter().all(|id| attempts.contains_key(id)) {
            let d = next(&mut sub).await;
            attempts.insert(d.event.event_id, d.attempt);
            d.ack().await.expect("ack");
        }
    })
    .await
    .expect("the survivor got every unacknowledged event in time");
    assert!(
        attempts.keys().all(|id| !acked.contains(id)),
        "an acknowledged event was delivered again"
    );
    for id in &held {
        assert_eq!(
            attempts[id], 2,
            "a taken-over entry counts its first delivery"
        );
    }
    let stats = survivor.stats("handler:alerts").await.expect("stats");
    assert_eq!((stats.queued, stats.in_flight), (0, 0), "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processing_resumes_after_redis_restarts_mid_stream() {
    let mut server = RedisServer::start();
    // Entries whose read reply was lost with the connection are taken over after two seconds.
    let bus = replica(&server, Duration::from_secs(2));
    let sub = bus
        .subscribe("host:audit", &[TYPE])
        .await
        .expect("subscribe");
    let published = events(1_000);
    let all: HashSet<EventId> = published.iter().map(|e| e.event_id).collect();
    let consumer = tokio::spawn(async move {
        let mut sub = sub;
        drain(&mut sub, &all).await
    });
    let mut batches = published.chunks(50).map(<[Event]>::to_vec);
    for batch in batches.by_ref().take(8) {
        bus.publish(batch).await.expect("publish");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // SIGKILL mid-stream; AOF with an fsync per write keeps everything acknowledged.
    server.kill();
    let publisher = {
        let bus = bus.clone();
        let rest: Vec<Vec<Event>> = batches.collect();
        tokio::spawn(async move {
            // Publishing waits out the outage (publish_timeout) instead of failing.
            for batch in rest {
                bus.publish(batch)
                    .await
                    .expect("publish across the restart");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(700)).await;
    server.restart();
    tokio::time::timeout(PATIENCE, publisher)
        .await
        .expect("publishing finished in time")
        .expect("publisher");
    let seen = tokio::time::timeout(PATIENCE, consumer)
        .await
        .expect("every event was handled in time")
        .expect("consumer");
    assert_eq!(seen.len(), 1_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poison_event_is_dead_lettered_after_its_tries_with_its_error() {
    let server = RedisServer::start();
    let (one, two) = (replica(&server, NO_TAKEOVER), replica(&server, NO_TAKEOVER));
    let mut subs = vec![
        one.subscribe("rule:iam", &[TYPE]).await.expect("subscribe"),
        two.subscribe("rule:iam", &[TYPE]).await.expect("subscribe"),
    ];
    let mut published = events(20);
    published[7].data = serde_json::json!({ "poison": true });
    let poison = published[7].event_id;
    one.publish(published).await.expect("publish");
    // Both replicas handle the group; whichever gets the poison fails it, as a handler that
    // cannot store its effect would.
    let handled = Arc::new(Mutex::new(HashSet::new()));
    let tries = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for mut sub in subs.drain(..) {
        let (handled, tries) = (handled.clone(), tries.clone());
        tasks.push(tokio::spawn(async move {
            while let Ok(Some(d)) =
                tokio::time::timeout(Duration::from_millis(1_500), sub.next()).await
            {
                if d.event.event_id == poison {
                    tries.lock().expect("lock").push(d.attempt);
                    let attempt = d.attempt;
                    d.retry(format!("cannot store the finding (try {attempt})"))
                        .await
                        .expect("retry");
                } else {
                    handled.lock().expect("lock").insert(d.event.event_id);
                    d.ack().await.expect("ack");
                }
            }
        }));
    }
    let dead = tokio::time::timeout(PATIENCE, async {
        loop {
            let dead = one
                .dead_letters("rule:iam", 10)
                .await
                .expect("dead letters");
            if !dead.is_empty() {
                return dead;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the poison event was dead-lettered in time");
    for t in tasks {
        t.await.expect("consumer");
    }
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].event.event_id, poison);
    assert_eq!(dead[0].event.data["poison"], true);
    assert_eq!(dead[0].attempts, 4);
    assert_eq!(dead[0].error, "cannot store the finding (try 4)");
    assert_eq!(dead[0].group, "rule:iam");
    assert_eq!(*tries.lock().expect("lock"), vec![1, 2, 3, 4]);
    assert_eq!(
        handled.lock().expect("lock").len(),
        19,
        "the other events flowed"
    );
    let stats = two.stats("rule:iam").await.expect("stats");
    assert_eq!(
        (stats.queued, stats.in_flight, stats.dead_lettered),
        (0, 0, 1),
        "{stats:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_events_reach_the_tenants_watchers_on_every_replica() {
    let server = RedisServer::start();
    let (one, two) = (replica(&server, NO_TAKEOVER), replica(&server, NO_TAKEOVER));
    let acme = TenantId::new("acme").expect("tenant");
    let mut watching = two.live(&acme);
    let mut elsewhere = two.live(&TenantId::new("globex").expect("tenant"));
    // A probe through the watching replica: its publish waits until its subscriptions are live.
    let probe = events(1);
    two.publish(probe.clone()).await.expect("publish");
    let got = tokio::time::timeout(PATIENCE, watching.recv())
        .await
        .expect("the probe in time")
        .expect("live stream open");
    assert_eq!(got.event_id, probe[0].event_id);
    // Events published by the other replica reach the watcher, in order, and only it.
    let published = events(20);
    one.publish(published.clone()).await.expect("publish");
    for e in &published {
        let got = tokio::time::timeout(PATIENCE, watching.recv())
            .await
            .expect("a live event in time")
            .expect("live stream open");
        assert_eq!(got.event_id, e.event_id, "live events in publishing order");
    }
    assert!(
        elsewhere.try_recv().is_err(),
        "acme's events reached globex's stream"
    );
}

/// `(check, resource, status)` of every result of a JSON scan report.
fn outcomes(report: &Value) -> BTreeSet<(String, String, String)> {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_owned();
            (s("check_id"), s("resource_arn"), s("status"))
        })
        .collect()
}

fn demo_scan_command(dir: &std::path::Path, redis: Option<&str>) -> Command {
    let mut cmd = Command::new(LGP);
    cmd.args(["scan", "--demo", "--format", "json", "--out"])
        .arg(dir.join("reports"))
        .env("LGP_DATA_DIR", dir.join("data"))
        .env_remove("LGP_TENANT")
        .env_remove("LGP_REDIS_URL");
    if let Some(url) = redis {
        cmd.env("LGP_REDIS_URL", url);
    }
    cmd
}

fn demo_scan(dir: &std::path::Path, redis: Option<&str>) -> Value {
    let out = demo_scan_command(dir, redis).output().expect("lgp runs");
    assert!(
        out.status.success(),
        "lgp scan --demo failed\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the JSON report")
}

#[test]
fn a_demo_scan_through_redis_finds_what_the_embedded_bus_finds() {
    let server = RedisServer::start();
    let (embedded, redis) = (
        tempfile::tempdir().expect("tempdir"),
        tempfile::tempdir().expect("tempdir"),
    );
    let expected = demo_scan(embedded.path(), None);
    let got = demo_scan(redis.path(), Some(&server.url()));
    assert_eq!(got["scan"]["status"], "completed");
    assert_eq!(outcomes(&got), outcomes(&expected));
    assert!(!outcomes(&got).is_empty());
    // The scan did go through Redis: with nobody at the address, it refuses to start.
    let nobody = tempfile::tempdir().expect("tempdir");
    let out = demo_scan_command(nobody.path(), Some("redis://127.0.0.1:1/0"))
        .output()
        .expect("lgp runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("LGP_REDIS_URL"), "{stderr}");
}
