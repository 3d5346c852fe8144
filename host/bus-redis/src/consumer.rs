//! Consuming: one Redis consumer per process and group reads the group's streams in a background
//! task and hands entries to the group's subscriptions through a small bounded queue; deliveries
//! are settled with XACK, a delayed XCLAIM (retry) or the dead-letter script.

use crate::{Ctx, RECONNECT_MAX, RECONNECT_MIN, transient, with_retry};
use async_trait::async_trait;
use lgp_bus::{Acker, BusError, Delivery, SubscriptionSource};
use lgp_events::{Event, EventType};
use redis::aio::ConnectionManager;
use redis::streams::{
    StreamAutoClaimReply, StreamClaimReply, StreamId, StreamPendingCountReply, StreamReadReply,
};
use redis::{RedisError, Script};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Instant;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The stream entry's field holding the event's JSON.
pub(crate) const FIELD_EVENT: &str = "event";

/// Numbers this process's consumers.
static CONSUMERS: AtomicU64 = AtomicU64::new(0);

/// Dead-letters an entry and acknowledges it, atomically, and only if it is still pending: a
/// retried script (its reply lost to a dropped connection) or a consumer that lost the entry to
/// XAUTOCLAIM meanwhile writes no second dead letter.
static DEAD_LETTER: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*',
    'event', ARGV[4], 'error', ARGV[5], 'attempts', ARGV[6], 'at', ARGV[7])
  redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
  return 1
end
return 0
",
    )
});

/// One entry ready to be delivered.
struct Ready {
    event: Arc<Event>,
    stream: Arc<str>,
    id: String,
    attempt: u32,
}

/// What a group's consumer, its deliveries and its retries share.
struct Info {
    ctx: Arc<Ctx>,
    group: Arc<str>,
    consumer: String,
    streams: Vec<String>,
    /// The group's registration (see `Keys::groups`), restored if Redis lost it.
    types_field: String,
}

/// This process's consumer of one group. Subscriptions share it; when the last is dropped its
/// queue closes and the reading task stops (entries it had read but not delivered stay pending
/// and are taken over after the claim timeout).
pub(crate) struct GroupReader {
    info: Arc<Info>,
    tx: async_channel::Sender<Ready>,
    rx: async_channel::Receiver<Ready>,
}

impl GroupReader {
    /// Starts the consumer of `group` on the streams of `types` (the groups exist).
    pub(crate) fn start(
        ctx: Arc<Ctx>,
        group: &str,
        types: &[EventType],
    ) -> Result<Arc<GroupReader>, BusError> {
        let conn = ctx.reader_connection()?;
        let n = CONSUMERS.fetch_add(1, Ordering::Relaxed);
        let info = Arc::new(Info {
            consumer: format!("{}-{n}", ctx.process),
            streams: types.iter().map(|t| ctx.keys.stream(*t)).collect(),
            types_field: crate::keys::types_field(types),
            group: group.into(),
            ctx,
        });
        let (tx, rx) = async_channel::bounded(info.ctx.config.read_count.max(1));
        tokio::spawn(read(info.clone(), conn, tx.clone()));
        Ok(Arc::new(GroupReader { info, tx, rx }))
    }
}

/// Creates `group` on `streams` starting at `start` (`$`: new entries only; `0`: everything),
/// with the streams if missing. Existing groups are left as they are.
pub(crate) async fn create_groups(
    conn: &mut ConnectionManager,
    streams: &[String],
    group: &str,
    start: &str,
) -> Result<(), RedisError> {
    for stream in streams {
        let created: Result<(), RedisError> = redis::cmd("XGROUP")
            .arg("CREATE")
            .arg(stream)
            .arg(group)
            .arg(start)
            .arg("MKSTREAM")
            .query_async(conn)
            .await;
        match created {
            Err(err) if err.code() != Some("BUSYGROUP") => return Err(err),
            _ => {}
        }
    }
    Ok(())
}

/// Recreates a group Redis lost, with its registration.
async fn restore_group(info: &Info, conn: &mut ConnectionManager) -> Result<(), RedisError> {
    let _: bool = redis::cmd("HSETNX")
        .arg(info.ctx.keys.groups())
        .arg(&*info.group)
        .arg(&info.types_field)
        .query_async(conn)
        .await?;
    create_groups(conn, &info.streams, &info.group, "0").await
}

