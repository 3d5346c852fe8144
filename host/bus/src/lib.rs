//! The event bus: publish events, consume them in consumer groups with at-least-once delivery
//! (ack, retry with backoff, dead-letter after a number of attempts, error kept), and a live
//! per-tenant fan-out for WebSocket clients.
//!
//! [`Bus`] is the interface; [`InProcessBus`] the embedded default. The interface is shaped for
//! Redis Streams (consumer groups, XACK, XAUTOCLAIM, a dead-letter stream): a group sees the
//! events published after it was created, each event once per group, until acknowledged.
//!
//! Publishing never waits for handling. Group queues are bounded: when one is full, `publish`
//! waits for room up to a deadline and then fails with [`BusError::Backpressure`] — explicit
//! back-pressure rather than unbounded memory.
//!
//! The bus does not interpret events, route them to plugins or encrypt them; callers do.

mod delivery;
mod error;
mod in_process;
mod retry;

#[cfg(any(test, feature = "conformance"))]
pub mod conformance;

pub use delivery::{Acker, DeadLetter, Delivery, Subscription, SubscriptionSource};
pub use error::BusError;
pub use in_process::{InProcessBus, InProcessConfig};
pub use retry::RetryPolicy;

use async_trait::async_trait;
use lgp_events::{Event, EventType, TenantId};
use std::sync::Arc;
use tokio::sync::broadcast;

/// A live stream of one tenant's events. At-most-once: a receiver that falls behind gets
/// `RecvError::Lagged` and should be dropped (a slow WebSocket client must not slow anyone).
pub type LiveStream = broadcast::Receiver<Arc<Event>>;

/// Counters of one consumer group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupStats {
    /// Events waiting to be delivered (including scheduled retries).
    pub queued: u64,
    /// Events delivered and not yet acknowledged.
    pub in_flight: u64,
    /// Events dead-lettered since the group was created.
    pub dead_lettered: u64,
}

/// The event bus.
#[async_trait]
pub trait Bus: Send + Sync {
    /// Publishes events, in order. Returns once every subscribed group has them queued (and,
    /// for a durable bus, stored).
    async fn publish(&self, events: Vec<Event>) -> Result<(), BusError>;

    /// Joins consumer group `group`, creating it for `types` if new. Each event of those types
    /// published from then on is delivered to one subscription of the group. Joining an existing
    /// group with other types is an error.
    async fn subscribe(&self, group: &str, types: &[EventType]) -> Result<Subscription, BusError>;

    /// The live stream of `tenant`'s events.
    fn live(&self, tenant: &TenantId) -> LiveStream;

    /// The most recent dead letters of `group`, newest last, at most `limit`.
    async fn dead_letters(&self, group: &str, limit: usize) -> Result<Vec<DeadLetter>, BusError>;

    /// Counters of `group`.
    async fn stats(&self, group: &str) -> Result<GroupStats, BusError>;
}
