//! The embedded bus: bounded multi-consumer queues per consumer group, in one process.

use crate::delivery::SubscriptionSource;
use crate::{
    Acker, Bus, BusError, DeadLetter, Delivery, GroupStats, LiveStream, RetryPolicy, Subscription,
};
use async_trait::async_trait;
use lgp_events::{Event, EventType, TenantId};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::broadcast;

/// Settings of the in-process bus.
#[derive(Debug, Clone)]
pub struct InProcessConfig {
    /// Events a group's queue holds before publishers wait. 10,000 absorbs a scan's burst of
    /// discovery batches while bounding memory to a few MB of `Arc`s.
    pub queue_capacity: usize,
    /// How long `publish` waits for room in a full queue before failing.
    pub publish_timeout: Duration,
    /// Retry and dead-letter policy, the same for every group.
    pub retry: RetryPolicy,
    /// Events buffered per tenant for live receivers before a slow one lags.
    pub live_capacity: usize,
    /// Dead letters kept per group (the oldest are forgotten first).
    pub dead_letter_capacity: usize,
}

impl Default for InProcessConfig {
    fn default() -> Self {
        InProcessConfig {
            queue_capacity: 10_000,
            publish_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            live_capacity: 1_024,
            dead_letter_capacity: 10_000,
        }
    }
}

struct Queued {
    event: Arc<Event>,
    attempt: u32,
}

struct Group {
    name: String,
    types: HashSet<EventType>,
    tx: async_channel::Sender<Queued>,
    rx: async_channel::Receiver<Queued>,
    retry: RetryPolicy,
    dead: Mutex<VecDeque<DeadLetter>>,
    dead_capacity: usize,
    scheduled: AtomicU64,
    in_flight: AtomicU64,
    dead_lettered: AtomicU64,
}

impl Group {
    fn dead_letter(&self, event: Arc<Event>, attempts: u32, error: String) {
        tracing::warn!(group = %self.name, event_id = %event.event_id, event_type = %event.event_type, attempts, "dead-lettered: {error}");
        self.dead_lettered.fetch_add(1, Ordering::Relaxed);
        let mut dead = self.dead.lock().unwrap_or_else(|p| p.into_inner());
        if dead.len() == self.dead_capacity {
            dead.pop_front();
        }
        dead.push_back(DeadLetter {
            event,
            group: self.name.clone(),
            error,
            attempts,
            at: OffsetDateTime::now_utc(),
        });
    }

    /// Redelivers after the policy's backoff, or dead-letters if attempts are used up.
    fn fail(self: &Arc<Self>, event: Arc<Event>, attempt: u32, error: String, retryable: bool) {
        if !retryable || self.retry.exhausted(attempt) {
            self.dead_letter(event, attempt, error);
            return;
        }
        tracing::debug!(group = %self.name, event_id = %event.event_id, attempt, "retrying: {error}");
        let group = self.clone();
        let delay = self.retry.backoff(attempt);
        self.scheduled.fetch_add(1, Ordering::Relaxed);
        let redeliver = async move {
            tokio::time::sleep(delay).await;
            let queued = Queued {
                event,
                attempt: attempt + 1,
            };
            // The retry waits for room like any publisher; a closed bus drops it.
            let _ = group.tx.send(queued).await;
            group.scheduled.fetch_sub(1, Ordering::Relaxed);
        };
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => {
                handle.spawn(redeliver);
            }
            Err(_) => {
                tracing::error!(group = %self.name, "no async runtime to schedule a retry; event dropped");
                self.scheduled.fetch_sub(1, Ordering::Relaxed);
            }
        }
    }
}

struct InProcessAcker {
    group: Arc<Group>,
    event: Arc<Event>,
    attempt: u32,
}

#[async_trait]
impl Acker for InProcessAcker {
    async fn ack(self: Box<Self>) -> Result<(), BusError> {
        self.group.in_flight.fetch_sub(1, Ordering::Relaxed);
        Ok(())
    }

    async fn fail(self: Box<Self>, error: String, retryable: bool) -> Result<(), BusError> {
        self.group.in_flight.fetch_sub(1, Ordering::Relaxed);
        self.group.fail(self.event, self.attempt, error, retryable);
        Ok(())
    }

    fn abandon(self: Box<Self>) {
        self.group.in_flight.fetch_sub(1, Ordering::Relaxed);
        self.group.fail(
            self.event,
            self.attempt,
            "delivery dropped without acknowledgement".to_owned(),
            true,
        );
    }
}