/// The reading loop of one consumer: takes over stale entries now and then, reads new ones, and
/// survives Redis going away (backoff) or losing its groups (recreated).
async fn read(info: Arc<Info>, mut conn: ConnectionManager, tx: async_channel::Sender<Ready>) {
    let config = &info.ctx.config;
    let mut last_claim: Option<Instant> = None;
    let mut delay = RECONNECT_MIN;
    while !tx.is_closed() {
        let round = async {
            if last_claim.is_none_or(|t| t.elapsed() >= config.claim_interval) {
                last_claim = Some(Instant::now());
                for ready in reclaim(&info, &mut conn).await? {
                    if tx.send(ready).await.is_err() {
                        return Ok(());
                    }
                }
            }
            let room = tx.capacity().unwrap_or(1).saturating_sub(tx.len()).max(1);
            for ready in read_new(&info, &mut conn, room).await? {
                if tx.send(ready).await.is_err() {
                    return Ok(());
                }
            }
            Ok::<(), RedisError>(())
        };
        match round.await {
            Ok(()) => delay = RECONNECT_MIN,
            Err(err) if err.code() == Some("NOGROUP") => {
                // Redis lost the group (restarted without persistence, or flushed): recreate it
                // from the start of what the streams still hold, so nothing published since is
                // skipped.
                tracing::warn!(group = %info.group, "consumer group missing in redis, recreating it");
                if let Err(err) = restore_group(&info, &mut conn).await {
                    tracing::warn!(group = %info.group, "cannot recreate consumer group: {err}");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(RECONNECT_MAX);
                }
            }
            Err(err) => {
                if transient(&err) {
                    tracing::debug!(group = %info.group, "redis unavailable, retrying: {err}");
                } else {
                    tracing::error!(group = %info.group, "reading events failed: {err}");
                }
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(RECONNECT_MAX);
            }
        }
    }
}

/// Reads up to `count` new entries (blocking a while when there are none), oldest first.
async fn read_new(
    info: &Info,
    conn: &mut ConnectionManager,
    count: usize,
) -> Result<Vec<Ready>, RedisError> {
    let block = u64::try_from(info.ctx.config.block.as_millis()).unwrap_or(u64::MAX);
    let reply: Option<StreamReadReply> = redis::cmd("XREADGROUP")
        .arg("GROUP")
        .arg(&*info.group)
        .arg(&info.consumer)
        .arg("COUNT")
        .arg(count)
        .arg("BLOCK")
        .arg(block)
        .arg("STREAMS")
        .arg(&info.streams)
        .arg(vec![">"; info.streams.len()])
        .query_async(conn)
        .await?;
    let mut entries: Vec<(Arc<str>, StreamId)> = reply
        .into_iter()
        .flat_map(|r| r.keys)
        .flat_map(|k| {
            let stream: Arc<str> = k.key.into();
            k.ids.into_iter().map(move |id| (stream.clone(), id))
        })
        .collect();
    // Streams of several types: deliver in publishing order (entry ids are time-ordered).
    entries.sort_by_key(|(_, e)| entry_order(&e.id));
    let mut ready = Vec::with_capacity(entries.len());
    for (stream, entry) in entries {
        if let Some(event) = decode(info, conn, &stream, &entry).await? {
            ready.push(Ready {
                event,
                stream,
                id: entry.id,
                attempt: 1,
            });
        }
    }
    Ok(ready)
}

