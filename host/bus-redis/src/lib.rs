//! The event bus on Redis: [`RedisBus`] implements [`lgp_bus::Bus`] on Redis Streams, for
//! several `lgp` processes sharing one bus.
//!
//! - **Publish**: one pipelined round trip per batch — per event an XADD to the stream of its
//!   type with approximate MAXLEN trimming, and a PUBLISH on `tenant.{tenant_id}.{event_type}` and
//!   on `events.all`. The stream entry is the event envelope's JSON, exactly what the in-process
//!   bus moves (events that need sealing are sealed by their publisher before they get here).
//! - **Consume**: one Redis consumer group per bus group on the streams of its types, read with
//!   XREADGROUP by one consumer per process and group (named after the process and a counter).
//!   Ack is XACK; a retry leaves the entry pending and claims it back after the backoff; a
//!   reject, or the last failed attempt, moves the event to the group's dead-letter stream with
//!   its error (atomically with the XACK). Entries left pending by a dead consumer are taken over
//!   with XAUTOCLAIM once idle past [`RedisConfig::claim_idle`].
//! - **Live**: a PSUBSCRIBE on `tenant.{tenant}.*` per tenant watched by this process.
//! - Key names carry the hash tag `{events}` (docs/redis-bus.md has the layout), so the layout
//!   works on Redis Cluster; lost connections are re-established with backoff.
//!
//! It does not: bound the backlog by back-pressure (streams are trimmed instead, see
//! [`RedisConfig::max_len`]), deduplicate events (delivery is at least once; consumers'
//! effects are idempotent), talk to a cluster through a cluster client (the layout is ready for
//! it, the connection is a single-node one), or encrypt anything.

mod acks;
mod consumer;
mod keys;
mod live;
#[cfg(feature = "testing")]
pub mod testing;

use async_trait::async_trait;
use keys::Keys;
use lgp_bus::{Bus, BusError, DeadLetter, GroupStats, LiveStream, RetryPolicy, Subscription};
use lgp_events::{Event, EventType, TenantId};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::streams::{StreamId, StreamInfoGroupsReply, StreamRangeReply};
use redis::{AsyncCommands, Client, IntoConnectionInfo, ProtocolVersion, RedisError, RetryMethod};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Settings of the Redis bus.
#[derive(Debug, Clone)]
pub struct RedisConfig {
    /// Where Redis is, e.g. `redis://127.0.0.1:6379/0`.
    pub url: String,
    /// First part of every key, so that several buses can share one Redis.
    pub key_prefix: String,
    /// Retry and dead-letter policy, the same for every group.
    pub retry: RetryPolicy,
    /// Approximate length at which each event type's stream is trimmed (`XADD MAXLEN ~`).
    /// Acknowledged entries are never deleted otherwise, so without a cap a stream grows forever.
    /// Trimming does not wait for slow groups: 100,000 entries is hours of a busy tenant's events
    /// per type (a scan publishes one `inventory.discovered` per 500 resources) while bounding a
    /// stream to some 100 MB of typical 1 KB events.
    pub max_len: usize,
    /// Entries pending this long are taken over by another consumer (XAUTOCLAIM): the owner is
    /// presumed dead. Must exceed the longest handling time of one event plus the time it waits
    /// in a consumer's prefetch, and the longest retry backoff.
    pub claim_idle: Duration,
    /// How often a consumer looks for entries to take over.
    pub claim_interval: Duration,
    /// Entries one XREADGROUP fetches, and so the prefetch of one consumer.
    pub read_count: usize,
    /// How long one XREADGROUP blocks waiting for new entries.
    pub block: Duration,
    /// How long `publish` keeps retrying while Redis is unreachable before failing.
    pub publish_timeout: Duration,
    /// Events buffered per tenant for live receivers before a slow one lags.
    pub live_capacity: usize,
    /// Approximate number of dead letters kept per group.
    pub dead_letter_capacity: usize,
}

impl RedisConfig {
    /// The defaults, for the Redis at `url`.
    pub fn new(url: impl Into<String>) -> Self {
        RedisConfig {
            url: url.into(),
            key_prefix: "lgp".to_owned(),
            retry: RetryPolicy::default(),
            max_len: 100_000,
            claim_idle: Duration::from_secs(60),
            claim_interval: Duration::from_secs(5),
            read_count: 64,
            block: Duration::from_secs(1),
            publish_timeout: Duration::from_secs(30),
            live_capacity: 1_024,
            dead_letter_capacity: 10_000,
        }
    }
}

