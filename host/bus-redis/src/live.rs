//! Live fan-out over Redis pub/sub: each tenant watched by this process is one PSUBSCRIBE on
//! `tenant.{tenant}.*`, whose messages go to that tenant's in-process broadcast channel, so every
//! replica's WebSocket clients see every replica's events.
//!
//! One RESP3 connection carries every pattern; the connection manager re-subscribes them after a
//! reconnect. Events published while the connection is down are not replayed: live streams are
//! at-most-once by contract.

use crate::keys::tenant_pattern;
use lgp_bus::{BusError, LiveStream};
use lgp_events::{Event, TenantId};
use redis::aio::ConnectionManager;
use redis::{PushInfo, PushKind, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, watch};

/// How long `publish` waits for a just-requested PSUBSCRIBE to be confirmed, so that a live stream
/// sees the events its own process publishes after `live` returned. Redis confirms in well under a
/// millisecond; the bound only matters when Redis is down, and then live delivery is lost anyway.
const CONFIRM_TIMEOUT: Duration = Duration::from_secs(2);

/// Delay between attempts to subscribe while Redis is unreachable.
const RESUBSCRIBE_DELAY: Duration = Duration::from_millis(200);

struct Watched {
    tx: broadcast::Sender<Arc<Event>>,
    confirmed: watch::Receiver<bool>,
}

type Tenants = Arc<RwLock<HashMap<TenantId, Watched>>>;

/// Subscription changes, applied in order by one task so that an unsubscribe never overtakes a
/// later subscribe of the same tenant.
enum Command {
    Watch(TenantId, watch::Sender<bool>),
    Unwatch(TenantId),
}

/// The receiving side of the pub/sub connection: give it to the connection as its push sender.
pub(crate) struct Inbox {
    tenants: Tenants,
    /// Weak: the connection (which owns the inbox) must not keep the command task alive.
    commands: mpsc::WeakUnboundedSender<Command>,
}

impl Inbox {
    /// Forwards one push message (a pattern message is `[pattern, channel, payload]`).
    pub(crate) fn push(&self, info: PushInfo) {
        if info.kind != PushKind::PMessage {
            return;
        }
        let Some(Value::BulkString(payload)) = info.data.into_iter().nth(2) else {
            return;
        };
        let event: Event = match serde_json::from_slice(&payload) {
            Ok(e) => e,
            Err(err) => {
                tracing::warn!("ignoring an undecodable live event: {err}");
                return;
            }
        };
        let tenant = event.tenant_id.clone();
        let abandoned = {
            let map = self.tenants.read().unwrap_or_else(|p| p.into_inner());
            // Sending fails only when nobody listens any more.
            map.get(&tenant)
                .is_some_and(|w| w.tx.send(Arc::new(event)).is_err())
        };
        if abandoned {
            let mut map = self.tenants.write().unwrap_or_else(|p| p.into_inner());
            if map.get(&tenant).is_some_and(|w| w.tx.receiver_count() == 0) {
                map.remove(&tenant);
                if let Some(commands) = self.commands.upgrade() {
                    let _ = commands.send(Command::Unwatch(tenant));
                }
            }
        }
    }
}

/// The live side of the Redis bus.
pub(crate) struct Live {
    tenants: Tenants,
    capacity: usize,
    /// Tenants whose subscription is not confirmed yet: lets `publish` skip the check.
    unconfirmed: Arc<AtomicUsize>,
    /// To the task applying subscription changes, which ends when this is dropped.
    commands: mpsc::UnboundedSender<Command>,
}