/// Takes over entries of the group idle past the claim timeout (their consumer is presumed
/// dead), with how often each was delivered; dead-letters those delivered too often already.
async fn reclaim(info: &Info, conn: &mut ConnectionManager) -> Result<Vec<Ready>, RedisError> {
    let config = &info.ctx.config;
    let idle = u64::try_from(config.claim_idle.as_millis()).unwrap_or(u64::MAX);
    let mut ready = Vec::new();
    for stream in &info.streams {
        let reply: StreamAutoClaimReply = redis::cmd("XAUTOCLAIM")
            .arg(stream)
            .arg(&*info.group)
            .arg(&info.consumer)
            .arg(idle)
            .arg("0-0")
            .arg("COUNT")
            .arg(config.read_count.max(1))
            .query_async(conn)
            .await?;
        if !reply.deleted_ids.is_empty() {
            tracing::warn!(group = %info.group, %stream, lost = reply.deleted_ids.len(), "pending entries were trimmed from the stream before they were handled");
        }
        if reply.claimed.is_empty() {
            continue;
        }
        let mut pipe = redis::pipe();
        for entry in &reply.claimed {
            pipe.cmd("XPENDING")
                .arg(stream)
                .arg(&*info.group)
                .arg(&entry.id)
                .arg(&entry.id)
                .arg(1);
        }
        let counts: Vec<StreamPendingCountReply> = pipe.query_async(conn).await?;
        let stream: Arc<str> = stream.as_str().into();
        for (entry, count) in reply.claimed.into_iter().zip(counts) {
            let Some(event) = decode(info, conn, &stream, &entry).await? else {
                continue;
            };
            let attempt = count
                .ids
                .first()
                .map_or(1, |p| u32::try_from(p.times_delivered).unwrap_or(u32::MAX));
            tracing::info!(group = %info.group, event_id = %event.event_id, attempt, "took over a stale pending entry");
            if attempt > config.retry.max_attempts {
                let error = format!(
                    "delivered {} times without being settled (its consumers stopped)",
                    attempt - 1
                );
                dead_letter(info, &stream, &entry.id, &event, attempt - 1, &error).await?;
                continue;
            }
            ready.push(Ready {
                event,
                stream: stream.clone(),
                id: entry.id,
                attempt,
            });
        }
    }
    Ok(ready)
}

/// The event of an entry; an entry that holds none is acknowledged and skipped (nobody can
/// ever handle it, and it has no event to dead-letter).
async fn decode(
    info: &Info,
    conn: &mut ConnectionManager,
    stream: &str,
    entry: &StreamId,
) -> Result<Option<Arc<Event>>, RedisError> {
    let decoded = entry
        .get::<String>(FIELD_EVENT)
        .ok_or_else(|| "no event field".to_owned())
        .and_then(|json| serde_json::from_str::<Event>(&json).map_err(|e| e.to_string()));
    match decoded {
        Ok(event) => Ok(Some(Arc::new(event))),
        Err(err) => {
            tracing::error!(group = %info.group, %stream, id = %entry.id, "dropping an undecodable stream entry: {err}");
            let _: i64 = redis::cmd("XACK")
                .arg(stream)
                .arg(&*info.group)
                .arg(&entry.id)
                .query_async(conn)
                .await?;
            Ok(None)
        }
    }
}

/// Sort key of a stream entry id `<ms>-<seq>`.
fn entry_order(id: &str) -> (u64, u64) {
    let (ms, seq) = id.split_once('-').unwrap_or((id, "0"));
    (ms.parse().unwrap_or(0), seq.parse().unwrap_or(0))
}

async fn dead_letter(
    info: &Info,
    stream: &str,
    id: &str,
    event: &Event,
    attempts: u32,
    error: &str,
) -> Result<(), RedisError> {
    let keys = &info.ctx.keys;
    let json = serde_json::to_string(event).map_err(|e| {
        RedisError::from((
            redis::ErrorKind::Client,
            "cannot encode the event",
            e.to_string(),
        ))
    })?;
    let at = OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default();
    let mut conn = info.ctx.conn.clone();
    let written: i64 = DEAD_LETTER
        .key(stream)
        .key(keys.dead(&info.group))
        .key(keys.dead_counts())
        .arg(&*info.group)
        .arg(id)
        .arg(info.ctx.config.dead_letter_capacity.max(1))
        .arg(json)
        .arg(error)
        .arg(attempts)
        .arg(at)
        .invoke_async(&mut conn)
        .await?;
    if written == 1 {
        tracing::warn!(group = %info.group, event_id = %event.event_id, event_type = %event.event_type, attempts, "dead-lettered: {error}");
    }
    Ok(())
}

struct RedisAcker {
    info: Arc<Info>,
    tx: async_channel::Sender<Ready>,
    event: Arc<Event>,
    stream: Arc<str>,
    id: String,
    attempt: u32,
}