impl RedisConfig {
    /// Refuses settings under which the bus would misbehave.
    fn check(&self) -> Result<(), BusError> {
        let problem = if self.claim_idle <= self.retry.max_backoff {
            // An entry waiting out its backoff would be taken over by another consumer and
            // delivered twice at once.
            Some("claim_idle must exceed the retry policy's max_backoff")
        } else if self.read_count == 0 {
            Some("read_count must be at least 1")
        } else if self.block.is_zero() {
            // BLOCK 0 means "forever" to Redis: the reader would never look for stale entries.
            Some("block must be longer than zero")
        } else {
            None
        };
        match problem {
            Some(message) => Err(BusError::Backend {
                operation: "checking the redis bus configuration",
                message: message.to_owned(),
            }),
            None => Ok(()),
        }
    }
}

/// Events per pipelined round trip: large enough to amortise the round trip, small enough that
/// one request stays a few MB and other clients of the connection are not held up long.
const PUBLISH_CHUNK: usize = 500;

/// How long a blocking read may take beyond its BLOCK time before the connection is presumed
/// dead (a response timeout shorter than BLOCK would fail every idle read).
const READ_MARGIN: Duration = Duration::from_secs(5);

/// Response timeout of the shared connection: a busy server answers a pipelined batch in
/// milliseconds; seconds mean it is gone.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(5);

/// First and longest delay between attempts while Redis is unreachable.
pub(crate) const RECONNECT_MIN: Duration = Duration::from_millis(50);
pub(crate) const RECONNECT_MAX: Duration = Duration::from_secs(2);

/// What every part of the bus shares.
pub(crate) struct Ctx {
    pub(crate) config: RedisConfig,
    pub(crate) keys: Keys,
    pub(crate) client: Client,
    /// Non-blocking commands of every consumer and publisher, multiplexed on one connection.
    pub(crate) conn: ConnectionManager,
    /// Acknowledgements, coalesced.
    pub(crate) acks: acks::Acks,
    /// Names this process's consumers (the ULID makes it unique across hosts and restarts).
    pub(crate) process: String,
}

impl Ctx {
    /// A dedicated connection for blocking reads: a BLOCKing XREADGROUP holds up every command
    /// queued behind it on its connection.
    pub(crate) fn reader_connection(&self) -> Result<ConnectionManager, BusError> {
        let config = manager_config().set_response_timeout(Some(self.config.block + READ_MARGIN));
        self.client
            .get_connection_manager_lazy(config)
            .map_err(|e| backend("connecting a reader", &e))
    }
}

fn manager_config() -> ConnectionManagerConfig {
    ConnectionManagerConfig::new()
        .set_min_delay(RECONNECT_MIN)
        .set_max_delay(RECONNECT_MAX)
        .set_connection_timeout(Some(Duration::from_secs(2)))
}

/// Whether an error may go away by itself (a restarting or loading server, a dropped
/// connection), so the operation is worth retrying.
pub(crate) fn transient(err: &RedisError) -> bool {
    !matches!(err.retry_method(), RetryMethod::NoRetry)
        || err.is_connection_refusal()
        || err.is_timeout()
}

pub(crate) fn backend(operation: &'static str, err: &RedisError) -> BusError {
    BusError::Backend {
        operation,
        message: err.to_string(),
    }
}

/// Runs `op` until it succeeds, fails permanently, or `deadline` passes, sleeping with doubling
/// backoff between attempts: Redis restarting is an outage of seconds, not a failure.
pub(crate) async fn with_retry<T, F, Fut>(
    operation: &'static str,
    deadline: Duration,
    mut op: F,
) -> Result<T, BusError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, RedisError>>,
{
    let start = Instant::now();
    let mut delay = RECONNECT_MIN;
    loop {
        match op().await {
            Ok(v) => return Ok(v),
            Err(err) if transient(&err) && start.elapsed() + delay < deadline => {
                tracing::debug!(operation, "redis unavailable, retrying: {err}");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(RECONNECT_MAX);
            }
            Err(err) => return Err(backend(operation, &err)),
        }
    }
}

/// The event bus on Redis. Cheap to clone; clones share the bus.
#[derive(Clone)]
pub struct RedisBus {
    ctx: Arc<Ctx>,
    live: Arc<live::Live>,
    /// This process's consumer of each group, shared by the group's subscriptions.
    readers: Arc<Mutex<HashMap<String, Weak<consumer::GroupReader>>>>,
}

impl std::fmt::Debug for RedisBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisBus")
            .field("key_prefix", &self.ctx.config.key_prefix)
            .field("process", &self.ctx.process)
            .finish_non_exhaustive()
    }
}

