use crate::BusError;
use async_trait::async_trait;
use lgp_events::Event;
use std::sync::Arc;
use time::OffsetDateTime;

/// How a backend settles one delivery. Exactly one method is called per delivery.
#[async_trait]
pub trait Acker: Send {
    /// The event was handled: never deliver it to this group again.
    async fn ack(self: Box<Self>) -> Result<(), BusError>;
    /// Handling failed: deliver again after a backoff, or dead-letter once attempts run out
    /// (`retryable = false` dead-letters at once).
    async fn fail(self: Box<Self>, error: String, retryable: bool) -> Result<(), BusError>;
    /// The delivery was dropped unsettled (its handler panicked or was cancelled): treat as a
    /// retryable failure. Must not block.
    fn abandon(self: Box<Self>);
}

/// One event delivered to one consumer of a group. Settle it with [`ack`](Self::ack),
/// [`retry`](Self::retry) or [`reject`](Self::reject); dropping it unsettled counts as a
/// retryable failure, so nothing is lost to a panicking handler.
pub struct Delivery {
    /// The event.
    pub event: Arc<Event>,
    /// Which delivery of this event to this group this is, from 1.
    pub attempt: u32,
    acker: Option<Box<dyn Acker>>,
}

impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Delivery")
            .field("event_id", &self.event.event_id)
            .field("event_type", &self.event.event_type)
            .field("attempt", &self.attempt)
            .finish()
    }
}

impl Delivery {
    /// A delivery settled through `acker`.
    pub fn new(event: Arc<Event>, attempt: u32, acker: Box<dyn Acker>) -> Self {
        Delivery {
            event,
            attempt,
            acker: Some(acker),
        }
    }

    fn take(&mut self) -> Box<dyn Acker> {
        self.acker
            .take()
            .expect("invariant: a delivery is settled once, by value")
    }

    /// Acknowledges: call after the event's effects are stored.
    pub async fn ack(mut self) -> Result<(), BusError> {
        self.take().ack().await
    }

    /// Reports a transient failure: redelivered after a backoff, dead-lettered with `error`
    /// once the retry policy's attempts are used up.
    pub async fn retry(mut self, error: impl Into<String>) -> Result<(), BusError> {
        self.take().fail(error.into(), true).await
    }

    /// Reports a permanent failure: dead-lettered at once with `error`.
    pub async fn reject(mut self, error: impl Into<String>) -> Result<(), BusError> {
        self.take().fail(error.into(), false).await
    }
}

impl Drop for Delivery {
    fn drop(&mut self) {
        if let Some(acker) = self.acker.take() {
            acker.abandon();
        }
    }
}

/// An event that could not be handled, with why.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadLetter {
    /// The event.
    pub event: Arc<Event>,
    /// The consumer group that gave up on it.
    pub group: String,
    /// The last error.
    pub error: String,
    /// How many deliveries were made.
    pub attempts: u32,
    /// When it was dead-lettered.
    pub at: OffsetDateTime,
}

/// A consumer's handle on a group: yields deliveries.
#[async_trait]
pub trait SubscriptionSource: Send {
    /// The next delivery; `None` once the bus is closed.
    async fn next(&mut self) -> Option<Delivery>;

    /// A delivery that is available right now, without waiting.
    fn try_next(&mut self) -> Option<Delivery>;
}

/// A consumer's handle on a group.
pub struct Subscription {
    source: Box<dyn SubscriptionSource>,
    group: String,
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription")
            .field("group", &self.group)
            .finish()
    }
}

impl Subscription {
    /// Wraps a backend's source.
    pub fn new(group: impl Into<String>, source: Box<dyn SubscriptionSource>) -> Self {
        Subscription {
            source,
            group: group.into(),
        }
    }

    /// The group this subscription consumes for.
    pub fn group(&self) -> &str {
        &self.group
    }

    /// The next delivery; `None` once the bus is closed.
    pub async fn next(&mut self) -> Option<Delivery> {
        self.source.next().await
    }

    /// Waits for the next delivery, then takes whatever else is available at once, up to `max`
    /// in all: lets a consumer store a burst in one write. Empty once the bus is closed.
    pub async fn next_batch(&mut self, max: usize) -> Vec<Delivery> {
        let Some(first) = self.source.next().await else {
            return Vec::new();
        };
        let mut batch = vec![first];
        while batch.len() < max {
            match self.source.try_next() {
                Some(d) => batch.push(d),
                None => break,
            }
        }
        batch
    }
}