impl RedisAcker {
    /// Dead-letters the entry or schedules its redelivery after the policy's backoff: it stays
    /// pending meanwhile, so if this process dies first another consumer takes it over.
    async fn settle_failure(self, error: String, retryable: bool) -> Result<(), BusError> {
        let info = self.info.clone();
        let retry = info.ctx.config.retry;
        if !retryable || retry.exhausted(self.attempt) {
            let deadline = info.ctx.config.publish_timeout;
            return with_retry("dead-lettering an event", deadline, || {
                dead_letter(
                    &info,
                    &self.stream,
                    &self.id,
                    &self.event,
                    self.attempt,
                    &error,
                )
            })
            .await;
        }
        tracing::debug!(group = %info.group, event_id = %self.event.event_id, attempt = self.attempt, "retrying: {error}");
        let delay = retry.backoff(self.attempt);
        tokio::spawn(self.redeliver(delay));
        Ok(())
    }

    /// After `delay`, claims the entry back (which counts a delivery and resets its idle time)
    /// and queues it, unless it was settled elsewhere meanwhile or nobody consumes any more.
    async fn redeliver(self, delay: std::time::Duration) {
        tokio::time::sleep(delay).await;
        if self.tx.is_closed() {
            return;
        }
        let info = &self.info;
        let claimed = with_retry(
            "claiming an event for a retry",
            info.ctx.config.claim_idle,
            || {
                let mut conn = info.ctx.conn.clone();
                let stream = self.stream.clone();
                let id = self.id.clone();
                async move {
                    redis::cmd("XCLAIM")
                        .arg(&*stream)
                        .arg(&*info.group)
                        .arg(&info.consumer)
                        .arg(0)
                        .arg(id)
                        .query_async::<StreamClaimReply>(&mut conn)
                        .await
                }
            },
        )
        .await;
        match claimed {
            Ok(reply) if !reply.ids.is_empty() => {
                let ready = Ready {
                    event: self.event.clone(),
                    stream: self.stream.clone(),
                    id: self.id.clone(),
                    attempt: self.attempt + 1,
                };
                // A closed queue: the entry stays pending and is taken over later.
                let _ = self.tx.send(ready).await;
            }
            Ok(_) => {
                tracing::debug!(group = %info.group, event_id = %self.event.event_id, "retried entry is no longer pending");
            }
            Err(err) => {
                tracing::warn!(group = %info.group, event_id = %self.event.event_id, "cannot claim for a retry; another consumer will take it over: {err}");
            }
        }
    }
}

#[async_trait]
impl Acker for RedisAcker {
    async fn ack(self: Box<Self>) -> Result<(), BusError> {
        let RedisAcker {
            info, stream, id, ..
        } = *self;
        info.ctx.acks.ack(stream, info.group.clone(), id).await
    }

    async fn fail(self: Box<Self>, error: String, retryable: bool) -> Result<(), BusError> {
        self.settle_failure(error, retryable).await
    }

    fn abandon(self: Box<Self>) {
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => {
                handle.spawn(async move {
                    let group = self.info.group.clone();
                    let error = "delivery dropped without acknowledgement".to_owned();
                    if let Err(err) = self.settle_failure(error, true).await {
                        tracing::warn!(%group, "cannot settle an abandoned delivery; it will be taken over: {err}");
                    }
                });
            }
            Err(_) => {
                tracing::warn!(group = %self.info.group, "delivery dropped outside a runtime; it will be taken over after the claim timeout");
            }
        }
    }
}

/// A subscription's view of its group's consumer.
pub(crate) struct Source {
    reader: Arc<GroupReader>,
}

impl Source {
    pub(crate) fn new(reader: Arc<GroupReader>) -> Self {
        Source { reader }
    }

    fn deliver(&self, ready: Ready) -> Delivery {
        let acker = RedisAcker {
            info: self.reader.info.clone(),
            tx: self.reader.tx.clone(),
            event: ready.event.clone(),
            stream: ready.stream,
            id: ready.id,
            attempt: ready.attempt,
        };
        Delivery::new(ready.event, ready.attempt, Box::new(acker))
    }
}

#[async_trait]
impl SubscriptionSource for Source {
    async fn next(&mut self) -> Option<Delivery> {
        let ready = self.reader.rx.recv().await.ok()?;
        Some(self.deliver(ready))
    }

    fn try_next(&mut self) -> Option<Delivery> {
        let ready = self.reader.rx.try_recv().ok()?;
        Some(self.deliver(ready))
    }
}

#[cfg(test)]
mod tests {
    use super::entry_order;

    #[test]
    fn entry_ids_sort_numerically() {
        assert!(entry_order("9-5") < entry_order("10-0"));
        assert!(entry_order("10-2") < entry_order("10-10"));
    }
}