struct Source {
    group: Arc<Group>,
    rx: async_channel::Receiver<Queued>,
}

impl Source {
    fn deliver(&self, queued: Queued) -> Delivery {
        self.group.in_flight.fetch_add(1, Ordering::Relaxed);
        let acker = InProcessAcker {
            group: self.group.clone(),
            event: queued.event.clone(),
            attempt: queued.attempt,
        };
        Delivery::new(queued.event, queued.attempt, Box::new(acker))
    }
}

#[async_trait]
impl SubscriptionSource for Source {
    async fn next(&mut self) -> Option<Delivery> {
        let queued = self.rx.recv().await.ok()?;
        Some(self.deliver(queued))
    }

    fn try_next(&mut self) -> Option<Delivery> {
        let queued = self.rx.try_recv().ok()?;
        Some(self.deliver(queued))
    }
}

#[derive(Default)]
struct Routes {
    groups: HashMap<String, Arc<Group>>,
    by_type: HashMap<EventType, Vec<Arc<Group>>>,
}

/// The embedded bus. Cheap to clone; clones share the bus.
#[derive(Clone)]
pub struct InProcessBus {
    config: Arc<InProcessConfig>,
    routes: Arc<RwLock<Routes>>,
    live: Arc<RwLock<HashMap<TenantId, broadcast::Sender<Arc<Event>>>>>,
}

impl std::fmt::Debug for InProcessBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InProcessBus")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Default for InProcessBus {
    fn default() -> Self {
        InProcessBus::new(InProcessConfig::default())
    }
}

impl InProcessBus {
    /// A bus with `config`.
    pub fn new(config: InProcessConfig) -> Self {
        InProcessBus {
            config: Arc::new(config),
            routes: Arc::default(),
            live: Arc::default(),
        }
    }

    /// Closes every queue: subscriptions end once drained and publishing fails.
    pub fn close(&self) {
        let routes = self.routes.read().unwrap_or_else(|p| p.into_inner());
        for g in routes.groups.values() {
            g.tx.close();
        }
    }

    fn group(&self, name: &str) -> Result<Arc<Group>, BusError> {
        self.routes
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .groups
            .get(name)
            .cloned()
            .ok_or_else(|| BusError::UnknownGroup(name.to_owned()))
    }

    fn fan_out_live(&self, events: &[Arc<Event>]) {
        let live = self.live.read().unwrap_or_else(|p| p.into_inner());
        if live.is_empty() {
            return;
        }
        for e in events {
            if let Some(tx) = live.get(&e.tenant_id) {
                // No receiver is fine: nobody is watching that tenant right now.
                let _ = tx.send(e.clone());
            }
        }
    }
}

#[async_trait]
impl Bus for InProcessBus {
    async fn publish(&self, events: Vec<Event>) -> Result<(), BusError> {
        let events: Vec<Arc<Event>> = events.into_iter().map(Arc::new).collect();
        // Resolve every event's groups under one read lock, then send without holding it.
        let targets: Vec<(Arc<Event>, Vec<Arc<Group>>)> = {
            let routes = self.routes.read().unwrap_or_else(|p| p.into_inner());
            events
                .iter()
                .map(|e| {
                    let groups = routes
                        .by_type
                        .get(&e.event_type)
                        .cloned()
                        .unwrap_or_default();
                    (e.clone(), groups)
                })
                .collect()
        };
        for (event, groups) in targets {
            for group in groups {
                let queued = Queued {
                    event: event.clone(),
                    attempt: 1,
                };
                let sent = match group.tx.try_send(queued) {
                    Ok(()) => Ok(()),
                    Err(async_channel::TrySendError::Closed(_)) => return Err(BusError::Closed),
                    Err(async_channel::TrySendError::Full(queued)) => {
                        let waited = self.config.publish_timeout;
                        match tokio::time::timeout(waited, group.tx.send(queued)).await {
                            Ok(Ok(())) => Ok(()),
                            Ok(Err(_)) => Err(BusError::Closed),
                            Err(_) => Err(BusError::Backpressure {
                                group: group.name.clone(),
                                waited,
                            }),
                        }
                    }
                };
                sent?;
            }
        }
        self.fan_out_live(&events);
        Ok(())
    }