impl RedisBus {
    /// A bus on the Redis at `config.url`. Connects lazily (the first command connects), so it
    /// does not fail when Redis is down; [`connect`](Self::connect) checks. Must be called inside
    /// a Tokio runtime.
    pub fn new(config: RedisConfig) -> Result<Self, BusError> {
        config.check()?;
        let invalid = |e: RedisError| backend("parsing the redis url", &e);
        let info = config
            .url
            .as_str()
            .into_connection_info()
            .map_err(invalid)?;
        let client = Client::open(info.clone()).map_err(invalid)?;
        let conn = client
            .get_connection_manager_lazy(
                manager_config().set_response_timeout(Some(RESPONSE_TIMEOUT)),
            )
            .map_err(|e| backend("connecting", &e))?;
        // Pub/sub over RESP3 push messages lets one multiplexed connection carry the patterns,
        // and the manager re-subscribes them after a reconnect.
        let settings = info
            .redis_settings()
            .clone()
            .set_protocol(ProtocolVersion::RESP3);
        let pubsub_client = Client::open(info.set_redis_settings(settings)).map_err(invalid)?;
        let live = live::Live::new(config.live_capacity, |inbox| {
            pubsub_client
                .get_connection_manager_lazy(
                    manager_config()
                        .set_response_timeout(Some(RESPONSE_TIMEOUT))
                        .set_push_sender(move |info| {
                            inbox.push(info);
                            Ok::<(), ()>(())
                        })
                        .set_automatic_resubscription(),
                )
                .map_err(|e| backend("connecting for live events", &e))
        })?;
        let acks = acks::Acks::start(conn.clone(), config.publish_timeout)?;
        let ctx = Ctx {
            acks,
            keys: Keys::new(&config.key_prefix),
            process: format!("{}-{}", std::process::id(), ulid::Ulid::new()),
            config,
            client,
            conn,
        };
        Ok(RedisBus {
            ctx: Arc::new(ctx),
            live: Arc::new(live),
            readers: Arc::default(),
        })
    }

    /// A bus on the Redis at `config.url`, after checking that Redis answers.
    pub async fn connect(config: RedisConfig) -> Result<Self, BusError> {
        let bus = RedisBus::new(config)?;
        let mut conn = bus.ctx.conn.clone();
        let _: () = redis::cmd("PING")
            .query_async(&mut conn)
            .await
            .map_err(|e| backend("connecting", &e))?;
        Ok(bus)
    }

    /// The event types of `group`, or `UnknownGroup`.
    async fn group_types(&self, group: &str) -> Result<Vec<EventType>, BusError> {
        let key = self.ctx.keys.groups();
        let deadline = self.ctx.config.publish_timeout;
        let field: Option<String> = with_retry("reading consumer groups", deadline, || {
            let mut conn = self.ctx.conn.clone();
            let key = key.clone();
            async move { conn.hget(key, group).await }
        })
        .await?;
        let Some(field) = field else {
            return Err(BusError::UnknownGroup(group.to_owned()));
        };
        Ok(field.split(',').filter_map(|t| t.parse().ok()).collect())
    }

    /// Registers `group` for `types`, or checks that it is registered for exactly those.
    async fn register(&self, group: &str, types: &[EventType]) -> Result<(), BusError> {
        let key = self.ctx.keys.groups();
        let field = keys::types_field(types);
        let deadline = self.ctx.config.publish_timeout;
        let (_, existing): (bool, String) =
            with_retry("registering a consumer group", deadline, || {
                let mut conn = self.ctx.conn.clone();
                let mut pipe = redis::pipe();
                pipe.hset_nx(&key, group, &field).hget(&key, group);
                async move { pipe.query_async(&mut conn).await }
            })
            .await?;
        if existing != field {
            return Err(BusError::GroupMismatch {
                group: group.to_owned(),
            });
        }
        Ok(())
    }
}

#[async_trait]
impl Bus for RedisBus {
    async fn publish(&self, events: Vec<Event>) -> Result<(), BusError> {
        if events.is_empty() {
            return Ok(());
        }
        // Live streams opened before this call see its events.
        self.live.confirmed().await;
        let config = &self.ctx.config;
        for chunk in events.chunks(PUBLISH_CHUNK) {
            let mut pipe = redis::pipe();
            for e in chunk {
                let json = serde_json::to_string(e).map_err(|err| BusError::Backend {
                    operation: "encoding an event",
                    message: err.to_string(),
                })?;
                pipe.cmd("XADD")
                    .arg(self.ctx.keys.stream(e.event_type))
                    .arg("MAXLEN")
                    .arg("~")
                    .arg(config.max_len)
                    .arg("*")
                    .arg(consumer::FIELD_EVENT)
                    .arg(&json)
                    .ignore();
                pipe.cmd("PUBLISH")
                    .arg(keys::tenant_channel(&e.tenant_id, e.event_type))
                    .arg(&json)
                    .ignore();
                pipe.cmd("PUBLISH")
                    .arg(keys::ALL_CHANNEL)
                    .arg(&json)
                    .ignore();
            }
            let pipe = &pipe;
            // A batch retried after a dropped connection may be stored twice: delivery is at
            // least once anyway, and consumers drop duplicates by event id.
            with_retry("publishing events", config.publish_timeout, || {
                let mut conn = self.ctx.conn.clone();
                async move { pipe.query_async::<()>(&mut conn).await }
            })
            .await?;
        }
        Ok(())
    }