impl Live {
    /// The live side, on the pub/sub connection that `connect` makes to push to the given inbox.
    /// Starts its task on the current runtime.
    pub(crate) fn new(
        capacity: usize,
        connect: impl FnOnce(Inbox) -> Result<ConnectionManager, BusError>,
    ) -> Result<Self, BusError> {
        let handle = tokio::runtime::Handle::try_current().map_err(|e| BusError::Backend {
            operation: "starting live fan-out",
            message: format!("the redis bus needs a Tokio runtime: {e}"),
        })?;
        let tenants: Tenants = Arc::default();
        let (commands, rx) = mpsc::unbounded_channel();
        let conn = connect(Inbox {
            tenants: tenants.clone(),
            commands: commands.downgrade(),
        })?;
        let unconfirmed: Arc<AtomicUsize> = Arc::default();
        handle.spawn(apply(rx, conn, tenants.clone(), unconfirmed.clone()));
        Ok(Live {
            tenants,
            capacity: capacity.max(1),
            unconfirmed,
            commands,
        })
    }

    /// A receiver of `tenant`'s events, subscribing to its channels if this process does not yet.
    pub(crate) fn subscribe(&self, tenant: &TenantId) -> LiveStream {
        if let Some(w) = self
            .tenants
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(tenant)
        {
            return w.tx.subscribe();
        }
        let mut map = self.tenants.write().unwrap_or_else(|p| p.into_inner());
        if let Some(w) = map.get(tenant) {
            return w.tx.subscribe();
        }
        let (tx, rx) = broadcast::channel(self.capacity);
        let (confirm, confirmed) = watch::channel(false);
        self.unconfirmed.fetch_add(1, Ordering::SeqCst);
        if self
            .commands
            .send(Command::Watch(tenant.clone(), confirm))
            .is_err()
        {
            tracing::error!(%tenant, "live fan-out is not running; the live stream stays empty");
        }
        map.insert(tenant.clone(), Watched { tx, confirmed });
        rx
    }

    /// Waits until every subscription requested so far is confirmed by Redis (bounded).
    pub(crate) async fn confirmed(&self) {
        if self.unconfirmed.load(Ordering::SeqCst) == 0 {
            return;
        }
        let waiting: Vec<(TenantId, watch::Receiver<bool>)> = self
            .tenants
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|(_, w)| !*w.confirmed.borrow())
            .map(|(t, w)| (t.clone(), w.confirmed.clone()))
            .collect();
        for (tenant, mut rx) in waiting {
            let wait = rx.wait_for(|ok| *ok);
            if tokio::time::timeout(CONFIRM_TIMEOUT, wait).await.is_err() {
                tracing::warn!(%tenant, "live subscription not confirmed yet; publishing anyway");
            }
        }
    }
}

async fn apply(
    mut rx: mpsc::UnboundedReceiver<Command>,
    mut conn: ConnectionManager,
    tenants: Tenants,
    unconfirmed: Arc<AtomicUsize>,
) {
    while let Some(cmd) = rx.recv().await {
        match cmd {
            Command::Watch(tenant, confirm) => {
                let pattern = tenant_pattern(&tenant);
                let mut release = Some(confirm);
                // Keep trying while somebody still watches the tenant: Redis may be restarting.
                // Publishers wait for the first attempt only: a failing one must not slow every
                // publish down.
                loop {
                    let result = conn.psubscribe(&pattern).await;
                    if let Some(confirm) = release.take() {
                        let _ = confirm.send(true);
                        unconfirmed.fetch_sub(1, Ordering::SeqCst);
                    }
                    let Err(err) = result else { break };
                    tracing::warn!(%tenant, "cannot subscribe to live events, retrying: {err}");
                    tokio::time::sleep(RESUBSCRIBE_DELAY).await;
                    let watched = tenants
                        .read()
                        .unwrap_or_else(|p| p.into_inner())
                        .contains_key(&tenant);
                    if !watched {
                        break;
                    }
                }
            }
            Command::Unwatch(tenant) => {
                let watched_again = tenants
                    .read()
                    .unwrap_or_else(|p| p.into_inner())
                    .contains_key(&tenant);
                if !watched_again && let Err(err) = conn.punsubscribe(tenant_pattern(&tenant)).await
                {
                    tracing::debug!(%tenant, "cannot unsubscribe from live events: {err}");
                }
            }
        }
    }
}
