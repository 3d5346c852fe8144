//! Notifications to the webhook endpoints a tenant configured: what an endpoint is
//! ([`Webhook`], validated from a [`WebhookSpec`]), where it is kept ([`persist`], the tenant's
//! host-owned key/value namespace [`NAMESPACE`]), how a body is signed ([`sign`]) and how it is
//! delivered ([`Dispatcher`]: in the background, with [`RetryPolicy`] backoff, every attempt
//! recorded as a [`DeliveryRecord`]).
//!
//! A plugin never names a URL: the host's `notify` capability hands this crate an event type and
//! a payload, and the payload goes to the endpoints the *tenant* configured for that type and
//! nowhere else.
//!
//! It does not decide what is worth notifying (the alert plugin does) and it follows no
//! redirects: a receiver answers where it was configured, or the delivery fails.

mod backoff;
mod dispatch;
mod error;
pub mod persist;
mod render;
pub mod sign;
mod webhook;

pub use backoff::{
    DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_BASE_DELAY, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_DELAY,
    RetryPolicy,
};
pub use dispatch::{Attempt, DeliveryRecord, Dispatcher, Envelope, Outcome};
pub use error::NotifyError;
pub use render::render;
pub use webhook::{DEFAULT_EVENTS, Format, MIN_SECRET_BYTES, Webhook, WebhookSpec};

/// The key/value namespace, in each tenant's store, of the webhooks and their deliveries. Plugin
/// names cannot contain `:`, so no plugin's state can collide with it.
pub const NAMESPACE: &str = "host:webhooks";

/// The header carrying `sha256=<hex HMAC-SHA256 of the body under the endpoint's secret>`.
pub const SIGNATURE_HEADER: &str = "X-LGP-Signature";

/// The header carrying the event type.
pub const EVENT_HEADER: &str = "X-LGP-Event";

/// The header carrying the delivery id: the same on every attempt of one delivery, so a receiver
/// can drop duplicates.
pub const DELIVERY_HEADER: &str = "X-LGP-Delivery";