    async fn subscribe(&self, group: &str, types: &[EventType]) -> Result<Subscription, BusError> {
        self.register(group, types).await?;
        let mut types: Vec<EventType> = types.to_vec();
        types.sort_unstable();
        types.dedup();
        let streams: Vec<String> = types.iter().map(|t| self.ctx.keys.stream(*t)).collect();
        let deadline = self.ctx.config.publish_timeout;
        with_retry("creating a consumer group", deadline, || {
            let mut conn = self.ctx.conn.clone();
            let streams = &streams;
            async move { consumer::create_groups(&mut conn, streams, group, "$").await }
        })
        .await?;
        let reader = {
            let mut readers = self.readers.lock().unwrap_or_else(|p| p.into_inner());
            match readers.get(group).and_then(Weak::upgrade) {
                Some(r) => r,
                None => {
                    let r = consumer::GroupReader::start(self.ctx.clone(), group, &types)?;
                    readers.insert(group.to_owned(), Arc::downgrade(&r));
                    r
                }
            }
        };
        Ok(Subscription::new(
            group,
            Box::new(consumer::Source::new(reader)),
        ))
    }

    fn live(&self, tenant: &TenantId) -> LiveStream {
        self.live.subscribe(tenant)
    }

    async fn dead_letters(&self, group: &str, limit: usize) -> Result<Vec<DeadLetter>, BusError> {
        self.group_types(group).await?;
        let key = self.ctx.keys.dead(group);
        let deadline = self.ctx.config.publish_timeout;
        let reply: StreamRangeReply = with_retry("reading dead letters", deadline, || {
            let mut conn = self.ctx.conn.clone();
            let key = key.clone();
            async move { conn.xrevrange_count(key, "+", "-", limit).await }
        })
        .await?;
        let mut dead: Vec<DeadLetter> = reply
            .ids
            .iter()
            .filter_map(|entry| match dead_letter_of(group, entry) {
                Ok(d) => Some(d),
                Err(err) => {
                    tracing::warn!(%group, id = %entry.id, "skipping an unreadable dead letter: {err}");
                    None
                }
            })
            .collect();
        dead.reverse();
        Ok(dead)
    }

    async fn stats(&self, group: &str) -> Result<GroupStats, BusError> {
        let types = self.group_types(group).await?;
        let deadline = self.ctx.config.publish_timeout;
        let mut stats = GroupStats::default();
        for t in types {
            let key = self.ctx.keys.stream(t);
            let info: StreamInfoGroupsReply = with_retry("reading group stats", deadline, || {
                let mut conn = self.ctx.conn.clone();
                let key = key.clone();
                async move { conn.xinfo_groups(key).await }
            })
            .await?;
            if let Some(g) = info.groups.iter().find(|g| g.name == group) {
                stats.queued += g.lag.unwrap_or(0) as u64;
                stats.in_flight += g.pending as u64;
            }
        }
        let counts = self.ctx.keys.dead_counts();
        let dead: Option<u64> = with_retry("reading group stats", deadline, || {
            let mut conn = self.ctx.conn.clone();
            let counts = counts.clone();
            async move { conn.hget(counts, group).await }
        })
        .await?;
        stats.dead_lettered = dead.unwrap_or(0);
        Ok(stats)
    }
}

/// A dead letter from its stream entry.
fn dead_letter_of(group: &str, entry: &StreamId) -> Result<DeadLetter, String> {
    let field = |name: &str| {
        entry
            .get::<String>(name)
            .ok_or_else(|| format!("no {name} field"))
    };
    let event: Event = serde_json::from_str(&field("event")?).map_err(|e| e.to_string())?;
    let attempts = field("attempts")?
        .parse()
        .map_err(|e| format!("attempts: {e}"))?;
    let at = OffsetDateTime::parse(&field("at")?, &Rfc3339).map_err(|e| format!("at: {e}"))?;
    Ok(DeadLetter {
        event: Arc::new(event),
        group: group.to_owned(),
        error: field("error")?,
        attempts,
        at,
    })
}
