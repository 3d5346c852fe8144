//! Live fan-out over Redis pub/sub: each tenant watched by this process is one PSUBSCRIBE on
//! `tenant.{tenant}.*`, whose messages go to that tenant's in-process broadcast channel, so every
//! replica's WebSocket clients see every replica's events.
//!
//! One RESP3 connection carries every pattern; the connection manager re-subscribes them after a
//! reconnect. Events published while the connection is down are not replayed: live streams are
//! at-most-once by contract.

use crate::keys::tenant_pattern;
use lgp_bus::LiveStream;
use lgp_events::{Event, TenantId};
use redis::aio::ConnectionManager;
use redis::{PushInfo, PushKind, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
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
    commands: mpsc::UnboundedSender<Command>,
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
                let _ = self.commands.send(Command::Unwatch(tenant));
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
    commands: mpsc::UnboundedSender<Command>,
    /// The command receiver until the task applying commands is started (on first use, inside
    /// the runtime), with the connection it needs.
    pending: Mutex<Option<(mpsc::UnboundedReceiver<Command>, ConnectionManager)>>,
}

impl Live {
    /// The live side and the inbox its pub/sub connection must push to.
    pub(crate) fn new(capacity: usize) -> (Self, Inbox, LiveStarter) {
        let tenants: Tenants = Arc::default();
        let (commands, rx) = mpsc::unbounded_channel();
        let inbox = Inbox {
            tenants: tenants.clone(),
            commands: commands.clone(),
        };
        let live = Live {
            tenants,
            capacity: capacity.max(1),
            unconfirmed: Arc::default(),
            commands,
            pending: Mutex::new(None),
        };
        (live, inbox, LiveStarter(rx))
    }

    /// Hands over the pub/sub connection (built with the inbox).
    pub(crate) fn attach(&self, starter: LiveStarter, conn: ConnectionManager) {
        *self.pending.lock().unwrap_or_else(|p| p.into_inner()) = Some((starter.0, conn));
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
        self.start();
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

    /// Starts the task applying subscription changes, once, on the current runtime.
    fn start(&self) {
        let Some((rx, conn)) = self
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => {
                handle.spawn(apply(
                    rx,
                    conn,
                    self.tenants.clone(),
                    self.unconfirmed.clone(),
                ));
            }
            Err(_) => tracing::error!("live fan-out needs a Tokio runtime; none is running"),
        }
    }
}

/// The receiver of subscription commands, waiting for its connection.
pub(crate) struct LiveStarter(mpsc::UnboundedReceiver<Command>);

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
                // Keep trying while somebody still watches the tenant: Redis may be restarting.
                loop {
                    match conn.psubscribe(&pattern).await {
                        Ok(()) => break,
                        Err(err) => {
                            tracing::warn!(%tenant, "cannot subscribe to live events, retrying: {err}");
                            tokio::time::sleep(RESUBSCRIBE_DELAY).await;
                            if confirm.is_closed() {
                                break;
                            }
                        }
                    }
                }
                let _ = confirm.send(true);
                unconfirmed.fetch_sub(1, Ordering::SeqCst);
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