    async fn subscribe(&self, group: &str, types: &[EventType]) -> Result<Subscription, BusError> {
        let wanted: HashSet<EventType> = types.iter().copied().collect();
        let mut routes = self.routes.write().unwrap_or_else(|p| p.into_inner());
        let g = match routes.groups.get(group) {
            Some(g) if g.types == wanted => g.clone(),
            Some(_) => {
                return Err(BusError::GroupMismatch {
                    group: group.to_owned(),
                });
            }
            None => {
                let (tx, rx) = async_channel::bounded(self.config.queue_capacity.max(1));
                let g = Arc::new(Group {
                    name: group.to_owned(),
                    types: wanted.clone(),
                    tx,
                    rx,
                    retry: self.config.retry,
                    dead: Mutex::new(VecDeque::new()),
                    dead_capacity: self.config.dead_letter_capacity.max(1),
                    scheduled: AtomicU64::new(0),
                    in_flight: AtomicU64::new(0),
                    dead_lettered: AtomicU64::new(0),
                });
                routes.groups.insert(group.to_owned(), g.clone());
                for t in &wanted {
                    routes.by_type.entry(*t).or_default().push(g.clone());
                }
                g
            }
        };
        let source = Source {
            rx: g.rx.clone(),
            group: g,
        };
        Ok(Subscription::new(group, Box::new(source)))
    }

    fn live(&self, tenant: &TenantId) -> LiveStream {
        if let Some(tx) = self
            .live
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(tenant)
        {
            return tx.subscribe();
        }
        let mut live = self.live.write().unwrap_or_else(|p| p.into_inner());
        live.entry(tenant.clone())
            .or_insert_with(|| broadcast::channel(self.config.live_capacity.max(1)).0)
            .subscribe()
    }

    async fn dead_letters(&self, group: &str, limit: usize) -> Result<Vec<DeadLetter>, BusError> {
        let g = self.group(group)?;
        let dead = g.dead.lock().unwrap_or_else(|p| p.into_inner());
        let skip = dead.len().saturating_sub(limit);
        Ok(dead.iter().skip(skip).cloned().collect())
    }

    async fn stats(&self, group: &str) -> Result<GroupStats, BusError> {
        let g = self.group(group)?;
        Ok(GroupStats {
            queued: g.rx.len() as u64 + g.scheduled.load(Ordering::Relaxed),
            in_flight: g.in_flight.load(Ordering::Relaxed),
            dead_lettered: g.dead_lettered.load(Ordering::Relaxed),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passes_the_conformance_suite() {
        crate::conformance::run_all(|| {
            let config = InProcessConfig {
                retry: RetryPolicy {
                    max_attempts: 3,
                    base_backoff: Duration::from_millis(5),
                    max_backoff: Duration::from_millis(20),
                },
                queue_capacity: 64,
                publish_timeout: Duration::from_millis(200),
                ..InProcessConfig::default()
            };
            Box::new(InProcessBus::new(config)) as Box<dyn Bus>
        })
        .await;
    }

    #[tokio::test]
    async fn a_full_queue_pushes_back_on_publishers() {
        let bus = InProcessBus::new(InProcessConfig {
            queue_capacity: 4,
            publish_timeout: Duration::from_millis(50),
            ..InProcessConfig::default()
        });
        let t = EventType::InventoryDiscovered;
        let tenant = TenantId::new("acme").expect("tenant");
        let mk = |n: i32| {
            Event::new(
                t,
                tenant.clone(),
                "test",
                None,
                serde_json::json!({ "n": n }),
            )
        };
        let mut sub = bus.subscribe("slow", &[t]).await.expect("subscribe");
        bus.publish((0..4).map(mk).collect()).await.expect("fits");
        let err = bus.publish(vec![mk(4)]).await.expect_err("queue is full");
        assert!(
            matches!(err, BusError::Backpressure { ref group, .. } if group == "slow"),
            "{err}"
        );
        assert_eq!(bus.stats("slow").await.expect("stats").queued, 4);
        // Draining one makes room again; nothing already queued was lost.
        sub.next()
            .await
            .expect("delivery")
            .ack()
            .await
            .expect("ack");
        bus.publish(vec![mk(5)]).await.expect("room again");
        let mut ns = Vec::new();
        for _ in 0..4 {
            let d = sub.next().await.expect("delivery");
            ns.push(d.event.data["n"].as_i64().expect("n"));
            d.ack().await.expect("ack");
        }
        assert_eq!(ns, vec![1, 2, 3, 5]);
    }
}
